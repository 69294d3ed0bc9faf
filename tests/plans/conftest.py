import pytest

from backend.plans.services import safety_screen_record
from tests.support.plans import NO


@pytest.fixture
def screened(person):
    safety_screen_record(person=person, **NO)
    return person
