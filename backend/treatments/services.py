from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.treatments.models import TreatmentEvent

EARLIEST = date(1900, 1, 1)
# An end date may be planned (a cast for six weeks), not years ahead.
LATEST_END = timedelta(days=366)


def treatment_record(
    *,
    person: User,
    kind: str,
    started_on: date,
    ended_on: date | None = None,
    muscles: str = "",
    medicine: str = "",
    change: str = "",
    note: str = "",
    by: User | None = None,
) -> TreatmentEvent:
    today = timezone.localdate(timezone=person.time_zone)
    errors = {}
    if not EARLIEST <= started_on <= today:
        errors["started_on"] = _("Give a date between 1900 and today.")
    if ended_on is not None and not started_on <= ended_on <= today + LATEST_END:
        errors["ended_on"] = _("The end comes on or after the start, within a year from today.")
    if kind == TreatmentEvent.Kind.MEDICINE:
        if not medicine.strip():
            errors["medicine"] = _("Name the medicine, e.g. baclofen.")
        if not change:
            errors["change"] = _("Say whether it was started, changed or stopped.")
    if errors:
        raise ValidationError(errors)
    keep = {
        TreatmentEvent.Kind.BOTULINUM_TOXIN: {"muscles"},
        TreatmentEvent.Kind.MEDICINE: {"medicine", "change"},
        TreatmentEvent.Kind.CASTING: {"ended_on"},
        TreatmentEvent.Kind.THERAPY: {"ended_on"},
    }[kind]
    fields = {"ended_on": ended_on, "muscles": muscles.strip(), "medicine": medicine.strip()}
    fields["change"] = change
    # Only what belongs to this kind of treatment is stored.
    kept = {k: v for k, v in fields.items() if k in keep}
    return TreatmentEvent.objects.create(
        person=person, kind=kind, started_on=started_on, note=note.strip(), recorded_by=by, **kept
    )


def treatment_delete(*, event: TreatmentEvent) -> None:
    event.delete()
