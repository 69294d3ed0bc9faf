"""A caregiver making a child's plan gets shorter, gentler defaults and the cues for children."""

import pytest
from django.utils import timezone

from backend.care.services import dependent_create
from backend.plans.models import MassagePlan, SafetyScreen
from backend.plans.services import safety_screen_record
from tests.support.plans import NO

CUE = "gentle pressure, play-based, with a parent in the room"
STARTER = {
    "time_zone": "Europe/Madrid",
    "first_day": "1",
    "second_day": "4",
    "massage_time": "18:00",
    "given_by": "caregiver",
    "stretch_time": "08:00",
} | dict.fromkeys(SafetyScreen.QUESTIONS, "no")


@pytest.fixture
def leo(person):
    return dependent_create(caregiver=person, name="Leo", birth_year=timezone.now().year - 7)


@pytest.fixture
def caregiver(client, person):
    client.force_login(person)
    return client


def _act_for(client, who):
    client.post(f"/care/switch/{who.id}/")


@pytest.mark.django_db
def test_a_caregiver_making_leos_first_plan_sees_the_child_defaults_and_cues(caregiver, leo):
    _act_for(caregiver, leo)

    response = caregiver.get("/plans/start/")
    form = response.context["form"]

    assert CUE in response.content.decode()
    assert [value for value, _label in form.fields["duration_minutes"].choices] == [10, 15]
    assert form["duration_minutes"].value() == 10

    caregiver.post("/plans/start/", STARTER | {"duration_minutes": "10"})

    plan = MassagePlan.objects.get(person=leo)
    assert (plan.duration_minutes, plan.technique, plan.given_by) == (10, "swedish", "caregiver")


@pytest.mark.django_db
def test_a_longer_session_than_a_childs_first_ones_is_not_offered_to_start(caregiver, leo):
    _act_for(caregiver, leo)

    response = caregiver.post("/plans/start/", STARTER | {"duration_minutes": "20"})

    assert response.status_code == 400
    assert "duration_minutes" in response.context["form"].errors
    assert not MassagePlan.objects.filter(person=leo).exists()


@pytest.mark.django_db
def test_an_adults_first_plan_has_the_adult_defaults_and_no_child_cues(caregiver, person):
    response = caregiver.get("/plans/start/")
    form = response.context["form"]

    assert CUE not in response.content.decode()
    assert [value for value, _label in form.fields["duration_minutes"].choices] == [15, 20]
    assert form["duration_minutes"].value() == 15

    caregiver.post("/plans/start/", STARTER | {"duration_minutes": "15"})

    plan = MassagePlan.objects.get(person=person)
    assert (plan.duration_minutes, plan.technique) == (15, "stretch_massage")


@pytest.mark.django_db
def test_the_massage_form_starts_a_childs_plan_short_and_gentle(caregiver, person, leo):
    for who in (person, leo):
        safety_screen_record(person=who, **NO)

    own = caregiver.get("/plans/massage/")
    _act_for(caregiver, leo)
    childs = caregiver.get("/plans/massage/")

    assert CUE not in own.content.decode()
    assert own.context["form"]["duration_minutes"].value() == 15
    assert CUE in childs.content.decode()
    form = childs.context["form"]
    assert (form["duration_minutes"].value(), form["technique"].value()) == (10, "swedish")
    assert form["given_by"].value() == "caregiver"


@pytest.mark.django_db
def test_a_dependent_whose_birth_year_says_adult_gets_adult_defaults(caregiver, person):
    adult = dependent_create(caregiver=person, name="Ana", birth_year=timezone.now().year - 40)
    _act_for(caregiver, adult)

    response = caregiver.get("/plans/start/")

    assert CUE not in response.content.decode()
    assert response.context["form"]["duration_minutes"].value() == 15
