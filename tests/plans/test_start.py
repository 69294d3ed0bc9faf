"""Onboarding: the suggested first plan and the safety questions, on one screen."""

import pytest

from backend.accounts.models import User
from backend.plans.models import MassagePlan, SafetyScreen, Schedule, StretchRoutine
from tests.support.sign_up import sign_up_finish

ALL_NO = dict.fromkeys(SafetyScreen.QUESTIONS, "no")
DEFAULTS = {
    "time_zone": "America/Chicago",
    "first_day": "1",
    "second_day": "4",
    "massage_time": "18:00",
    "duration_minutes": "15",
    "given_by": "self",
    "stretch_time": "08:00",
}


@pytest.fixture
def signed_in(client, person):
    client.force_login(person)
    return client


@pytest.mark.django_db
def test_a_new_person_lands_on_the_suggested_plan_after_signing_up(client):
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password": "calf-stretch-every-morning",
         "time_zone": "Europe/Madrid", "roles": ["practise"]},
    )  # fmt: skip
    finished = sign_up_finish(client, "new@example.com")
    response = client.get(finished["Location"])

    page = response.content.decode()
    assert response.templates[0].name == "plans/start.html"
    assert "two short massage sessions a week" in page
    assert 'value="18:00"' in page and 'value="08:00"' in page


@pytest.mark.django_db
def test_one_tap_after_the_safety_questions_makes_the_whole_first_plan(signed_in, person):
    response = signed_in.post("/plans/start/", DEFAULTS | ALL_NO)

    assert response.status_code == 302 and response["Location"] == "/#reminders"
    plan = MassagePlan.objects.get(person=person)
    assert (plan.duration_minutes, plan.technique) == (15, "stretch_massage")
    assert plan.target_muscles == ["gastrocnemius", "hamstrings"]
    sessions = Schedule.objects.filter(person=person, kind="massage").order_by("weekday")
    assert [(s.weekday, s.local_time.strftime("%H:%M")) for s in sessions] == [
        (1, "18:00"),
        (4, "18:00"),
    ]
    routine = StretchRoutine.objects.get(person=person)
    assert [s.name for s in routine.stretches.all()] == ["Calf stretch", "Hamstring stretch"]
    assert str(User.objects.get(id=person.id).time_zone) == "America/Chicago"
    assert str(sessions[0].time_zone) == "America/Chicago"
    assert not SafetyScreen.objects.get(person=person).positive


@pytest.mark.django_db
def test_a_yes_to_a_safety_question_keeps_the_plan_but_holds_massage(signed_in, person):
    response = signed_in.post(
        "/plans/start/", DEFAULTS | ALL_NO | {"open_wounds": "yes"}, follow=True
    )

    assert "Massage reminders wait until you have talked with your clinician" in (
        response.content.decode()
    )
    assert SafetyScreen.objects.get(person=person).positive
    assert MassagePlan.objects.filter(person=person).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"second_day": "1"}, "second_day"),
        ({"duration_minutes": "45"}, "duration_minutes"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"acute_inflammation": ""}, "acute_inflammation"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(signed_in, person, change, field):
    response = signed_in.post("/plans/start/", DEFAULTS | ALL_NO | change)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not MassagePlan.objects.exists() and not SafetyScreen.objects.exists()


@pytest.mark.django_db
def test_someone_with_a_plan_goes_to_it_instead(signed_in, person):
    signed_in.post("/plans/start/", DEFAULTS | ALL_NO)

    assert signed_in.get("/plans/start/")["Location"] == "/plans/"
