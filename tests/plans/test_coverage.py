"""The week a plan's relief reaches: massage for about 1–3 days, stretches for the day."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.plans.coverage import week_coverage
from tests.support.plans import massage_plan, stretch_routine

sessions = st.sets(st.integers(min_value=0, max_value=6), min_size=0, max_size=2)


def _strip(week):
    return [(day.massage, day.stretches) for day in week.days]


def test_monday_and_tuesday_leave_the_weekend_to_stretches_alone():
    week = week_coverage(massage_weekdays=[0, 1], daily_stretches=True)

    assert [day.massage for day in week.days] == [
        "session", "session", "likely", "possible", None, None, None,
    ]  # fmt: skip
    assert not any(day.gap for day in week.days)
    assert week.better_weekdays == (0, 3)


def test_spaced_sessions_need_no_advice_and_a_sunday_reaches_into_monday():
    week = week_coverage(massage_weekdays=[3, 6], daily_stretches=False)

    assert [day.massage for day in week.days] == [
        "likely", "possible", None, "session", "likely", "possible", "session",
    ]  # fmt: skip
    assert [day.weekday for day in week.days if day.gap] == [2]
    assert week.better_weekdays is None


@given(sessions, st.booleans())
def test_every_day_is_named_once_and_a_gap_is_a_day_nothing_reaches(weekdays, stretches):
    week = week_coverage(massage_weekdays=weekdays, daily_stretches=stretches)

    assert [day.weekday for day in week.days] == list(range(7))
    for day in week.days:
        assert (day.massage == "session") is (day.weekday in weekdays)
        assert day.gap is (day.massage is None and not stretches)
    assert week.massage_days == min(7, len({(d + k) % 7 for d in weekdays for k in range(3)}))
    assert week.massage_days <= 3 * len(weekdays)


@given(sessions, st.booleans(), st.integers(min_value=0, max_value=6))
def test_moving_every_session_by_some_days_moves_the_relief_with_them(weekdays, stretches, shift):
    week = week_coverage(massage_weekdays=weekdays, daily_stretches=stretches)
    moved = week_coverage(
        massage_weekdays={(d + shift) % 7 for d in weekdays}, daily_stretches=stretches
    )

    strip = _strip(week)
    assert _strip(moved) == strip[7 - shift :] + strip[: 7 - shift]


@given(sessions)
def test_advice_keeps_the_first_day_and_covers_more(weekdays):
    week = week_coverage(massage_weekdays=weekdays, daily_stretches=False)

    if week.better_weekdays is None:
        best = max(
            week_coverage(massage_weekdays={min(weekdays), d}, daily_stretches=False).massage_days
            for d in range(7)
        ) if len(weekdays) == 2 else week.massage_days  # fmt: skip
        assert week.massage_days == best
    else:
        better = week_coverage(massage_weekdays=week.better_weekdays, daily_stretches=False)
        assert min(weekdays) in week.better_weekdays
        assert len(week.better_weekdays) == len(weekdays)
        assert better.massage_days > week.massage_days


@pytest.mark.parametrize(("weekdays", "days"), [({0}, 3), ({0, 3}, 6), ({1, 4}, 6), ({0, 1}, 4)])
def test_how_many_days_massage_reaches(weekdays, days):
    assert week_coverage(massage_weekdays=weekdays, daily_stretches=False).massage_days == days


BUNCHED = [{"weekday": "monday", "time": "18:00"}, {"weekday": "tuesday", "time": "18:00"}]


@pytest.mark.django_db
def test_the_plan_shows_its_week_and_how_to_space_bunched_sessions(api_as, screened):
    api_as.put("/api/v1/plans/stretches/", stretch_routine(), format="json")
    body = api_as.put(
        "/api/v1/plans/massage/", massage_plan(sessions=BUNCHED), format="json"
    ).json()
    page = api_as.get("/plans/").content.decode()

    assert [(day["weekday"], day["massage"], day["gap"]) for day in body["week"]] == [
        ("monday", "session", False), ("tuesday", "session", False),
        ("wednesday", "likely", False), ("thursday", "possible", False),
        ("friday", None, False), ("saturday", None, False), ("sunday", None, False),
    ]  # fmt: skip
    assert body["week"][4]["text"] == "stretches"
    assert body["week_advice"] == (
        "Spacing the sessions, e.g. Monday and Thursday, covers more of the week."
    )
    assert "<strong>Thursday</strong> <span>relief from massage possible, stretches</span>" in page
    assert "<strong>Friday</strong> <span>stretches</span>" in page
    assert "e.g. Monday and Thursday, covers more" in page
    assert "General information, not medical advice" in page


@pytest.mark.django_db
def test_spaced_sessions_without_stretches_show_the_gap_and_no_advice(api_as, screened):
    spaced = [{"weekday": "monday", "time": "18:00"}, {"weekday": "thursday", "time": "18:00"}]
    body = api_as.put("/api/v1/plans/massage/", massage_plan(sessions=spaced), format="json").json()

    assert [day["weekday"] for day in body["week"] if day["gap"]] == ["sunday"]
    assert body["week"][6]["text"] == "nothing planned reaches this day"
    assert body["week_advice"] is None
