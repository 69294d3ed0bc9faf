from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.checkins.reassessment import (
    MIN_CHECKINS,
    is_due,
    next_window,
    pain_median,
    reassess,
    tone_median,
    window_opened,
)

START = date(2027, 1, 4)
TONE = {"0": 0, "1": 1, "1+": 2, "2": 3, "3": 4, "4": 5}


def card(days, *, baseline_pain=8, tone="1+", pain=5):
    """Three check-ins alike in each window: the medians are those values."""
    return reassess(
        plan_started=START,
        today=START + timedelta(days=days),
        baseline_week=[(TONE["2"], baseline_pain)] * 3,
        recent=[(TONE[tone], pain)] * 3,
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


def test_the_median_of_an_odd_count_is_the_middle_value():
    assert tone_median([TONE["2"], TONE["1"], TONE["3"]]) == TONE["2"]
    assert pain_median([7, 2, 4]) == 4


def test_with_an_even_count_tone_takes_the_higher_middle_grade_and_pain_the_half_point():
    # 1+ and 2 split evenly: the card does not claim tone is under 2.
    assert tone_median([TONE["1+"], TONE["1+"], TONE["2"], TONE["2"]]) == TONE["2"]
    assert pain_median([3, 4, 6, 9]) == 5


def test_one_bad_day_in_the_last_two_weeks_does_not_flip_the_verdict():
    good = [(TONE["1"], 4)] * 5
    steady = reassess(
        plan_started=START,
        today=START + timedelta(days=30),
        baseline_week=[(TONE["2"], 8)] * 4,
        recent=[*good, (TONE["3"], 9)],  # the latest check-in is a bad day
    )

    assert (steady.status, steady.latest_tone, steady.latest_pain) == ("working", TONE["1"], 4)
    assert (steady.recent_count, steady.baseline_count) == (6, 4)


def test_fewer_than_three_check_ins_in_either_window_is_not_enough_and_gives_the_counts():
    def with_counts(recent, first):
        return reassess(
            plan_started=START,
            today=START + timedelta(days=30),
            baseline_week=[(TONE["2"], 8)] * first,
            recent=[(TONE["1"], 2)] * recent,
        )

    few_recent, few_first, enough = with_counts(2, 5), with_counts(9, 2), with_counts(3, 3)

    assert (few_recent.status, few_recent.recent_count, few_recent.baseline_count) == (
        "not_enough",
        2,
        5,
    )
    assert (few_recent.tone_met, few_recent.latest_pain) == (None, None)
    assert (few_first.status, few_first.baseline_count) == ("not_enough", 2)
    assert enough.status == "working"


grades = st.integers(min_value=0, max_value=5)
pains = st.integers(min_value=0, max_value=10)


@given(st.lists(grades, min_size=1, max_size=40))
def test_the_tone_median_is_always_a_grade_someone_recorded_with_as_many_at_or_above(tones):
    middle = tone_median(tones)

    assert middle in tones
    assert sum(t >= middle for t in tones) * 2 >= len(tones)
    assert sum(t <= middle for t in tones) * 2 > len(tones) - 1


@given(
    st.lists(st.tuples(grades, pains), min_size=MIN_CHECKINS, max_size=20),
    st.lists(st.tuples(grades, pains), min_size=MIN_CHECKINS, max_size=20),
    st.tuples(grades, pains),
)
def test_a_single_extra_day_moves_the_medians_by_at_most_one_neighbouring_value(
    baseline_week, recent, extra
):
    """Whatever one more check-in says, the recent medians stay between recorded values that
    were next to the middle before: one day cannot swing the verdict from end to end."""
    today = START + timedelta(days=30)
    before = reassess(plan_started=START, today=today, baseline_week=baseline_week, recent=recent)
    after = reassess(
        plan_started=START, today=today, baseline_week=baseline_week, recent=[*recent, extra]
    )
    tones = sorted(t for t, _p in recent)
    pains_ = sorted(p for _t, p in recent)
    low, high = (len(tones) - 1) // 2, len(tones) // 2

    assert tones[max(low - 1, 0)] <= after.latest_tone <= tones[min(high + 1, len(tones) - 1)]
    assert pains_[max(low - 1, 0)] <= after.latest_pain <= pains_[min(high + 1, len(pains_) - 1)]
    assert after.baseline_pain == before.baseline_pain


@given(st.integers(min_value=0, max_value=1500))
def test_a_goal_rating_belongs_to_the_window_open_now_or_else_the_latest(days):
    opened = window_opened(days)

    if days < 28:
        assert opened is None
        return
    assert opened <= days
    assert is_due(opened) and not is_due(opened - 1)  # the first day of a window
    assert not any(is_due(d) and not is_due(d - 1) for d in range(opened + 1, days + 1))
