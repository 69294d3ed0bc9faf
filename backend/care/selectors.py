from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.care.access import patients_of, people_in_care_of, person_in_care_of
from backend.care.models import AccessLogEntry, Invitation, TherapistAccess
from backend.checkins.models import CheckIn
from backend.checkins.selectors import checkins_for_person, trend_for_person
from backend.plans.models import Schedule
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


# What a therapist looked at, in words: by the name of the page or API operation, since one
# thing has both (the trend page and /api/v1/trends/) and paths carry ids.
VIEWED = {
    "patients": _("their patients overview: sessions done, last check-in and flags"),
    "home": _("today's sessions and next reminders"),
    **dict.fromkeys(
        [
            "plans",
            "plan-start",
            "massage-plan",
            "stretch-routine",
            "api-massage-plan",
            "api-stretch-routine",
            "api-plan-check",
        ],
        _("the plan"),
    ),
    **dict.fromkeys(
        ["proposal-new", "proposal-decision", "api-proposals", "api-proposal-decision"],
        _("suggested changes to the plan"),
    ),
    **dict.fromkeys(["safety-screen", "api-safety-screen"], _("the safety questions")),
    **dict.fromkeys(["checkin-new", "checkin-saved", "api-checkins"], _("check-ins")),
    **dict.fromkeys(["checkin-note-new", "api-checkin-notes"], _("notes on check-ins")),
    "api-checkins-export": _("a download of the check-ins"),
    **dict.fromkeys(["checkins-trend", "api-trends"], _("the trend")),
    "checkins-summary": _("the monthly summary"),
    **dict.fromkeys(["occurrence", "api-upcoming", "api-occurrence-done"], _("reminders")),
    "devices": _("devices and calendar"),
}


def viewed_what(path: str) -> str:
    """The log keeps the path; a page or operation with no words here shows as its path."""
    try:
        name = resolve(path).url_name
    except Resolver404:
        return path
    return str(VIEWED.get(name, path))


@dataclass(frozen=True)
class AccessLogLine:
    therapist: str  # the name they had when they looked
    what: str
    path: str
    at: datetime


def access_log_entries(*, person: User, who: str = "") -> QuerySet[AccessLogEntry]:
    """The whole log of a person, latest first; only one therapist's when `who` names one."""
    entries = AccessLogEntry.objects.filter(person=person).order_by("-at", "-id")
    return entries.filter(therapist_name=who) if who else entries


def access_log_lines(entries) -> list[AccessLogLine]:
    return [
        AccessLogLine(therapist=e.therapist_name, what=viewed_what(e.path), path=e.path, at=e.at)
        for e in entries
    ]


def access_log_who(*, person: User) -> list[str]:
    """Everyone who ever looked, by the names in the log."""
    entries = AccessLogEntry.objects.filter(person=person).order_by("therapist_name")
    return list(entries.values_list("therapist_name", flat=True).distinct())


def access_log_of(*, person: User, latest: int = 20) -> list[AccessLogLine]:
    """The latest entries, for the people page; the access log page has them all."""
    return access_log_lines(access_log_entries(person=person)[:latest])


def dependent_in_care_of(*, user: User, person_id: int) -> User | None:
    """A profile with no login that this person looks after, or None."""
    person = person_in_care_of(user, person_id)
    return person if person is not None and person.is_dependent else None


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
    screen = safety_screen_latest(person=person)
    if screen is not None and screen.positive:
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
                last_checkin=checkins_for_person(person=person).order_by("-recorded_at").first(),
                pain_change=latest["pain"] - baseline.pain if baseline and latest else None,
                flags=_flags(person, trend, today),
            )
        )
    # Most flags first; among equals the lowest adherence, and no plan at all last.
    return sorted(
        rows, key=lambda r: (-len(r.flags), r.adherence if r.adherence is not None else 2)
    )
