"""Writes for the care circle: dependents and their caregivers."""

import zoneinfo

from django.db import transaction

from backend.accounts.models import User
from backend.care.models import CareRelation


@transaction.atomic
def dependent_create(
    *, caregiver: User, name: str, time_zone: zoneinfo.ZoneInfo, birth_year: int | None = None
) -> User:
    """A person with no login (a child), managed by the caregiver who adds them."""
    person = User.objects.create_dependent(name=name, time_zone=time_zone, birth_year=birth_year)
    CareRelation.objects.create(caregiver=caregiver, person=person)
    return person
