import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from backend.checkins.models import Baseline
from backend.checkins.services import checkin_create
from backend.plans.models import SafetyScreen


def log(person, when, tone=2, pain=5, notes=""):
    checkin_create(
        person=person,
        idempotency_key=uuid.uuid4(),
        recorded_at=when,
        tone=tone,
        pain=pain,
        ease=5,
        notes=notes,
    )


@pytest.mark.django_db
def test_the_monthly_summary_holds_that_months_check_ins_only(client, person):
    log(person, datetime(2026, 9, 30, 12, tzinfo=UTC), notes="September")
    log(person, datetime(2026, 10, 2, 12, tzinfo=UTC), notes="Climbed stairs without help")
    client.force_login(person)

    response = client.get("/checkins/summary/", {"month": "2026-10"})

    page = response.content.decode()
    assert "Summary for October 2026" in page
    assert "Climbed stairs without help" in page
    assert "September" not in page
    assert [c.notes for c in response.context["checkins"]] == ["Climbed stairs without help"]
    assert "<td>1+</td>" in page


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["2026-13", "9999-12", "0001-01", "1899-12", "next"])
def test_a_month_that_is_not_a_month_is_not_found(client, person, month):
    client.force_login(person)
    if month == "next":  # nothing is recorded in the future
        month = (timezone.localdate(timezone=person.time_zone) + timedelta(days=31)).strftime(
            "%Y-%m"
        )

    assert client.get("/checkins/summary/", {"month": month}).status_code == 404


@pytest.mark.django_db
def test_the_trend_page_before_any_check_in_says_what_comes_next(client, person):
    client.force_login(person)

    page = client.get("/checkins/trend/").content.decode()

    assert "No check-ins yet" in page
    assert "Your first check-in becomes your starting point" in page


@pytest.mark.django_db
def test_resetting_the_starting_point_from_the_trend_page(client, person):
    log(person, datetime(2026, 10, 2, 12, tzinfo=UTC), pain=8)
    client.force_login(person)

    response = client.post("/checkins/baseline/reset/", follow=True)

    assert "next check-in becomes the new starting point" in response.content.decode()
    log(person, datetime(2026, 10, 9, 12, tzinfo=UTC), pain=3)
    assert Baseline.objects.get(person=person).checkin.pain == 3


@pytest.mark.django_db
def test_trend_pages_need_a_signed_in_person(client):
    for url in ("/checkins/trend/", "/checkins/summary/"):
        assert client.get(url)["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_plan_check_on_the_trend_page_takes_other_numbers(client, person):
    client.force_login(person)

    page = client.get(
        "/checkins/trend/",
        {"sessions_per_week": 3, "minutes": 20, "technique": "myofascial_release"},
    ).content.decode()

    assert "More than two sessions a week adds little" in page
    # Never paired with a promise of a faster result.
    assert "Estimate from published figures" not in page
    assert "At your pace" not in page

    page = client.get(
        "/checkins/trend/",
        {"sessions_per_week": 2, "minutes": 20, "technique": "myofascial_release"},
    ).content.decode()

    assert "Estimate from published figures, not a prediction" in page
    assert "about 3 weeks" in page


@pytest.mark.django_db
def test_the_plan_check_names_a_bad_number_on_the_page(client, person):
    client.force_login(person)

    response = client.get("/checkins/trend/", {"sessions_per_week": "-2", "minutes": 20})

    assert response.status_code == 400
    assert "sessions_per_week" in response.context["plan_check"]["form"].errors
    assert "guidance" not in response.context["plan_check"]


# A Monday, 10:00 in Madrid, the person's zone: the first check-in, and so the starting point.
START = datetime(2027, 1, 4, 9, tzinfo=UTC)
TONE = {"0": 0, "1": 1, "1+": 2, "2": 3, "3": 4, "4": 5}


def on_day(days: int) -> datetime:
    return START + timedelta(days=days)


def text(html: str) -> str:
    """Tags dropped and spaces collapsed: the words as a person reads them."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def trend_on(client, person, today: int) -> str:
    with time_machine.travel(on_day(today) + timedelta(hours=2), tick=False):
        client.force_login(person)  # a session made on the real date would have expired
        return client.get("/checkins/trend/").content.decode()


def card_of(page: str) -> str:
    [card] = re.findall(r'<section[^>]*id="reassessment".*?</section>', page, re.S)
    return text(card)


def card_on(client, person, today: int, history: list[tuple[int, str, int]]) -> str:
    """The reassessment card on `today`, after stored check-ins (day, tone, pain)."""
    for days, tone, pain in history:
        log(person, on_day(days), tone=TONE[tone], pain=pain)
    return card_of(trend_on(client, person, today))


# Pain 8 and tone 2 through the first week.
FIRST_WEEK = [(0, "2", 8), (2, "2", 8), (4, "2", 8)]


@pytest.mark.django_db
def test_one_bad_day_does_not_flip_the_verdict_the_card_rests_on_the_medians(client, person):
    good = [(day, "1", 4) for day in (20, 22, 24, 26, 28)]

    card = card_on(client, person, 31, [*FIRST_WEEK, *good, (30, "3", 9)])

    assert "The plan looks like it is working." in card
    assert "Muscle tone now: 1 (aim: under 2)" in card
    assert "Pain: 8 at the start, 4 now, 50% lower" in card
    assert "Based on 6 check-ins in the last 14 days and 3 in the first week." in card


@pytest.mark.django_db
def test_with_too_few_check_ins_the_card_says_so_and_counts_them(client, person):
    card = card_on(client, person, 31, [*FIRST_WEEK, (25, "1", 2), (30, "1", 2)])

    assert "Not enough check-ins yet to answer" in card
    assert "So far: 3 in the first week, 2 in the last 14 days." in card
    assert "looks like it is working" not in card and "Not there yet" not in card


@pytest.mark.django_db
def test_an_even_count_of_pain_scores_shows_the_half_point(client, person):
    recent = [(24, "1", 4), (26, "1", 5), (28, "1", 5), (30, "1", 6)]

    first_week = [(0, "2", 8), (2, "2", 8), (4, "2", 9), (6, "2", 9)]

    card = card_on(client, person, 31, [*first_week, *recent])

    assert "Pain: 8.5 at the start, 5 now, 41% lower" in card


@pytest.mark.parametrize(
    ("latest", "says"),
    [
        (
            ("1+", 4),
            [
                "The plan looks like it is working.",
                "✓ Muscle tone now: 1+ (aim: under 2)",
                "✓ Pain: 8 at the start, 4 now, 50% lower (aim: at least 30% lower)",
            ],
        ),
        (
            ("2", 4),
            [
                "Not there yet.",
                "✗ Muscle tone now: 2 (aim: under 2)",
                "✓ Pain: 8 at the start, 4 now, 50% lower (aim: at least 30% lower)",
                "Pain is on track; tone has not come under 2 yet.",
            ],
        ),
        (
            ("1", 6),
            [
                "Not there yet.",
                "✓ Muscle tone now: 1 (aim: under 2)",
                "✗ Pain: 8 at the start, 6 now, 25% lower (aim: at least 30% lower)",
                "Tone is on track; pain has not fallen by 30% yet.",
            ],
        ),
        (
            ("3", 10),
            [
                "Not there yet.",
                "✗ Muscle tone now: 3 (aim: under 2)",
                "✗ Pain: 8 at the start, 10 now, 25% higher (aim: at least 30% lower)",
                "Tone and pain have not reached the aim yet.",
            ],
        ),
    ],
    ids=["met", "tone-not-met", "pain-not-met", "neither-met"],
)
@pytest.mark.django_db
def test_in_weeks_4_to_6_the_card_says_what_is_met_with_the_numbers_used(
    client, person, latest, says
):
    tone, pain = latest

    first_week = [(day, "2", 8) for day in (0, 2, 4)]
    recent = [(day, tone, pain) for day in (26, 28, 30)]

    card = card_on(client, person, 31, [*first_week, (14, "2", 6), *recent])

    for line in says:
        assert line in card
    assert "Based on 3 check-ins in the last 14 days and 3 in the first week." in card
    assert "Next reassessment" not in card


@pytest.mark.django_db
def test_before_week_4_the_card_says_it_is_too_early_and_when_to_look(client, person):
    card = card_on(client, person, 20, [(0, "2", 8), (19, "0", 0)])

    assert "Day 20 since your starting point. It is too early to say" in card
    assert "Next reassessment from 1 Feb 2027." in card
    assert "looks like it is working" not in card and "Not there yet" not in card
    assert "Muscle tone now" not in card


@pytest.mark.django_db
def test_between_reassessments_the_card_shows_the_numbers_and_the_next_date_not_a_verdict(
    client, person
):
    card = card_on(client, person, 50, [*FIRST_WEEK, (45, "1", 4), (47, "1", 4), (49, "1", 4)])

    assert "The plan looks like it is working." not in card
    assert "✓" not in card
    assert "Muscle tone now: 1 (aim: under 2)" in card
    assert "Pain: 8 at the start, 4 now, 50% lower (aim: at least 30% lower)" in card
    assert "Next reassessment from 15 Mar 2027." in card


@pytest.mark.django_db
def test_four_weeks_after_the_first_window_the_verdict_comes_back(client, person):
    history = [*FIRST_WEEK, (60, "1", 4), (64, "1", 4), (68, "1", 4)]

    between = card_on(client, person, 69, history)
    again = card_of(trend_on(client, person, 70))

    assert "The plan looks like it is working." not in between
    assert "Next reassessment from 15 Mar 2027." in between
    assert "The plan looks like it is working." in again
    assert "Next reassessment" not in again


@pytest.mark.django_db
def test_an_edited_plan_is_marked_on_the_trend_charts(client, person):
    client.force_login(person)
    client.post("/plans/safety/", dict.fromkeys(SafetyScreen.QUESTIONS, "no"))
    massage = {
        "first_day": "1",
        "first_time": "18:30",
        "second_day": "",
        "second_time": "",
        "duration_minutes": "15",
        "technique": "swedish",
        "target_muscles": ["gastrocnemius"],
        "given_by": "caregiver",
    }
    with time_machine.travel(on_day(0), tick=False):
        client.force_login(person)
        assert client.post("/plans/massage/", massage).status_code == 302
    log(person, on_day(1), pain=7)
    with time_machine.travel(on_day(14), tick=False):
        client.force_login(person)
        edited = massage | {"second_day": "5", "second_time": "10:00", "duration_minutes": "25"}
        assert client.post("/plans/massage/", edited).status_code == 302
    log(person, on_day(15), pain=5)

    page = trend_on(client, person, 20)

    assert (
        "Dashed lines mark plan changes: 4 Jan: Massage: 1 a week, 15 min, swedish; "
        "18 Jan: Massage: 2 a week, 25 min, swedish" in text(page)
    )
    [data] = re.findall(r'<script id="trend-data" type="application/json">(.*?)</script>', page)
    assert json.loads(data)["plan_changes"] == [
        {"changed_at": "2027-01-04T09:00:00+00:00"},
        {"changed_at": "2027-01-18T09:00:00+00:00"},
    ]
