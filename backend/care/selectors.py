from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.care.access import (
    CAREGIVER,
    SUPPORT,
    THERAPIST,
    patients_of,
    people_in_care_of,
    person_in_care_of,
    supported_by,
)
from backend.care.models import AccessLogEntry, Invitation, SupportRelation, TherapistAccess


def people_for(*, user: User) -> list[User]:
    """Whom this person can act for: themself first, then the people in their care by name,
    then the adults who chose them as a support person."""
    others = people_in_care_of(user).exclude(id=user.id).order_by("name", "id")
    supported = supported_by(user).exclude(id__in=[p.id for p in others]).order_by("name", "id")
    return [user, *others, *supported]


def patients_for(*, therapist: User) -> QuerySet[User]:
    return patients_of(therapist).order_by("name", "id")


def caregivers_of(*, person: User) -> QuerySet[User]:
    return User.objects.filter(cares_for__person=person).order_by("id")


def support_people_of(*, person: User) -> QuerySet[User]:
    """Who hears when the person's reminder goes undone: everyone who looks after them, and
    the support people an adult chose."""
    return (
        User.objects.filter(Q(cares_for__person=person) | Q(supports__person=person))
        .distinct()
        .order_by("id")
    )


# What each kind of member may do, in plain words, for the person's sharing page and the API.
MAY_DO = {
    CAREGIVER: _("Sees and changes the plan, reminders and check-ins; gets the reminders."),
    SUPPORT: _("Sees today's reminders and can mark one done or ask for it again."),
    THERAPIST: _("Reads the plan, check-ins and trend; never changes them."),
}


@dataclass(frozen=True)
class CircleMember:
    kind: str  # caregiver, support or therapist
    user: User
    since: datetime

    @property
    def may_do(self) -> str:
        return str(MAY_DO[self.kind])


def circle_of(*, person: User) -> list[CircleMember]:
    """Everyone who has access to the person, caregivers first, then support people and
    therapists, each in the order they joined."""
    caregivers = [
        CircleMember(CAREGIVER, relation.caregiver, relation.created_at)
        for relation in person.caregivers.select_related("caregiver").order_by("created_at", "id")
    ]
    support = [
        CircleMember(SUPPORT, relation.supporter, relation.created_at)
        for relation in SupportRelation.objects.filter(person=person)
        .select_related("supporter")
        .order_by("created_at", "id")
    ]
    therapists = [
        CircleMember(THERAPIST, access.therapist, access.granted_at)
        for access in therapists_of(person=person).order_by("granted_at", "id")
    ]
    return caregivers + support + therapists


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


def viewed_what(*, path: str) -> str:
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
        AccessLogLine(
            therapist=e.therapist_name, what=viewed_what(path=e.path), path=e.path, at=e.at
        )
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
