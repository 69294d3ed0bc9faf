import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.checkins.models import CheckIn
from backend.reminders.dispatch import dispatch_due
from backend.reminders.models import Occurrence
from backend.reminders.services import occurrence_done
from tests.reminders.test_dispatch import stretches

URL = "/api/v1/trends/"


def history(person, days: int, *, start=datetime(2025, 1, 1, 9, tzinfo=UTC)):
    CheckIn.objects.bulk_create(
        CheckIn(
            person=person,
            idempotency_key=uuid.uuid4(),
            recorded_at=start + timedelta(days=day),
            tone=day % 6,
            pain=day % 11,
            ease=5,
        )
        for day in range(days)
    )


def queries(api_as) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api_as.get(URL).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_trend_costs_the_same_queries_for_two_years_as_for_ten_days(api_as, person, outsider):
    history(person, 10)
    few = queries(api_as)
    history(person, 2 * 365, start=datetime(2023, 1, 1, 9, tzinfo=UTC))

    many = queries(api_as)

    assert many == few
    assert len(api_as.get(URL).json()["series"]) == 740


@pytest.mark.django_db
def test_the_trend_shows_the_series_baseline_and_the_numbers_behind_the_card(api_as, person):
    start = datetime.now(UTC) - timedelta(days=30)
    api_as.post(
        "/api/v1/checkins/",
        {
            "idempotency_key": str(uuid.uuid4()),
            "tone": "2",
            "pain": 8,
            "ease": 3,
            "recorded_at": start.isoformat(),
        },
        format="json",
    )
    api_as.post(
        "/api/v1/checkins/",
        {"idempotency_key": str(uuid.uuid4()), "tone": "1", "pain": 5, "ease": 6},
        format="json",
    )

    body = api_as.get(URL).json()

    assert [(p["tone"], p["pain"]) for p in body["series"]] == [("2", 8), ("1", 5)]
    assert body["baseline"]["pain"] == 8
    card = body["reassessment"]
    assert (card["status"], card["due"], card["days"]) == ("working", True, 30)
    assert (card["latest_tone"], card["baseline_pain"], card["latest_pain"]) == ("1", 8, 5)


@pytest.mark.django_db
def test_a_reset_baseline_makes_the_next_check_in_the_reference(api_as, person):
    for pain in (8, 6):
        api_as.post(
            "/api/v1/checkins/",
            {"idempotency_key": str(uuid.uuid4()), "tone": "1", "pain": pain, "ease": 5},
            format="json",
        )

    api_as.post("/api/v1/checkins/baseline/reset/")
    api_as.post(
        "/api/v1/checkins/",
        {"idempotency_key": str(uuid.uuid4()), "tone": "1", "pain": 4, "ease": 5},
        format="json",
    )

    assert api_as.get(URL).json()["baseline"]["pain"] == 4


@pytest.mark.django_db
def test_adherence_counts_sessions_and_stretch_days_done_against_planned(api_as, person):
    stretches(person, time(8, 0), time(20, 0))
    dispatch_due(now=datetime(2027, 3, 3, 19, 30, tzinfo=UTC))  # Mon–Wed, 08:00 and 20:00 Madrid
    for occurrence in Occurrence.objects.filter(local_date__day=1):
        occurrence_done(occurrence=occurrence)

    [week] = api_as.get(URL).json()["adherence"]

    assert week == {
        "week_start": "2027-03-01",
        "massage_planned": 0,
        "massage_done": 0,
        "stretch_days_planned": 3,
        "stretch_days_done": 1,
    }


def week(start, massage=(0, 0), stretch=(0, 0)):
    from backend.checkins.selectors import WeekAdherence

    return WeekAdherence(start, massage[0], massage[1], stretch[0], stretch[1])


def test_outcome_is_compared_only_once_there_are_enough_weeks_on_both_sides():
    from datetime import date
    from zoneinfo import ZoneInfo

    from backend.checkins.selectors import adherence_outcome

    zone = ZoneInfo("Europe/Madrid")
    weeks = [
        week(date(2027, 3, 1), massage=(2, 2), stretch=(7, 6)),  # met
        week(date(2027, 3, 8), massage=(2, 2), stretch=(7, 5)),  # met: 5 of 7 days is enough
        week(date(2027, 3, 15), massage=(2, 1), stretch=(7, 7)),  # a session missed
    ]
    series = [
        {"recorded_at": datetime(2027, 3, 2, 12, tzinfo=UTC), "pain": 4, "tone": 2},
        {"recorded_at": datetime(2027, 3, 9, 12, tzinfo=UTC), "pain": 2, "tone": 1},
        {"recorded_at": datetime(2027, 3, 16, 12, tzinfo=UTC), "pain": 6, "tone": 3},
    ]

    early = adherence_outcome(weeks, series, zone)
    later = adherence_outcome(
        [*weeks, week(date(2027, 3, 22), massage=(2, 0), stretch=(7, 2))],
        [*series, {"recorded_at": datetime(2027, 3, 23, 12, tzinfo=UTC), "pain": 8, "tone": 4}],
        zone,
    )

    assert early.enough is False
    assert (early.met.weeks, early.met.mean_pain, early.not_met.weeks) == (2, 3.0, 1)
    assert later.enough is True
    assert (later.not_met.mean_pain, later.not_met.mean_tone) == (7.0, 3.5)
