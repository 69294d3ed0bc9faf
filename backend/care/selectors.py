from django.db.models import QuerySet

from backend.accounts.models import User
from backend.care.access import patients_of, people_in_care_of, role_for
from backend.care.models import AccessLogEntry, TherapistAccess


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


def access_log_of(*, person: User) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(person=person).select_related("therapist")[:100]


def may_manage(*, user: User, person: User) -> bool:
    """The person themself or a caregiver: who may invite, revoke and change plans."""
    return role_for(user, person) in ("self", "caregiver")
