from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.care.access import person_switch
from backend.care.forms import DependentForm
from backend.care.selectors import people_for
from backend.care.services import dependent_create


@login_required
@require_http_methods(["GET", "POST"])
def care_page(request):
    form = DependentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = dependent_create(caregiver=request.user, **form.cleaned_data)
        person_switch(request, person.id)
        messages.success(
            request, _("%(name)s added. You are now managing their plan.") % {"name": person.name}
        )
        return redirect("plans")
    status = 400 if form.errors else 200
    return render(
        request,
        "care/people.html",
        {"form": form, "people": people_for(user=request.user)},
        status=status,
    )


@login_required
@require_POST
def switch(request, person_id: int):
    person = person_switch(request, person_id)
    if person.id == request.user.id:
        messages.success(request, _("Back to your own plan."))
    else:
        messages.success(request, _("Now managing %(name)s.") % {"name": person.display_name})
    return redirect("home")
