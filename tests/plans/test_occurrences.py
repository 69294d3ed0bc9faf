"""Property tests of the reminder maths across daylight-saving changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.plans.occurrences import (
    CATCH_UP,
    QuietHours,
    Rule,
    due_at,
    due_until,
    escalation_at,
    first_after,
    is_too_late,
    local_instant,
    next_day,
)

ZONES = [
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "Pacific/Auckland",
    "Australia/Lord_Howe",  # a 30-minute change
    "America/Santiago",
    "Europe/Berlin",
    "Pacific/Chatham",  # a quarter-hour offset
    "America/St_Johns",
    "Asia/Tehran",
]
SPAN_START = datetime(2026, 1, 1, tzinfo=UTC)
TWO_YEARS = timedelta(days=731)

zones = st.sampled_from(ZONES).map(ZoneInfo)
# Most changes happen between midnight and 04:00: weight the draw towards those hours.
wall_times = st.one_of(
    st.builds(time, st.integers(0, 3), st.integers(0, 59)),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
)
weekdays = st.one_of(st.none(), st.integers(0, 6))
instants = st.integers(0, int(TWO_YEARS.total_seconds())).map(
    lambda seconds: SPAN_START + timedelta(seconds=seconds)
)


def exists(day: date, at: time, zone: ZoneInfo) -> bool:
    wall = datetime.combine(day, at, tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None)


@settings(max_examples=60, deadline=None)
@given(zone=zones, at=wall_times, weekday=weekdays)
def test_every_planned_day_fires_once_at_its_local_time_for_two_years(zone, at, weekday):
    rule = Rule(at=at, zone=zone, weekday=weekday)
    day, due = first_after(rule, SPAN_START)
    end = SPAN_START + TWO_YEARS
    expected_day = day
    while due < end:
        assert day == expected_day  # no planned day skipped, none repeated
        assert rule.falls_on(day)
        local = due.astimezone(zone)
        if exists(day, at, zone):
            # At the wall time, and at its first reading when the clock repeats an hour.
            assert local.date() == day
            assert local.time() == at
            assert local.fold == 0
        else:
            # Skipped by a spring-forward change: the first instant after the gap.
            assert local.date() == day
            wall = datetime.combine(day, at)
            assert local.replace(tzinfo=None) > wall
            assert (due - timedelta(seconds=1)).astimezone(zone).replace(tzinfo=None) < wall
        following = next_day(rule, day)
        following_due = due_at(rule, following)
        assert following_due > due
        expected_day = following
        day, due = following, following_due


@settings(max_examples=200, deadline=None)
@given(zone=zones, at=wall_times, weekday=weekdays, after=instants)
def test_the_next_occurrence_is_the_first_due_after_an_instant(zone, at, weekday, after):
    rule = Rule(at=at, zone=zone, weekday=weekday)

    day, due = first_after(rule, after)

    assert due > after
    previous = day - timedelta(days=7 if weekday is not None else 1)
    assert due_at(rule, previous) <= after


@settings(max_examples=200, deadline=None)
@given(
    zone=zones,
    at=wall_times,
    after=instants,
    start=st.builds(time, st.integers(0, 23), st.sampled_from([0, 30])),
    end=st.builds(time, st.integers(0, 23), st.sampled_from([0, 30])),
)
def test_a_reminder_in_quiet_hours_waits_until_they_end(zone, at, after, start, end):
    quiet = QuietHours(start=start, end=end)
    rule = Rule(at=at, zone=zone, quiet=quiet)

    day, due = first_after(rule, after)

    planned = local_instant(day, at, zone)
    local = due.astimezone(zone).time()
    if quiet.contains(planned.astimezone(zone).time()):
        assert due > planned
        assert due - planned <= timedelta(hours=25)
        # The end of quiet hours, or the first instant after it if a clock change skips it.
        assert local == end or not exists(due.astimezone(zone).date(), end, zone)
    else:
        assert due == planned


@settings(max_examples=40, deadline=None)
@given(
    zone=zones,
    at=wall_times,
    weekday=weekdays,
    start=instants,
    gaps=st.lists(st.integers(1, 6 * 60), min_size=50, max_size=400),
)
def test_dispatcher_passes_send_each_occurrence_once_or_record_it_missed(
    zone, at, weekday, start, gaps
):
    """Passes at irregular times, some hours apart as after an outage, as the dispatcher runs."""
    rule = Rule(at=at, zone=zone, weekday=weekday)
    next_planned, _ = first_after(rule, start)
    handled = []
    now = start
    for gap in gaps:
        previous, now = now, now + timedelta(minutes=gap)
        for day, due in due_until(rule, next_planned, now):
            # Handled (sent, or recorded missed if too late) by the first pass after it fell due.
            assert previous < due <= now
            handled.append(day)
            next_planned = next_day(rule, day)

    first, _ = first_after(rule, start)
    expected, day = [], first
    while due_at(rule, day) <= now:
        expected.append(day)
        day = next_day(rule, day)
    assert handled == expected


def test_known_transitions_in_new_york():
    zone = ZoneInfo("America/New_York")
    # 2027-03-14: 02:00 jumps to 03:00. 2027-11-07: 02:00 falls back to 01:00.
    assert local_instant(date(2027, 3, 14), time(2, 30), zone) == datetime(
        2027, 3, 14, 7, tzinfo=UTC
    )
    assert local_instant(date(2027, 11, 7), time(1, 30), zone) == datetime(
        2027, 11, 7, 5, 30, tzinfo=UTC
    )
    assert local_instant(date(2027, 11, 7), time(8, 0), zone) == datetime(
        2027, 11, 7, 13, tzinfo=UTC
    )


def test_a_reminder_late_by_less_than_two_hours_is_still_sent():
    due = datetime(2027, 3, 14, 8, tzinfo=UTC)
    assert not is_too_late(due, due + timedelta(hours=1, minutes=59))
    assert is_too_late(due, due + CATCH_UP)


@settings(max_examples=200, deadline=None)
@given(
    person_zone=zones,
    at=wall_times,
    after=instants,
    minutes=st.integers(30, 240),
    zone=zones,
    quiet=st.one_of(
        st.none(),
        st.builds(
            QuietHours,
            start=st.builds(time, st.integers(0, 23), st.sampled_from([0, 30])),
            end=st.builds(time, st.integers(0, 23), st.sampled_from([0, 30])),
        ),
    ),
)
def test_a_support_person_hears_the_window_after_it_fell_due_outside_their_quiet_hours(
    person_zone, at, after, minutes, zone, quiet
):
    """The person's reminder falls due in their zone; the support person may live in another,
    with quiet hours of their own, across any clock change of either."""
    _day, due = first_after(Rule(at=at, zone=person_zone), after)
    window_ends = due + timedelta(minutes=minutes)

    told = escalation_at(due, after_minutes=minutes, quiet=quiet, zone=zone)

    # Never before the window has passed in real (UTC) time, however the clocks moved.
    assert told >= window_ends
    local = told.astimezone(zone)
    if quiet is None or not quiet.contains(window_ends.astimezone(zone).time()):
        assert told == window_ends
    else:
        # At the end of their quiet hours (or just after, if a clock change skips that time),
        # within a day, and outside them.
        assert told - window_ends <= timedelta(hours=25)
        assert local.time() == quiet.end or not exists(local.date(), quiet.end, zone)
        assert not quiet.contains(local.time()) or not exists(local.date(), quiet.end, zone)
