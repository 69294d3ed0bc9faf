from datetime import UTC, datetime

import pytest
import time_machine

from backend.plans.models import MassagePlan, Schedule
from tests.support.plans import massage_plan

URL = "/api/v1/plans/massage/"


@pytest.mark.django_db
def test_a_person_plans_two_sessions_and_sees_the_next_local_times(api_as, screened):
    # Monday 2027-03-01 12:00 UTC is 13:00 in Madrid.
    with time_machine.travel(datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False):
        api_as.force_login(screened)  # a session made in the travelled time stays valid in it
        response = api_as.put(URL, massage_plan(), format="json")

    assert response.status_code == 200
    body = response.json()
    assert [(s["weekday"], s["time"]) for s in body["sessions"]] == [
        ("tuesday", "18:30"),
        ("saturday", "10:00"),
    ]
    assert [s["next_local"] for s in body["sessions"]] == [
        "2027-03-02T18:30:00+01:00",
        "2027-03-06T10:00:00+01:00",
    ]
    assert body["sessions"][0]["next_due_at"] == "2027-03-02T17:30:00Z"
    assert not any(line["warning"] for line in body["guidance"])


@pytest.mark.django_db
def test_a_long_first_session_comes_with_advice_to_start_short(api_as, screened):
    response = api_as.put(URL, massage_plan(duration_minutes=45), format="json")

    assert response.status_code == 200
    [warning] = [line for line in response.json()["guidance"] if line["warning"]]
    assert warning["code"] == "first_weeks_too_long"
    assert "15–20 minutes" in warning["message"]


@pytest.mark.django_db
def test_the_first_massage_plan_needs_the_safety_questions_answered(api_as, person):
    response = api_as.put(URL, massage_plan(), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["safety_screen"]
    assert not MassagePlan.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            {
                "sessions": [
                    {"weekday": d, "time": "10:00"} for d in ("monday", "wednesday", "friday")
                ]
            },
            "sessions",
            "1 or 2 massage sessions a week",
        ),
        ({"sessions": []}, "sessions", "1 or 2 massage sessions a week"),
        (
            {"sessions": [{"weekday": "monday", "time": "25:00"}]},
            "sessions",
            "Time has wrong format",
        ),
        ({"sessions": [{"weekday": "funday", "time": "10:00"}]}, "sessions", "not a valid choice"),
        (
            {
                "sessions": [
                    {"weekday": "monday", "time": "10:00"},
                    {"weekday": "monday", "time": "18:00"},
                ]
            },
            "sessions",
            "different days",
        ),
        ({"duration_minutes": 0}, "duration_minutes", "greater than or equal to 5"),
        ({"duration_minutes": 61}, "duration_minutes", "less than or equal to 60"),
        ({"technique": "hot stones"}, "technique", "not a valid choice"),
        ({"given_by": "robot"}, "given_by", "not a valid choice"),
    ],
)
def test_a_bad_plan_gets_a_400_naming_the_field_and_nothing_is_saved(
    api_as, screened, change, field, words
):
    response = api_as.put(URL, massage_plan(**change), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert words in str(response.json()[field])
    assert not MassagePlan.objects.exists()
    assert not Schedule.objects.exists()


@pytest.mark.django_db
def test_editing_the_plan_moves_its_upcoming_reminders_at_once(api_as, screened):
    with time_machine.travel(datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False):
        api_as.force_login(screened)
        api_as.put(URL, massage_plan(), format="json")
        first_ids = sorted(Schedule.objects.values_list("id", flat=True))
        response = api_as.put(
            URL, massage_plan(sessions=[{"weekday": "thursday", "time": "07:15"}]), format="json"
        )

    [session] = response.json()["sessions"]
    assert session["next_local"] == "2027-03-04T07:15:00+01:00"
    # The remaining time is the first row, updated in place; the other is gone.
    assert list(Schedule.objects.values_list("id", flat=True)) == first_ids[:1]


@pytest.mark.django_db
def test_plans_belong_to_their_person(api_as, screened, outsider):
    api_as.put(URL, massage_plan(), format="json")
    api_as.force_login(outsider)

    assert api_as.get(URL).status_code == 404
    assert api_as.delete(URL).status_code == 404
    assert MassagePlan.objects.count() == 1


@pytest.mark.django_db
def test_a_person_ends_their_massage_plan(api_as, screened):
    api_as.put(URL, massage_plan(), format="json")

    assert api_as.delete(URL).status_code == 204
    assert not Schedule.objects.exists()
