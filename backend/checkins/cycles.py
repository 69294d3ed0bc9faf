"""Botulinum toxin cycles: how tone and pain went in the weeks after each injection. Plain
functions with no Django import.

An injection's effect is commonly described as starting within two weeks, strongest around
weeks 4–6 and fading by week 12, so each cycle is read in three windows: weeks 0–2, 2–8 and
8–12 after the injection. A cycle ends early at the next injection: what follows is the next
cycle's. Medians as the reassessment card takes them (backend.checkins.reassessment).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from backend.checkins.reassessment import pain_median, tone_median

# Days after the injection: [start, end).
WINDOWS = ((0, 14), (14, 56), (56, 84))
CYCLE_DAYS = WINDOWS[-1][1]


@dataclass(frozen=True)
class Point:
    on: date  # the check-in's local day
    tone: int  # ordinal 0..5
    pain: int


@dataclass(frozen=True)
class Window:
    start_day: int
    end_day: int
    count: int
    tone: int | None  # the median grade, ordinal
    pain: float | None


@dataclass(frozen=True)
class Cycle:
    injected_on: date
    ends_on: date  # the day after the cycle's last day: day 84, or the next injection
    windows: tuple[Window, ...]

    @property
    def count(self) -> int:
        return sum(w.count for w in self.windows)


def injection_cycles(points: Sequence[Point], injections: Sequence[date]) -> list[Cycle]:
    """One cycle per injection day, oldest first (two injections on one day are one cycle)."""
    days = sorted(set(injections))
    cycles = []
    for index, injected in enumerate(days):
        limit = CYCLE_DAYS
        if index + 1 < len(days):
            limit = min(limit, (days[index + 1] - injected).days)
        windows = []
        for start, end in WINDOWS:
            inside = [p for p in points if start <= (p.on - injected).days < min(end, limit)]
            windows.append(
                Window(
                    start_day=start,
                    end_day=end,
                    count=len(inside),
                    tone=tone_median([p.tone for p in inside]) if inside else None,
                    pain=pain_median([p.pain for p in inside]) if inside else None,
                )
            )
        cycles.append(
            Cycle(
                injected_on=injected,
                ends_on=date.fromordinal(injected.toordinal() + limit),
                windows=tuple(windows),
            )
        )
    return cycles
