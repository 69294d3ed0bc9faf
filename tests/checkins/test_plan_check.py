import pytest

from backend.checkins.plan_check import plan_check


@pytest.mark.parametrize(
    ("sessions", "minutes", "first", "frequency", "length"),
    [
        (2, 15, True, "ok", "ok"),
        (1, 20, True, "ok", "ok"),
        (1, 30, True, "ok", "first_too_long"),
        (1, 30, False, "ok", "ok"),
        (3, 20, False, "too_many", "ok"),
        (0, 20, False, "none", "ok"),
        (2, 90, False, "ok", "too_long"),
        (2, 3, False, "ok", "too_short"),
    ],
)
def test_a_plan_is_checked_against_the_guideline(sessions, minutes, first, frequency, length):
    result = plan_check(sessions_per_week=sessions, minutes=minutes, first_plan=first)

    assert (result.frequency, result.minutes) == (frequency, length)
    assert result.in_line is (frequency == "ok" and length == "ok")


def test_the_published_figure_applies_to_myofascial_release_only():
    assert (
        plan_check(
            sessions_per_week=2, minutes=20, first_plan=False, technique="myofascial_release"
        ).weeks_to_study_dose
        == 3
    )
    assert (
        plan_check(
            sessions_per_week=1, minutes=20, first_plan=False, technique="myofascial_release"
        ).weeks_to_study_dose
        == 6
    )
    assert (
        plan_check(
            sessions_per_week=2, minutes=20, first_plan=False, technique="swedish"
        ).weeks_to_study_dose
        is None
    )


@pytest.mark.django_db
def test_the_plan_check_gives_guidance_and_a_labelled_estimate(api_as):
    response = api_as.get(
        "/api/v1/plan-check/",
        {
            "sessions_per_week": 2,
            "minutes": 30,
            "technique": "myofascial_release",
            "first_plan": "true",
        },
    )

    body = response.json()
    assert (body["in_line"], body["frequency"], body["minutes"]) == (False, "ok", "first_too_long")
    assert "15–20 minutes" in body["guidance"][1]
    assert "15–20% lower after 6 weekly sessions" in body["estimate"]
    assert "about 3 weeks" in body["estimate"]
    assert body["estimate_label"] == "estimate from published figures, not a prediction"


@pytest.mark.django_db
def test_the_plan_check_names_a_bad_number(api_as):
    response = api_as.get("/api/v1/plan-check/", {"sessions_per_week": -1, "minutes": 20})

    assert response.status_code == 400
    assert list(response.json()) == ["sessions_per_week"]
