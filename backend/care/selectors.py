from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.care.access import patients_of, people_in_care_of, role_for
from backend.care.models import AccessLogEntry, Invitation, TherapistAccess
from backend.checkins.models import CheckIn
from backend.checkins.selectors import checkins_for_person, trend_for_person
from backend.plans.selectors import safety_screen_latest
from backend.reminders.models import Occurrence


def people_for(*, user: User) -> list[User]:
    """Whom this person can act for: themself first, then the people in their care by name."""
    others = people_in_care_of(user).exclude(id=user.id).order_by("name", "id")
    return [user, *others]


def patients_for(*, therapist: User) -> QuerySet[User]:
    return patients_of(therapist).order_by("name", "id")


def caregivers_of(*, person: User) -> QuerySet[User]:
    return User.objects.filter(cares_for__person=person).order_by("id")


def therapists_of(*, person: User) -> QuerySet[TherapistAccess]:
    return TherapistAccess.objects.filter(person=person, revoked_at__isnull=True).select_related(
        "therapist"
    )


def invitations_pending(*, person: User, now) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        person=person, accepted_at__isnull=True, expires_at__gt=now
    ).order_by("created_at")


def access_log_of(*, person: User) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(person=person).select_related("therapist")[:100]


def dependent_in_care_of(*, user: User, person_id: int) -> User | None:
    """A profile with no login that this person looks after, or None."""
    return (
        people_in_care_of(user).exclude(id=user.id).filter(id=person_id, email__isnull=True).first()
    )


def may_manage(*, user: User, person: User) -> bool:
    """The person themself or a caregiver: who may invite, revoke and change plans."""
    return role_for(user, person) in ("self", "caregiver")


@dataclass(frozen=True)
class PatientRow:
    person: User
    sessions_done: int
    sessions_planned: int
    stretch_days_done: int
    stretch_days_planned: int
    last_checkin: CheckIn | None
    pain_change: int | None  # latest pain minus baseline pain
    flags: list[str]

    @property
    def adherence(self) -> float | None:
        planned = self.sessions_planned + self.stretch_days_planned
        return None if planned == 0 else (self.sessions_done + self.stretch_days_done) / planned


FLAG_LABELS = {
    "overstimulation": _("Possible overstimulation"),
    "missed_sessions": _("Two or more sessions missed in a row"),
    "reassessment_due": _("Reassessment due"),
    "safety": _("Safety screen: talk before massage"),
}


def _flags(person: User, trend) -> list[str]:
    flags = []
    if trend.open_flags:
        flags.append("overstimulation")
    recent = list(
        Occurrence.objects.filter(person=person, kind="massage")
        .exclude(status=Occurrence.Status.SKIPPED)
        .order_by("-due_at")
        .values_list("status", flat=True)[:2]
    )
    if len(recent) == 2 and all(status in ("sent", "missed") for status in recent):
        flags.append("missed_sessions")
    if trend.reassessment is not None and trend.reassessment.due:
        flags.append("reassessment_due")
    screen = safety_screen_latest(person=person)
    if screen is not None and screen.positive:
        flags.append("safety")
    return flags


def dashboard_rows(*, therapist: User, today: date) -> list[PatientRow]:
    """The therapist's people, those who most need attention first."""
    rows = []
    for person in patients_for(therapist=therapist):
        trend = trend_for_person(person=person, today=today)
        recent = [w for w in trend.adherence if w.week_start >= today - timedelta(weeks=4)]
        baseline, latest = trend.baseline, trend.latest
        rows.append(
            PatientRow(
                person=person,
                sessions_done=sum(w.massage_done for w in recent),
                sessions_planned=sum(w.massage_planned for w in recent),
                stretch_days_done=sum(w.stretch_days_done for w in recent),
                stretch_days_planned=sum(w.stretch_days_planned for w in recent),
                last_checkin=checkins_for_person(person=person).order_by("-recorded_at").first(),
                pain_change=latest["pain"] - baseline.pain if baseline and latest else None,
                flags=_flags(person, trend),
            )
        )
    return sorted(
        rows, key=lambda r: (-len(r.flags), r.adherence if r.adherence is not None else 2)
    )
