"""One answer about a plan against the guideline, wherever the plan is made or checked."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.plans.guidance import WARNINGS, plan_defaults, plan_guidance
from backend.plans.guidance_words import guidance_lines
from backend.plans.models import MassagePlan
from backend.plans.services import safety_screen_record
from tests.support.plans import MASSAGE_FORM, NO, massage_plan

FREQUENCY = {"no_sessions", "sessions_ok", "too_many_sessions"}
LENGTH = {"too_short", "first_weeks_minutes_ok", "first_weeks_too_long", "minutes_ok", "too_long"}


@pytest.mark.parametrize(
    ("sessions", "minutes", "first_weeks", "child", "technique", "codes"),
    [
        (2, 15, True, False, "myofascial_release",
         "sessions_ok first_weeks_minutes_ok in_line study_estimate reassess"),
        (1, 20, True, False, "", "sessions_ok first_weeks_minutes_ok in_line reassess"),
        (1, 21, True, False, "", "sessions_ok first_weeks_too_long reassess"),
        # A long session on the first day is allowed, and says so.
        (2, 60, True, False, "myofascial_release", "sessions_ok first_weeks_too_long reassess"),
        (2, 60, False, False, "swedish", "sessions_ok minutes_ok in_line reassess"),
        # The plan: five a week gets the why, and no promise of a faster result.
        (5, 20, False, False, "myofascial_release", "too_many_sessions minutes_ok reassess"),
        (0, 20, False, False, "", "no_sessions minutes_ok reassess"),
        (2, 61, False, False, "", "sessions_ok too_long reassess"),
        (2, 4, False, False, "", "sessions_ok too_short reassess"),
        (2, 10, True, True, "myofascial_release",
         "sessions_ok first_weeks_minutes_ok child_gentle in_line reassess"),
    ],
)  # fmt: skip
def test_a_plan_is_checked_against_the_guideline(
    sessions, minutes, first_weeks, child, technique, codes
):
    guidance = plan_guidance(
        sessions_per_week=sessions,
        minutes=minutes,
        first_weeks=first_weeks,
        technique=technique,
        child=child,
    )

    assert " ".join(guidance.codes) == codes


def test_the_study_estimate_counts_weeks_at_the_plans_pace():
    assert (
        plan_guidance(
            sessions_per_week=2, minutes=20, first_weeks=False, technique="myofascial_release"
        ).weeks_to_study_dose
        == 3
    )
    one = plan_guidance(
        sessions_per_week=1, minutes=20, first_weeks=False, technique="myofascial_release"
    )
    assert one.weeks_to_study_dose == 6
    assert (
        "about 6 weeks"
        in dict((line["code"], line["message"]) for line in guidance_lines(one))["study_estimate"]
    )


@pytest.mark.parametrize("child", [False, True])
@pytest.mark.parametrize("first_weeks", [True, False])
@pytest.mark.parametrize("technique", ["myofascial_release", "swedish"])
def test_no_two_findings_contradict_each_other(child, first_weeks, technique):
    # Everything the plan check lets one ask about: 0–14 sessions, 0–240 minutes.
    for sessions in range(15):
        for minutes in range(241):
            guidance = plan_guidance(
                sessions_per_week=sessions,
                minutes=minutes,
                first_weeks=first_weeks,
                technique=technique,
                child=child,
            )
            codes = set(guidance.codes)
            assert len(codes & FREQUENCY) == 1 and len(codes & LENGTH) == 1
            assert ("in_line" in codes) is not bool(codes & WARNINGS)
            assert "study_estimate" not in codes or "in_line" in codes
            assert not ({"study_estimate", "too_many_sessions"} <= codes)
            if first_weeks and minutes > 20:
                assert codes & {"first_weeks_too_long", "too_long"}


def test_the_words_never_praise_a_plan_they_warn_about():
    for sessions in range(8):
        for minutes in (4, 5, 15, 20, 21, 45, 60, 61):
            for first_weeks in (True, False):
                lines = guidance_lines(
                    plan_guidance(
                        sessions_per_week=sessions,
                        minutes=minutes,
                        first_weeks=first_weeks,
                        technique="myofascial_release",
                    )
                )
                words = " ".join(line["message"] for line in lines)
                if any(line["warning"] for line in lines):
                    assert "in line with the guideline" not in words
                    assert "At your pace" not in words
                if sessions > 2:
                    assert "overstimulate" in words


# --- The pages, the plan API and the plan check give the same answer -----------------------

CODE = re.compile(r'data-guidance="([a-z_]+)"')
TECHNIQUE = "myofascial_release"


@pytest.fixture
def household(person, child):
    for who in (person, child):
        safety_screen_record(person=who, **NO)
    client = APIClient()
    client.force_login(person)
    return {"adult": person, "child": child}, client


def _act_for(client, person):
    client.post(f"/care/switch/{person.id}/")


def _later(person):
    """The plan was first saved three weeks ago: past its first weeks."""
    MassagePlan.objects.filter(person=person).update(created_at=timezone.now() - timedelta(weeks=3))


def _api_plan(sessions, minutes):
    days = [{"weekday": "monday", "time": "18:00"}, {"weekday": "thursday", "time": "18:00"}]
    return massage_plan(sessions=days[:sessions], duration_minutes=minutes, technique=TECHNIQUE)


def _form_plan(sessions, minutes):
    second = {"second_day": "3", "second_time": "18:00"} if sessions == 2 else {}
    return MASSAGE_FORM | second | {"duration_minutes": str(minutes), "technique": TECHNIQUE}


def _plan_check_codes(client, sessions, minutes):
    numbers = {"sessions_per_week": sessions, "minutes": minutes, "technique": TECHNIQUE}
    api = [line["code"] for line in client.get("/api/v1/plan-check/", numbers).json()["guidance"]]
    page = CODE.findall(client.get("/checkins/trend/", numbers).content.decode())
    assert api == page
    return api


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["adult", "child"])
@pytest.mark.parametrize("first_weeks", [True, False])
@pytest.mark.parametrize("minutes", [5, 10, 15, 20, 21, 45, 60])
@pytest.mark.parametrize("sessions", [1, 2])
def test_the_form_the_api_and_the_plan_check_agree(household, who, first_weeks, minutes, sessions):
    people, client = household
    person = people[who]
    _act_for(client, person)
    if not first_weeks:
        client.put("/api/v1/plans/massage/", _api_plan(1, 15), format="json")
        _later(person)

    by_api = client.put("/api/v1/plans/massage/", _api_plan(sessions, minutes), format="json")
    api_lines = by_api.json()["guidance"]
    checked = _plan_check_codes(client, sessions, minutes)
    MassagePlan.objects.filter(person=person).delete()
    if not first_weeks:
        client.post("/plans/massage/", _form_plan(1, 15))
        _later(person)
    saved = client.post("/plans/massage/", _form_plan(sessions, minutes), follow=True)
    page = saved.content.decode()

    assert by_api.status_code == 200 and saved.status_code == 200
    assert [line["code"] for line in api_lines] == CODE.findall(page) == checked
    # A plan saved outside the guideline says why, at once, in the words the API gives.
    warnings = [line["message"] for line in api_lines if line["warning"]]
    flashed = [str(m) for m in saved.context["messages"] if m.level_tag == "warning"]
    assert flashed == warnings
    assert bool(warnings) is (first_weeks and minutes > 20)
    assert ("child_gentle" in checked) is (who == "child")
    assert ("study_estimate" in checked) is (who == "adult" and not warnings)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["adult", "child"])
@pytest.mark.parametrize("choice", [0, 1])
def test_the_starter_plan_gets_the_same_answer(household, who, choice):
    people, client = household
    person = people[who]
    defaults = plan_defaults(child=who == "child")
    minutes = defaults.minute_choices[choice]
    _act_for(client, person)

    client.post(
        "/plans/start/",
        {"time_zone": "Europe/Madrid", "first_day": "0", "second_day": "3",
         "massage_time": "18:00", "duration_minutes": str(minutes), "given_by": "caregiver",
         "stretch_time": "08:00"} | dict.fromkeys(NO, "no"),
    )  # fmt: skip
    overview = CODE.findall(client.get("/plans/").content.decode())
    api = [line["code"] for line in client.get("/api/v1/plans/massage/").json()["guidance"]]
    numbers = {"sessions_per_week": 2, "minutes": minutes, "technique": defaults.technique}
    checked = [
        line["code"] for line in client.get("/api/v1/plan-check/", numbers).json()["guidance"]
    ]

    assert overview == api == checked
    assert "in_line" in checked


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "data", "how"),
    [
        ("/api/v1/plans/massage/", massage_plan(duration_minutes=61), "json"),
        ("/plans/massage/", MASSAGE_FORM | {"duration_minutes": "61"}, "form"),
    ],
)
def test_more_than_an_hour_is_not_accepted(household, url, data, how):
    _people, client = household

    if how == "json":
        response = client.put(url, data, format="json")
        errors = response.json()
    else:
        response = client.post(url, data)
        errors = response.context["form"].errors

    assert response.status_code == 400
    assert list(errors) == ["duration_minutes"]
    assert "60" in str(errors["duration_minutes"])
    assert not MassagePlan.objects.exists()
