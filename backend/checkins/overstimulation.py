"""When the overstimulation guard clears. Plain functions with no Django import.

A flag raised after a session (soreness or spasms worse, or tone or pain up) clears by
itself once the person is back where they usually are: the two latest check-ins after the
flagged one both at or below their usual tone and pain, and neither saying "worse after".
One better check-in is not enough, and a worse one in between starts the count again.

The usual level is the median tone and pain of their check-ins in the USUAL_DAYS days before
the flagged check-in (tone as a grade, the higher middle one on an even count). With fewer
than MIN_USUAL of them it is the baseline check-in's tone and pain, and with no baseline
before the flag, the flagged check-in's own.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from backend.checkins.reassessment import pain_median, tone_median

USUAL_DAYS = 14
MIN_USUAL = 3
BACK_TO_USUAL = 2  # check-ins in a row


@dataclass(frozen=True)
class Level:
    tone: int
    pain: float


@dataclass(frozen=True)
class Reading:
    tone: int
    pain: int
    worse_after: bool = False


def usual_level(*, before: Sequence[Reading], fallback: Reading) -> Level:
    """before: the check-ins of the USUAL_DAYS days before the flagged one; fallback: the
    baseline check-in, or the flagged one when there is no earlier baseline."""
    if len(before) < MIN_USUAL:
        return Level(tone=fallback.tone, pain=fallback.pain)
    return Level(
        tone=tone_median([r.tone for r in before]), pain=pain_median([r.pain for r in before])
    )


def at_usual(reading: Reading, usual: Level) -> bool:
    return not reading.worse_after and reading.tone <= usual.tone and reading.pain <= usual.pain


def back_to_usual(*, usual: Level, after: Sequence[Reading]) -> bool:
    """after: the check-ins since the flagged one, oldest first."""
    latest = after[-BACK_TO_USUAL:]
    return len(latest) == BACK_TO_USUAL and all(at_usual(r, usual) for r in latest)
