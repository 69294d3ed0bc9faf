"""The clinical rule a plan is judged by. Plain functions with no Django import.

After 4–6 weeks, the plan looks like it is working when the latest tone is under 2 on the
Modified Ashworth Scale and pain is at least 30% below the baseline. The card shows from
week 4 to week 6 of a plan, then for two weeks every four weeks after that; in between, it
gives the date the next window opens.
"""

from dataclasses import dataclass
from datetime import date, timedelta

# Tone is stored as an ordinal: 0, 1, 1+, 2, 3, 4 are 0..5, so "under 2" is below 3.
TONE_2 = 3
PAIN_DROP_PERCENT = 30
FIRST_WINDOW = (28, 42)  # days since the plan started: weeks 4 to 6
REPEAT_EVERY = 28
WINDOW_DAYS = 14


@dataclass(frozen=True)
class Reassessment:
    due: bool  # the card is shown now
    days: int  # since the plan started
    status: str  # "too_early", "working", "not_yet" or "no_data"
    tone_met: bool | None = None
    pain_met: bool | None = None
    latest_tone: int | None = None
    baseline_pain: int | None = None
    latest_pain: int | None = None
    pain_change: float | None = None  # fraction: -0.4 is 40% lower than baseline
    next_due_on: date | None = None  # when the next window opens; None while one is open
    latest_days: int | None = None  # from the plan's start to the latest check-in


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
    baseline_pain: int | None,
    latest_tone: int | None,
    latest_pain: int | None,
    latest_on: date | None = None,
) -> Reassessment:
    days = (today - plan_started).days
    due = is_due(days)
    opens = next_window(days)
    next_due_on = None if opens is None else plan_started + timedelta(days=opens)
    if days < FIRST_WINDOW[0]:
        return Reassessment(due=False, days=days, status="too_early", next_due_on=next_due_on)
    if baseline_pain is None or latest_tone is None or latest_pain is None:
        return Reassessment(due=due, days=days, status="no_data", next_due_on=next_due_on)
    tone_met = latest_tone < TONE_2
    if baseline_pain == 0:
        # No pain to begin with: staying pain-free is all the pain part can ask.
        change, pain_met = None, latest_pain == 0
    else:
        change = (latest_pain - baseline_pain) / baseline_pain
        # In whole numbers, so that exactly 30% counts without float rounding.
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
