import pytest

from backend.plans.models import MassagePlan, SafetyScreen, Schedule
from tests.support.plans import MASSAGE_FORM, STRETCH_FORM

MASSAGE = MASSAGE_FORM | {
    "second_day": "5",
    "second_time": "10:00",
    "target_muscles": ["gastrocnemius", "hamstrings"],
    "other_muscles": "tibialis anterior",
}
NO_ANSWERS = dict.fromkeys(SafetyScreen.QUESTIONS, "no")


@pytest.fixture
def signed_in(client, person):
    client.force_login(person)
    return client


@pytest.mark.django_db
def test_the_first_massage_plan_starts_with_the_safety_questions(signed_in, person):
    response = signed_in.get("/plans/massage/")
    assert response["Location"] == "/plans/safety/?next=/plans/massage/"

    response = signed_in.post("/plans/safety/?next=/plans/massage/", NO_ANSWERS)
    assert response["Location"] == "/plans/massage/"

    response = signed_in.post("/plans/massage/", MASSAGE, follow=True)
    page = response.content.decode()
    assert "Massage plan saved" in page
    assert "Tuesday 18:30" in page and "Saturday 10:00" in page
    plan = MassagePlan.objects.get(person=person)
    assert plan.target_muscles == ["gastrocnemius", "hamstrings", "tibialis anterior"]
    assert Schedule.objects.filter(massage_plan=plan).count() == 2


@pytest.mark.django_db
def test_a_yes_puts_massage_on_hold_and_says_to_see_a_clinician(signed_in):
    response = signed_in.post("/plans/safety/", NO_ANSWERS | {"open_wounds": "yes"}, follow=True)

    assert "Massage reminders are on hold" in response.content.decode()
    assert SafetyScreen.objects.get().positive


@pytest.mark.django_db
def test_every_safety_question_needs_an_answer(signed_in):
    response = signed_in.post("/plans/safety/", {"open_wounds": "no"})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == set(SafetyScreen.QUESTIONS) - {"open_wounds"}
    assert not SafetyScreen.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"first_time": "25:00"}, "first_time"),
        ({"first_day": "9"}, "first_day"),
        ({"second_day": "1"}, "second_day"),
        ({"second_time": ""}, "second_time"),
        ({"duration_minutes": "-5"}, "duration_minutes"),
    ],
)
def test_the_massage_page_names_what_is_wrong_and_saves_nothing(signed_in, person, change, field):
    signed_in.post("/plans/safety/", NO_ANSWERS)

    response = signed_in.post("/plans/massage/", MASSAGE | change)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not MassagePlan.objects.exists()


@pytest.mark.django_db
def test_stretches_are_planned_on_the_page(signed_in, person):
    data = STRETCH_FORM | {
        "time_2": "20:00",
        "time_3": "",
        "stretch-TOTAL_FORMS": "3",
        # What a browser sends for the two blank extra rows: their selects keep "both".
        "stretch-1-side": "both",
        "stretch-2-side": "both",
    }
    page = signed_in.post("/plans/stretches/", data, follow=True).content.decode()
    assert "Stretch routine saved" in page
    assert "08:00, 20:00" in page
    assert "<strong>Calf stretch</strong>: 3 × 30 s" in page

    bad = signed_in.post("/plans/stretches/", data | {"stretch-0-hold_seconds": "-10"})
    assert bad.status_code == 400
    assert "hold_seconds" in bad.context["formset"].forms[0].errors
