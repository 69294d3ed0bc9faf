"""The therapist's overview: each patient's adherence, last check-in and flags."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.care.selectors import patients_for
from backend.checkins.models import CheckIn
from backend.checkins.selectors import checkins_for_person, trend_for_person, with_changes
from backend.plans.models import Schedule
from backend.plans.selectors import held_by_screen
from backend.reminders.models import Occurrence


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


def _missed_in_a_row(person: User, today: date) -> bool:
    """The last two massage sessions were both left undone.

    A session not done yet today (its reminder sent, still going out, or too late to send)
    may still be done today: it is not missed until its day has passed.
    """
    recent = list(
        Occurrence.objects.filter(person=person, kind=Schedule.Kind.MASSAGE)
        .exclude(status=Occurrence.Status.SKIPPED)
        .filter(Q(local_date__lt=today) | Q(status=Occurrence.Status.DONE))
        .order_by("-due_at")
        .values_list("status", flat=True)[:2]
    )
    return len(recent) == 2 and Occurrence.Status.DONE not in recent


def _flags(person: User, trend, today: date) -> list[str]:
    flags = []
    if trend.open_flags:
        flags.append("overstimulation")
    if _missed_in_a_row(person, today):
        flags.append("missed_sessions")
    if trend.reassessment is not None and trend.reassessment.due:
        flags.append("reassessment_due")
    if held_by_screen(person=person):
        flags.append("safety")
    return flags


def dashboard_rows(*, therapist: User, now: datetime) -> list[PatientRow]:
    """The therapist's people, those who most need attention first."""
    rows = []
    for person in patients_for(therapist=therapist):
        # Each person's own day, as their trend page counts it.
        today = timezone.localdate(now, timezone=person.time_zone)
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
                last_checkin=with_changes(checkins_for_person(person=person))
                .select_related("recorded_by")
                .order_by("-recorded_at")
                .first(),
                pain_change=latest["pain"] - baseline.pain if baseline and latest else None,
                flags=_flags(person, trend, today),
            )
        )
    # Most flags first; among equals the lowest adherence, and no plan at all last.
    return sorted(
        rows, key=lambda r: (-len(r.flags), r.adherence if r.adherence is not None else 2)
    )
