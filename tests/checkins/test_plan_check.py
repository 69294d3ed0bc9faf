from datetime import timedelta

import pytest
from django.utils import timezone

from backend.plans.models import MassagePlan
from backend.plans.services import safety_screen_record
from tests.support.plans import NO, massage_plan


def _codes(body):
    return [line["code"] for line in body["guidance"]]


@pytest.mark.django_db
def test_the_plan_check_gives_guidance_and_a_labelled_estimate(api_as):
    response = api_as.get(
        "/api/v1/plan-check/",
        {"sessions_per_week": 2, "minutes": 20, "technique": "myofascial_release"},
    )

    body = response.json()
    assert body["in_line"] is True
    assert _codes(body) == [
        "sessions_ok", "first_weeks_minutes_ok", "in_line", "study_estimate", "reassess",
    ]  # fmt: skip
    assert "15–20% lower after 6 weekly sessions" in body["estimate"]
    assert "about 3 weeks" in body["estimate"]
    assert body["estimate_label"] == "estimate from published figures, not a prediction"


@pytest.mark.django_db
def test_more_than_two_sessions_is_explained_and_promises_nothing_faster(api_as):
    body = api_as.get(
        "/api/v1/plan-check/",
        {"sessions_per_week": 5, "minutes": 20, "technique": "myofascial_release"},
    ).json()

    assert body["in_line"] is False
    assert "can overstimulate" in body["guidance"][0]["message"]
    assert body["guidance"][0]["warning"] is True
    assert (body["estimate"], body["estimate_label"]) == (None, None)
    assert "weeks." not in " ".join(line["message"] for line in body["guidance"][:-1])


@pytest.mark.django_db
def test_the_first_weeks_follow_the_persons_plan_unless_asked(api_as, person):
    numbers = {"sessions_per_week": 2, "minutes": 45}
    assert "first_weeks_too_long" in _codes(api_as.get("/api/v1/plan-check/", numbers).json())

    safety_screen_record(person=person, **NO)
    api_as.put("/api/v1/plans/massage/", massage_plan(), format="json")
    MassagePlan.objects.update(created_at=timezone.now() - timedelta(days=15))

    assert "minutes_ok" in _codes(api_as.get("/api/v1/plan-check/", numbers).json())
    asked = api_as.get("/api/v1/plan-check/", numbers | {"first_weeks": "true"}).json()
    assert "first_weeks_too_long" in _codes(asked)


@pytest.mark.django_db
def test_the_plan_check_names_a_bad_number(api_as):
    response = api_as.get("/api/v1/plan-check/", {"sessions_per_week": -1, "minutes": 20})

    assert response.status_code == 400
    assert list(response.json()) == ["sessions_per_week"]
