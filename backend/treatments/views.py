from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.care.access import THERAPIST, acting_role
from backend.shared.access import Allow, allows
from backend.treatments.forms import TreatmentForm
from backend.treatments.selectors import treatments_for_person
from backend.treatments.services import treatment_delete, treatment_record


@allows(Allow.THERAPIST_READS)
@require_http_methods(["GET", "POST"])
def treatments_page(request):
    """Injections, medicine changes, casts and blocks of therapy, as dated events."""
    form = TreatmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            treatment_record(person=request.person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, _("Treatment recorded. It shows on the trend charts."))
            return redirect("treatments")
    context = {
        "events": treatments_for_person(person=request.person).order_by("-started_on", "-id"),
        "form": form,
        "writes": acting_role(request) != THERAPIST,
    }
    return render(
        request, "treatments/treatments.html", context, status=400 if form.errors else 200
    )


@allows(Allow.THERAPIST_READS)
@require_POST
def treatment_remove(request, event_id: int):
    event = get_object_or_404(treatments_for_person(person=request.person), id=event_id)
    treatment_delete(event=event)
    messages.success(request, _("Treatment removed."))
    return redirect("treatments")
