import pytest

from backend.care.models import CareRelation, TherapistAccess
from backend.care.services import dependent_create


@pytest.fixture
def child(person):
    return dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")


@pytest.fixture
def therapist(make_person):
    return make_person("therapist@example.com")


@pytest.fixture
def with_therapist(person, therapist):
    TherapistAccess.objects.create(therapist=therapist, person=person)
    return therapist


@pytest.fixture
def second_parent(make_person, child):
    parent = make_person("parent2@example.com")
    CareRelation.objects.create(caregiver=parent, person=child)
    return parent
