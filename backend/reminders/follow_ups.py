"""When a reminder comes again: a snooze, or the next morning's nudge."""

from datetime import datetime, time, timedelta

from backend.plans.occurrences import Rule, due_at
from backend.plans.selectors import quiet_hours_of
from backend.reminders.models import Occurrence

# The next-morning nudge for a massage session that was neither done nor checked in.
NUDGE_AT = time(9, 0)
SNOOZE = timedelta(minutes=15)


def nudge_time(*, occurrence: Occurrence, person) -> datetime:
    """The next morning, at NUDGE_AT in the schedule's zone, after any quiet hours."""
    rule = Rule(
        at=NUDGE_AT, zone=occurrence.schedule.time_zone, quiet=quiet_hours_of(person=person)
    )
    return due_at(rule, occurrence.local_date + timedelta(days=1))
