import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.checkins.models import CheckIn
from backend.plans.models import SafetyScreen
from backend.plans.services import safety_screen_record
from backend.reminders.models import Occurrence
from backend.reminders.services import occurrence_done
from backend.reminders.tasks import dispatch_pass
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
    now = datetime.now(UTC)
    start = now - timedelta(days=30)
    for when, tone, pain in [
        (start, "2", 8),
        (start + timedelta(days=1), "2", 7),
        (start + timedelta(days=2), "2", 9),
        (now - timedelta(days=4), "1", 5),
        (now - timedelta(days=2), "1", 6),
        (now, "1", 4),
    ]:
        api_as.post(
            "/api/v1/checkins/",
            {
                "idempotency_key": str(uuid.uuid4()),
                "tone": tone,
                "pain": pain,
                "ease": 5,
                "recorded_at": when.isoformat(),
            },
            format="json",
        )

    body = api_as.get(URL).json()

    assert [p["pain"] for p in body["series"]] == [8, 7, 9, 5, 6, 4]
    assert body["baseline"]["pain"] == 8
    card = body["reassessment"]
    assert (card["status"], card["due"], card["days"]) == ("working", True, 30)
    # Medians of each window, not the single first and latest check-ins.
    assert (card["latest_tone"], card["baseline_pain"], card["latest_pain"]) == ("1", 8, 5)
    assert (card["recent_count"], card["baseline_count"]) == (3, 3)


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
    dispatch_pass(now=datetime(2027, 3, 3, 19, 30, tzinfo=UTC))  # Mon–Wed, 08:00 and 20:00 Madrid
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

    early = adherence_outcome(adherence=weeks, series=series, zone=zone)
    later = adherence_outcome(
        adherence=[*weeks, week(date(2027, 3, 22), massage=(2, 0), stretch=(7, 2))],
        series=[
            *series,
            {"recorded_at": datetime(2027, 3, 23, 12, tzinfo=UTC), "pain": 8, "tone": 4},
        ],
        zone=zone,
    )

    assert early.enough is False
    assert (early.met.weeks, early.met.mean_pain, early.not_met.weeks) == (2, 3.0, 1)
    assert later.enough is True
    assert (later.not_met.mean_pain, later.not_met.mean_tone) == (7.0, 3.5)


# A Monday, 10:00 in Madrid, the person's zone: the first check-in, and so the starting point.
START = datetime(2027, 1, 4, 9, tzinfo=UTC)


def on_day(days: int) -> datetime:
    return START + timedelta(days=days)


def post_checkin(api_as, days: int, tone: str, pain: int) -> None:
    response = api_as.post(
        "/api/v1/checkins/",
        {
            "idempotency_key": str(uuid.uuid4()),
            "recorded_at": on_day(days).isoformat(),
            "tone": tone,
            "pain": pain,
            "ease": 5,
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def card_on(api_as, person, today: int, history: list[tuple[int, str, int]]) -> dict:
    """Check-ins (day, tone, pain) sent as the phone sends them, then the card on `today`."""
    with time_machine.travel(on_day(today) + timedelta(hours=2), tick=False):
        api_as.force_login(person)  # a session made on the real date would have expired
        for days, tone, pain in history:
            post_checkin(api_as, days, tone, pain)
        return api_as.get(URL).json()["reassessment"]


# Pain 8 and tone 2 through the first week.
FIRST_WEEK = [(0, "2", 8), (2, "2", 8), (4, "2", 8)]


@pytest.mark.django_db
def test_with_too_few_check_ins_the_card_is_not_enough_with_the_counts(api_as, person):
    card = card_on(api_as, person, 31, [*FIRST_WEEK, (30, "0", 0)])

    assert (card["status"], card["due"], card["recent_count"], card["baseline_count"]) == (
        "not_enough",
        True,
        1,
        3,
    )
    assert (card["tone_met"], card["latest_pain"]) == (None, None)


@pytest.mark.parametrize(
    ("latest", "verdict"),
    [
        # From tone 2 and pain 8 at the start.
        (("1+", 4), ("working", True, True, -0.5)),
        (("2", 4), ("not_yet", False, True, -0.5)),  # tone 2 is not under 2
        (("1", 6), ("not_yet", True, False, -0.25)),  # pain only 25% lower
    ],
    ids=["met", "tone-not-met", "pain-not-met"],
)
@pytest.mark.django_db
def test_in_weeks_4_to_6_the_card_judges_the_latest_check_in_against_the_start(
    api_as, person, latest, verdict
):
    tone, pain = latest

    recent = [(day, tone, pain) for day in (26, 28, 30)]

    card = card_on(api_as, person, 31, [*FIRST_WEEK, (14, "2", 6), *recent])

    assert (card["status"], card["tone_met"], card["pain_met"], card["pain_change"]) == verdict
    assert (card["baseline_pain"], card["latest_tone"], card["latest_pain"]) == (8, tone, pain)
    assert (card["due"], card["days"], card["latest_days"], card["next_due_on"]) == (
        True,
        31,
        30,
        None,
    )


@pytest.mark.django_db
def test_before_week_4_the_card_gives_no_verdict_and_says_when_to_look(api_as, person):
    card = card_on(api_as, person, 20, [(0, "2", 8), (19, "1", 2)])

    assert (card["status"], card["due"], card["tone_met"], card["pain_met"]) == (
        "too_early",
        False,
        None,
        None,
    )
    assert card["next_due_on"] == "2027-02-01"  # four weeks after the starting point


@pytest.mark.django_db
def test_between_reassessments_the_card_keeps_the_numbers_and_names_the_next_date(api_as, person):
    history = [*FIRST_WEEK, (40, "1", 4), (45, "1", 4), (49, "1", 4)]

    between = card_on(api_as, person, 50, history)
    again = card_on(api_as, person, 72, [(60, "1", 4), (62, "1", 4), (66, "1", 4)])

    assert (between["due"], between["status"], between["next_due_on"]) == (
        False,
        "working",
        "2027-03-15",  # day 70: four weeks after the first window closed
    )
    assert (between["latest_tone"], between["baseline_pain"], between["latest_pain"]) == ("1", 8, 4)
    assert (again["due"], again["status"], again["next_due_on"]) == (True, "working", None)


@pytest.mark.django_db
def test_each_change_to_the_plan_is_marked_in_the_trend_when_it_was_made(api_as, person):
    safety_screen_record(person=person, **dict.fromkeys(SafetyScreen.QUESTIONS, False))
    plan = {
        "sessions": [{"weekday": "tuesday", "time": "18:30"}],
        "duration_minutes": 15,
        "technique": "myofascial_release",
        "target_muscles": ["gastrocnemius"],
        "given_by": "caregiver",
    }
    with time_machine.travel(on_day(0), tick=False):
        api_as.force_login(person)
        assert api_as.put("/api/v1/plans/massage/", plan, format="json").status_code == 200
    with time_machine.travel(on_day(14), tick=False):
        api_as.force_login(person)
        longer = plan | {
            "duration_minutes": 25,
            "sessions": [*plan["sessions"], {"weekday": "saturday", "time": "10:00"}],
        }
        assert api_as.put("/api/v1/plans/massage/", longer, format="json").status_code == 200
        changes = api_as.get(URL).json()["plan_changes"]

    assert changes == [
        {
            "changed_at": "2027-01-04T09:00:00Z",
            "summary": "Massage: 1 a week, 15 min, myofascial release",
        },
        {
            "changed_at": "2027-01-18T09:00:00Z",
            "summary": "Massage: 2 a week, 25 min, myofascial release",
        },
    ]
