from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.care.access import person_switch
from backend.care.forms import DependentForm
from backend.care.models import Invitation
from backend.care.selectors import (
    FLAG_LABELS,
    dashboard_rows,
    may_manage,
    people_for,
)
from backend.care.services import (
    InvitationError,
    dependent_create,
    invitation_accept,
    invitation_create,
    therapist_revoke,
)


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


@login_required
@require_POST
def invite(request):
    person = request.person
    role = request.POST.get("role")
    if not may_manage(user=request.user, person=person) or role not in Invitation.Role.values:
        raise Http404
    invitation, code = invitation_create(person=person, role=role, created_by=request.user)
    context = {"invitation": invitation, "code": code, "person": person}
    return render(request, "care/invitation.html", context, status=201)


@login_required
@require_http_methods(["GET", "POST"])
def join(request):
    error = None
    if request.method == "POST":
        try:
            invitation = invitation_accept(code=request.POST.get("code", ""), user=request.user)
        except InvitationError as exc:
            error = str(exc)
        else:
            person_switch(request, invitation.person_id)
            messages.success(
                request,
                _("You are now in %(name)s's care circle.")
                % {"name": invitation.person.display_name},
            )
            return redirect("patients" if invitation.role == Invitation.Role.THERAPIST else "home")
    return render(request, "care/join.html", {"error": error}, status=400 if error else 200)


@login_required
@require_POST
def revoke(request, therapist_id: int):
    person = request.person
    if not may_manage(user=request.user, person=person) or not therapist_revoke(
        person=person, therapist_id=therapist_id
    ):
        raise Http404
    messages.success(request, _("Access removed. The therapist can no longer see this plan."))
    return redirect("care")


@login_required
def patients(request):
    """The therapist dashboard: people who granted access, those who need attention first."""
    rows = dashboard_rows(therapist=request.user, today=timezone.localdate())
    return render(request, "care/patients.html", {"rows": rows, "flag_labels": FLAG_LABELS})
