from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.checkins.reassessment import is_due, next_window, reassess, window_opened

START = date(2027, 1, 4)
TONE = {"0": 0, "1": 1, "1+": 2, "2": 3, "3": 4, "4": 5}


def card(days, *, baseline_pain=8, tone="1+", pain=5):
    return reassess(
        plan_started=START,
        today=START + timedelta(days=days),
        baseline_pain=baseline_pain,
        latest_tone=TONE[tone],
        latest_pain=pain,
    )


def test_tone_under_2_and_pain_down_30_percent_means_the_plan_looks_like_it_works():
    result = card(30, baseline_pain=8, tone="1+", pain=5)  # 37.5% less pain

    assert (result.status, result.due, result.tone_met, result.pain_met) == (
        "working",
        True,
        True,
        True,
    )
    assert result.pain_change == pytest.approx(-0.375)


def test_tone_of_2_is_not_under_2():
    result = card(30, tone="2", pain=2)

    assert (result.status, result.tone_met, result.pain_met) == ("not_yet", False, True)


def test_pain_down_less_than_30_percent_is_not_yet_enough():
    result = card(35, baseline_pain=10, tone="1", pain=8)

    assert (result.status, result.tone_met, result.pain_met) == ("not_yet", True, False)


def test_exactly_30_percent_counts():
    assert card(35, baseline_pain=10, pain=7).pain_met is True


def test_before_four_weeks_it_is_too_early_to_say():
    result = card(27, tone="0", pain=0)

    assert (result.status, result.due) == ("too_early", False)


def test_without_pain_at_the_start_staying_pain_free_meets_the_pain_part():
    assert card(30, baseline_pain=0, pain=0).pain_met is True
    assert card(30, baseline_pain=0, pain=2).pain_met is False


@pytest.mark.parametrize(
    ("days", "due"),
    [
        (27, False),
        (28, True),
        (42, True),
        (43, False),
        (69, False),
        (70, True),
        (83, True),
        (84, False),
        (98, True),
    ],
)
def test_the_card_shows_in_weeks_4_to_6_then_every_four_weeks(days, due):
    assert is_due(days) is due


@given(st.integers(min_value=0, max_value=3650))
def test_the_next_window_is_the_first_day_the_card_shows_again(days):
    opens = next_window(days)

    if is_due(days):
        assert opens is None
    else:
        assert opens > days and is_due(opens)
        assert not any(is_due(day) for day in range(days, opens))


def test_between_windows_the_card_says_when_the_next_one_opens():
    assert card(20).next_due_on == START + timedelta(days=28)
    assert card(35).next_due_on is None
    assert card(50).next_due_on == START + timedelta(days=70)
    assert card(90).next_due_on == START + timedelta(days=98)


@given(st.integers(min_value=0, max_value=1500))
def test_a_goal_rating_belongs_to_the_window_open_now_or_else_the_latest(days):
    opened = window_opened(days)

    if days < 28:
        assert opened is None
        return
    assert opened <= days
    assert is_due(opened) and not is_due(opened - 1)  # the first day of a window
    assert not any(is_due(d) and not is_due(d - 1) for d in range(opened + 1, days + 1))
