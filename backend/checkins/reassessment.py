"""The clinical rule a plan is judged by. Plain functions with no Django import.

After 4–6 weeks, the plan looks like it is working when tone is under 2 on the Modified
Ashworth Scale and pain is at least 30% below the baseline. The card shows from week 4 to
week 6 of a plan, then for two weeks every four weeks after that; in between, it gives the
date the next window opens.

One day's ups and downs must not flip the answer, so the card compares medians: the last
RECENT_DAYS days (ending today) against the baseline week (the BASELINE_DAYS days starting at
the baseline check-in), and it needs MIN_CHECKINS in each window to say anything.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median, median_high

# Tone is stored as an ordinal: 0, 1, 1+, 2, 3, 4 are 0..5, so "under 2" is below 3.
TONE_2 = 3
PAIN_DROP_PERCENT = 30
FIRST_WINDOW = (28, 42)  # days since the plan started: weeks 4 to 6
REPEAT_EVERY = 28
WINDOW_DAYS = 14
RECENT_DAYS = 14
BASELINE_DAYS = 7
MIN_CHECKINS = 3


@dataclass(frozen=True)
class Reassessment:
    due: bool  # the card is shown now
    days: int  # since the plan started
    status: str  # "too_early", "working", "not_yet" or "not_enough"
    tone_met: bool | None = None
    pain_met: bool | None = None
    latest_tone: int | None = None  # median tone of the recent window
    baseline_pain: float | None = None  # median pain of the baseline week
    latest_pain: float | None = None  # median pain of the recent window
    pain_change: float | None = None  # fraction: -0.4 is 40% lower than baseline
    next_due_on: date | None = None  # when the next window opens; None while one is open
    latest_days: int | None = None  # from the plan's start to the latest check-in
    recent_count: int = 0  # check-ins in the last RECENT_DAYS days
    baseline_count: int = 0  # check-ins in the baseline week


def tone_median(tones: Sequence[int]) -> int:
    """The median grade. With an even count the higher of the two middle grades: a grade is a
    rank, not a number to average, and a half-and-half split between 1+ and 2 must not count
    as tone under 2."""
    return median_high(tones)


def pain_median(pains: Sequence[int]) -> float:
    """Pain is a 0–10 score: the usual median, a half-point when the count is even."""
    return median(pains)


def is_due(days: int) -> bool:
    start, end = FIRST_WINDOW
    if days < start:
        return False
    if days <= end:
        return True
    # Then again every four weeks after the first window, for two weeks each time.
    since = days - end - REPEAT_EVERY
    return since >= 0 and since % REPEAT_EVERY < WINDOW_DAYS


def next_window(days: int) -> int | None:
    """The day (since the plan started) the next window opens, or None while one is open."""
    start, end = FIRST_WINDOW
    if days < start:
        return start
    if is_due(days):
        return None
    repeat_start = end + REPEAT_EVERY
    if days < repeat_start:
        return repeat_start
    return repeat_start + ((days - repeat_start) // REPEAT_EVERY + 1) * REPEAT_EVERY


def reassess(
    *,
    plan_started: date,
    today: date,
    baseline_week: Sequence[tuple[int, int]],
    recent: Sequence[tuple[int, int]],
    latest_on: date | None = None,
) -> Reassessment:
    """baseline_week and recent: (tone, pain) of each check-in in the two windows."""
    days = (today - plan_started).days
    due = is_due(days)
    opens = next_window(days)
    next_due_on = None if opens is None else plan_started + timedelta(days=opens)
    counts = {"recent_count": len(recent), "baseline_count": len(baseline_week)}
    if days < FIRST_WINDOW[0]:
        return Reassessment(
            due=False, days=days, status="too_early", next_due_on=next_due_on, **counts
        )
    if len(recent) < MIN_CHECKINS or len(baseline_week) < MIN_CHECKINS:
        return Reassessment(
            due=due, days=days, status="not_enough", next_due_on=next_due_on, **counts
        )
    latest_tone = tone_median([tone for tone, _pain in recent])
    latest_pain = pain_median([pain for _tone, pain in recent])
    baseline_pain = pain_median([pain for _tone, pain in baseline_week])
    tone_met = latest_tone < TONE_2
    if baseline_pain == 0:
        # No pain to begin with: staying pain-free is all the pain part can ask.
        change, pain_met = None, latest_pain == 0
    else:
        change = (latest_pain - baseline_pain) / baseline_pain
        # Medians are whole or half points: exact in floating point, so exactly 30% counts.
        pain_met = (baseline_pain - latest_pain) * 100 >= PAIN_DROP_PERCENT * baseline_pain
    return Reassessment(
        due=due,
        days=days,
        status="working" if tone_met and pain_met else "not_yet",
        tone_met=tone_met,
        pain_met=pain_met,
        latest_tone=latest_tone,
        baseline_pain=baseline_pain,
        latest_pain=latest_pain,
        pain_change=change,
        next_due_on=next_due_on,
        latest_days=None if latest_on is None else (latest_on - plan_started).days,
        **counts,
    )


def window_opened(days: int) -> int | None:
    """The day (since the plan started) the open or latest window opened; None before the
    first. Goals are rated once a window, so this is the key of a rating."""
    start, end = FIRST_WINDOW
    if days < start:
        return None
    repeat_start = end + REPEAT_EVERY
    if days < repeat_start:
        return start
    return repeat_start + (days - repeat_start) // REPEAT_EVERY * REPEAT_EVERY
