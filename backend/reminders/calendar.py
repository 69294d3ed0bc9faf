"""The calendar feed: the person's schedules as recurring iCalendar events in their zone."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vRecur

from backend.accounts.models import User
from backend.plans.models import Schedule
from backend.plans.occurrences import due_at, local_instant, next_day
from backend.plans.selectors import schedule_rule
from backend.reminders.messages import massage_text, stretch_text
from backend.reminders.models import CalendarFeed

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# Days ahead checked for instants the recurrence rule alone would get wrong.
HORIZON = timedelta(days=366)
STRETCH_MINUTES = 10


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_enable(*, person: User) -> tuple[CalendarFeed, str]:
    """Turn the feed on, or give it a new address: the old one stops working at once.

    Returns the feed and its token, which is not stored: show it now or never.
    """
    token = secrets.token_urlsafe(32)
    feed, _created = CalendarFeed.objects.update_or_create(
        person=person, defaults={"token_hash": _token_hash(token), "created_at": timezone.now()}
    )
    return feed, token


def calendar_feed_for_token(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.select_related("person").filter(token_hash=_token_hash(token)).first()
    )


def calendar_feed_disable(*, person: User) -> bool:
    deleted, _rows = CalendarFeed.objects.filter(person=person).delete()
    return deleted > 0


def _event(schedule: Schedule, person: User, now: datetime) -> Event:
    rule = schedule_rule(schedule=schedule, person=person)
    zone = schedule.time_zone
    first = schedule.next_day
    start = datetime.combine(first, schedule.local_time, tzinfo=zone)
    event = Event()
    event.add("uid", f"schedule-{schedule.id}@tonus")
    event.add("dtstamp", now)
    event.add("dtstart", start)
    if schedule.kind == Schedule.Kind.MASSAGE:
        plan = schedule.massage_plan
        event.add("summary", _("Massage session"))
        event.add("duration", timedelta(minutes=plan.duration_minutes if plan else 20))
        event.add("description", massage_text(plan))
    else:
        event.add("summary", _("Stretches"))
        event.add("duration", timedelta(minutes=STRETCH_MINUTES))
        event.add("description", stretch_text(schedule.stretch_routine))
    if person.discreet_notifications:
        event["summary"] = _("Routine")
        event.pop("description")
    recurrence = {"freq": "daily"} if schedule.weekday is None else {
        "freq": "weekly", "byday": WEEKDAY_CODES[schedule.weekday]
    }  # fmt: skip
    event.add("rrule", vRecur(recurrence))
    # Where the engine's instant differs from the plain wall time (a time skipped by a clock
    # change, quiet hours), replace that one occurrence so the feed matches the reminders.
    day, end = first, now + HORIZON
    while (due := due_at(rule, day)) <= end:
        plain = local_instant(day, schedule.local_time, zone)
        if due != plain or plain.astimezone(zone).time() != schedule.local_time:
            event.add("exdate", datetime.combine(day, schedule.local_time, tzinfo=zone))
            event.add("rdate", due.astimezone(zone))
        day = next_day(rule, day)
    return event


def calendar_render(*, person: User, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Tonus//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Tonus")
    calendar.add("x-wr-timezone", str(person.time_zone))
    schedules = Schedule.objects.filter(person=person).select_related(
        "massage_plan", "stretch_routine"
    )
    for schedule in schedules:
        calendar.add_component(_event(schedule, person, now))
    calendar.add_missing_timezones()
    return calendar.to_ical()
