"""Which days of the week a plan's relief reaches. No Django import.

From the clinical notes: one massage session relieves for about 1–3 days after it, a stretch
for hours to a day. So a session covers its own day and the next ("likely"), and the day after
that ("possible"); daily stretches cover each day they are done. The week repeats: a Sunday
session reaches into Monday and Tuesday.
"""

from dataclasses import dataclass
from itertools import combinations

DAYS = 7
LIKELY_AFTER = 1  # the session day and this many days after it
POSSIBLE_AFTER = 2  # up to this many days after it

SESSION, LIKELY, POSSIBLE = "session", "likely", "possible"
_STRENGTH = {SESSION: 3, LIKELY: 2, POSSIBLE: 1, None: 0}


@dataclass(frozen=True)
class Day:
    weekday: int  # Monday is 0
    massage: str | None  # "session", "likely", "possible" or None
    stretches: bool

    @property
    def gap(self) -> bool:
        return self.massage is None and not self.stretches


@dataclass(frozen=True)
class Week:
    days: tuple[Day, ...]
    # Set when the sessions sit so close that other days would cover more of the week: the
    # first session's day kept, the second moved.
    better_weekdays: tuple[int, ...] | None

    @property
    def massage_days(self) -> int:
        return sum(day.massage is not None for day in self.days)


def _massage_cover(weekdays: frozenset[int]) -> list[str | None]:
    cover: list[str | None] = [None] * DAYS
    for session in weekdays:
        for after in range(POSSIBLE_AFTER + 1):
            weekday = (session + after) % DAYS
            level = SESSION if after == 0 else LIKELY if after <= LIKELY_AFTER else POSSIBLE
            if _STRENGTH[level] > _STRENGTH[cover[weekday]]:
                cover[weekday] = level
    return cover


def _covered(weekdays: frozenset[int]) -> int:
    return sum(level is not None for level in _massage_cover(weekdays))


def week_coverage(*, massage_weekdays: list[int] | set[int], daily_stretches: bool) -> Week:
    weekdays = frozenset(massage_weekdays)
    cover = _massage_cover(weekdays)
    days = tuple(
        Day(weekday=weekday, massage=cover[weekday], stretches=daily_stretches)
        for weekday in range(DAYS)
    )
    better = None
    if len(weekdays) > 1:
        first = min(weekdays)
        best = max(
            (frozenset({first, *others}) for others in combinations(
                [d for d in range(DAYS) if d != first], len(weekdays) - 1
            )),
            key=lambda option: (_covered(option), -sum((d - first) % DAYS for d in option)),
        )  # fmt: skip
        if _covered(best) > _covered(weekdays):
            better = tuple(sorted(best))
    return Week(days=days, better_weekdays=better)
