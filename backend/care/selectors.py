from django.db.models import QuerySet

from backend.accounts.models import User
from backend.care.access import people_in_care_of


def people_for(*, user: User) -> list[User]:
    """Whom this person can act for: themself first, then the people in their care by name."""
    others = people_in_care_of(user).exclude(id=user.id).order_by("name", "id")
    return [user, *others]


def caregivers_of(*, person: User) -> QuerySet[User]:
    return User.objects.filter(cares_for__person=person).order_by("id")
