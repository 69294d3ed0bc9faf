"""When reminders fall due: local wall times in an IANA zone, turned into UTC instants.

Plain functions with no Django import. A schedule is a wall time in a zone, every day or on
one weekday. Each local date it falls on is one occurrence, keyed by that date; the instant it
is due follows these rules:
- a wall time skipped by a spring-forward change is due at the first instant after the gap;
- a wall time repeated by a fall-back change is due at its first occurrence;
- a time inside the person's quiet hours waits until the quiet hours end.
A support person told of a reminder still undone hears of it a set time after it fell due,
after their own quiet hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Reminders this late are still worth sending; older ones are recorded as missed.
CATCH_UP = timedelta(hours=2)


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def contains(self, at: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end  # the window spans midnight


@dataclass(frozen=True)
class Rule:
    at: time
    zone: ZoneInfo
    weekday: int | None = None  # Monday is 0; None means every day
    quiet: QuietHours | None = None

    def falls_on(self, day: date) -> bool:
        return self.weekday is None or day.weekday() == self.weekday


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant that a wall time on a local date stands for."""
    wall = datetime.combine(day, at, tzinfo=zone)  # fold=0: the first of a repeated time
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return instant
    # A wall time in a gap: its two readings lie either side of the transition. The first
    # valid instant after the gap is the transition itself; bisect to the second.
    earlier, later = sorted([instant, wall.replace(fold=1).astimezone(UTC)])
    after_offset = later.astimezone(zone).utcoffset()
    low, high = int(earlier.timestamp()), int(later.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == after_offset:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def due_at(rule: Rule, day: date) -> datetime:
    """The UTC instant at which the occurrence on a local date falls due."""
    return after_quiet(local_instant(day, rule.at, rule.zone), rule.quiet, rule.zone)


def after_quiet(instant: datetime, quiet: QuietHours | None, zone: ZoneInfo) -> datetime:
    """The instant, or the end of the quiet hours (wall times in `zone`) it falls inside."""
    if quiet is None:
        return instant
    local = instant.astimezone(zone)
    if not quiet.contains(local.time().replace(tzinfo=None)):
        return instant
    end_day = local.date()
    if quiet.start > quiet.end and local.time() >= quiet.start:
        end_day += timedelta(days=1)
    return local_instant(end_day, quiet.end, zone)


def escalation_at(
    due: datetime, *, after_minutes: int, quiet: QuietHours | None, zone: ZoneInfo
) -> datetime:
    """When a support person hears of a reminder still undone: `after_minutes` after it fell
    due, or when their own quiet hours (in their own zone) end."""
    return after_quiet(due + timedelta(minutes=after_minutes), quiet, zone)


def next_day(rule: Rule, day: date) -> date:
    """The next local date after `day` on which the rule falls."""
    day += timedelta(days=1)
    while not rule.falls_on(day):
        day += timedelta(days=1)
    return day


def first_after(rule: Rule, instant: datetime) -> tuple[date, datetime]:
    """The first occurrence due strictly after an instant: its local date and due instant."""
    # Start a day early: quiet hours can push yesterday's occurrence past the instant.
    day = instant.astimezone(rule.zone).date() - timedelta(days=2)
    while True:
        day = next_day(rule, day)
        due = due_at(rule, day)
        if due > instant:
            return day, due


def due_until(rule: Rule, day: date, now: datetime) -> Iterator[tuple[date, datetime]]:
    """Occurrences from local date `day` on (which must fall on the rule) that are due by now."""
    due = due_at(rule, day)
    while due <= now:
        yield day, due
        day = next_day(rule, day)
        due = due_at(rule, day)


def is_too_late(due: datetime, now: datetime) -> bool:
    return now - due >= CATCH_UP
