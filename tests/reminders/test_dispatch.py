"""The dispatcher pass: each occurrence handled once, at the right instant."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from webpush.models import SubscriptionInfo

from backend.plans.services import (
    SessionTime,
    StretchInput,
    massage_plan_save,
    safety_screen_record,
    stretch_routine_save,
)
from backend.reminders.models import Delivery, Occurrence
from backend.reminders.services import occurrence_done
from backend.reminders.tasks import dispatch_pass, send_occurrences
from tests.support.databases import needs_postgresql
from tests.support.plans import NO

CALF = StretchInput(
    name="Calf stretch", target_muscle="gastrocnemius", side="both", hold_seconds=30, repetitions=3
)
# Monday 1 March 2027, before any of the times below.
MONDAY = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)


def stretches(person, *times, now=MONDAY):
    return stretch_routine_save(person=person, times=list(times), stretches=[CALF], now=now)


def massage(person, *sessions, now=MONDAY):
    return massage_plan_save(
        person=person,
        sessions=[SessionTime(weekday=w, at=t) for w, t in sessions],
        duration_minutes=15,
        technique="swedish",
        target_muscles=["hamstrings"],
        given_by="self",
        now=now,
    )


def run_passes(start: datetime, *, until: datetime, every=timedelta(minutes=15)) -> None:
    now = start
    while now < until:
        now += every
        dispatch_pass(now=now)


@pytest.mark.django_db
def test_a_pass_records_what_is_due_and_nothing_twice(person):
    stretches(person, time(8, 0))  # Madrid: 07:00 UTC in winter
    due = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)

    early = dispatch_pass(now=due - timedelta(seconds=1))
    on_time = dispatch_pass(now=due)
    again = dispatch_pass(now=due + timedelta(minutes=1))

    assert early.queued == []
    assert len(on_time.queued) == 1
    assert again.queued == []
    [occurrence] = Occurrence.objects.all()
    assert (occurrence.local_date, occurrence.due_at, occurrence.status) == (
        date(2027, 3, 1),
        due,
        "due",
    )


@pytest.mark.django_db
def test_after_an_outage_recent_reminders_go_out_and_older_ones_are_missed(person):
    stretches(person, time(8, 0), time(9, 0))  # 07:00 and 08:00 UTC

    result = dispatch_pass(now=datetime(2027, 3, 1, 9, 30, tzinfo=UTC))

    by_time = {o.due_at.hour: o.status for o in Occurrence.objects.all()}
    assert by_time == {7: "missed", 8: "due"}  # 2.5 h late: missed; 1.5 h: still sent
    assert (len(result.queued), result.missed) == (1, 1)


@pytest.mark.django_db
def test_a_long_outage_records_every_day_it_missed(person):
    stretches(person, time(8, 0))

    dispatch_pass(now=datetime(2027, 3, 5, 7, 30, tzinfo=UTC))

    assert [(o.local_date.day, o.status) for o in Occurrence.objects.order_by("local_date")] == [
        (1, "missed"), (2, "missed"), (3, "missed"), (4, "missed"), (5, "due"),
    ]  # fmt: skip


@pytest.mark.django_db
def test_spring_forward_and_fall_back_each_fire_once(make_person):
    person = make_person("ny@example.com", time_zone="America/New_York")
    start = datetime(2027, 3, 13, 12, tzinfo=UTC)
    stretches(person, time(2, 30), now=start)
    # Every 15 minutes through the night the clocks jump from 02:00 to 03:00.
    run_passes(start, until=datetime(2027, 3, 14, 12, tzinfo=UTC))

    due = Occurrence.objects.get(local_date=date(2027, 3, 14)).due_at
    assert due == datetime(2027, 3, 14, 7, 0, tzinfo=UTC)  # 03:00 EDT, the end of the gap

    fall = datetime(2027, 11, 6, 12, tzinfo=UTC)
    stretches(person, time(1, 30), now=fall)
    run_passes(fall, until=datetime(2027, 11, 7, 12, tzinfo=UTC))

    [occurrence] = Occurrence.objects.filter(local_date=date(2027, 11, 7))
    assert occurrence.due_at == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)  # the first 01:30, EDT


@pytest.mark.django_db
def test_a_holiday_pause_skips_reminders_until_it_ends(person):
    stretches(person, time(8, 0))
    person.reminders_paused, person.paused_until = True, date(2027, 3, 2)
    person.save()

    for day in (1, 2, 3):
        dispatch_pass(now=datetime(2027, 3, day, 7, 1, tzinfo=UTC))

    statuses = [
        (o.local_date.day, o.status, o.skip_reason)
        for o in Occurrence.objects.order_by("local_date")
    ]
    assert statuses == [(1, "skipped", "paused"), (2, "skipped", "paused"), (3, "due", "")]


@pytest.mark.django_db
def test_a_yes_on_the_safety_screen_holds_massage_but_not_stretches(person):
    safety_screen_record(person=person, **NO)
    massage(person, (0, time(8, 0)))
    stretches(person, time(8, 0))
    safety_screen_record(person=person, **(NO | {"deep_vein_thrombosis": True}))

    dispatch_pass(now=datetime(2027, 3, 1, 7, 1, tzinfo=UTC))

    assert {(o.kind, o.status, o.skip_reason) for o in Occurrence.objects.all()} == {
        ("massage", "skipped", "safety_hold"),
        ("stretch", "due", ""),
    }


@pytest.mark.django_db
def test_a_reminder_in_quiet_hours_waits_until_they_end(api_as, person):
    api_as.patch(
        "/api/v1/accounts/me/",
        {"quiet_hours_start": "22:00", "quiet_hours_end": "07:30"},
        format="json",
    )
    stretches(person, time(6, 45))

    dispatch_pass(now=datetime(2027, 3, 1, 6, 29, tzinfo=UTC))
    assert not Occurrence.objects.exists()
    dispatch_pass(now=datetime(2027, 3, 1, 6, 30, tzinfo=UTC))  # 07:30 in Madrid

    assert Occurrence.objects.get().due_at == datetime(2027, 3, 1, 6, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_a_person_who_moves_keeps_their_wall_clock_times(api_as, person):
    stretches(person, time(8, 0))

    api_as.patch("/api/v1/accounts/me/", {"time_zone": "America/New_York"}, format="json")

    schedule = person.schedules.get()
    local = schedule.next_due_at.astimezone(schedule.time_zone)
    assert (str(schedule.time_zone), local.time()) == ("America/New_York", time(8, 0))


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_never_claim_the_same_reminder(make_person):
    needs_postgresql("SKIP LOCKED needs PostgreSQL")
    for index in range(60):
        stretches(make_person(f"p{index}@example.com"), time(8, 0))
    due = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
    results, barrier = [], threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            results.append(dispatch_pass(now=due))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    first, second = (set(result.queued) for result in results)
    assert not first & second
    assert len(first | second) == Occurrence.objects.count() == 60


@pytest.mark.django_db
def test_the_command_runs_a_pass_as_if_it_were_another_time(person, capsys):
    stretches(person, time(8, 0))

    call_command("dispatch_reminders", "--at", "2027-03-01T07:00:00Z")

    assert "1 queued, 0 missed" in capsys.readouterr().out
    assert Occurrence.objects.get().status == "due"


@pytest.mark.django_db
def test_a_massage_session_left_unlogged_gets_one_gentle_nudge_next_morning(person):
    safety_screen_record(person=person, **NO)
    massage(person, (0, time(18, 0)))  # Monday 18:00 in Madrid
    [occurrence_id] = dispatch_pass(now=datetime(2027, 3, 1, 17, 0, tzinfo=UTC)).queued
    send_occurrences([occurrence_id], "reminder")  # what the worker does

    occurrence = Occurrence.objects.get()
    assert occurrence.nudge_due_at == datetime(2027, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 next day
    first = dispatch_pass(now=occurrence.nudge_due_at)
    again = dispatch_pass(now=occurrence.nudge_due_at + timedelta(minutes=5))

    assert (first.nudges, again.nudges) == ([occurrence_id], [])


@pytest.mark.django_db
def test_no_nudge_for_a_session_marked_done(person):
    safety_screen_record(person=person, **NO)
    massage(person, (0, time(18, 0)))
    [occurrence_id] = dispatch_pass(now=datetime(2027, 3, 1, 17, 0, tzinfo=UTC)).queued
    send_occurrences([occurrence_id], "reminder")
    occurrence_done(occurrence=Occurrence.objects.get())

    assert dispatch_pass(now=datetime(2027, 3, 2, 8, 0, tzinfo=UTC)).nudges == []


@pytest.mark.django_db
def test_a_snooze_whose_send_task_was_lost_is_claimed_again_once(person):
    stretches(person, time(8, 0))
    [occurrence_id] = dispatch_pass(now=datetime(2027, 3, 1, 7, 0, tzinfo=UTC)).queued
    send_occurrences([occurrence_id], "reminder")
    snooze_at = datetime(2027, 3, 1, 7, 15, tzinfo=UTC)
    Occurrence.objects.filter(id=occurrence_id).update(snooze_due_at=snooze_at)

    claimed = dispatch_pass(now=snooze_at).snoozes
    # Its task never ran (lost with a worker, or with Redis): after ten minutes, again.
    meanwhile = dispatch_pass(now=snooze_at + timedelta(minutes=5)).snoozes
    again = dispatch_pass(now=snooze_at + timedelta(minutes=11)).snoozes
    send_occurrences([occurrence_id], "snooze")  # this time the worker ran it
    after = dispatch_pass(now=snooze_at + timedelta(minutes=30)).snoozes

    assert (claimed, meanwhile, again, after) == ([occurrence_id], [], [occurrence_id], [])
    assert Occurrence.objects.get().snooze_due_at is None


@pytest.mark.django_db
def test_a_reminder_whose_send_task_was_lost_is_queued_again_or_missed(person, time_machine):
    stretches(person, time(8, 0), time(9, 0))  # 07:00 and 08:00 UTC

    def pass_at(instant: datetime):
        time_machine.move_to(instant, tick=False)
        return dispatch_pass(now=instant)

    claimed = pass_at(datetime(2027, 3, 1, 8, 0, tzinfo=UTC)).queued
    # Neither task ran. Ten minutes on, both are queued again; past two hours, missed instead.
    soon = pass_at(datetime(2027, 3, 1, 8, 11, tzinfo=UTC))
    late = pass_at(datetime(2027, 3, 1, 9, 5, tzinfo=UTC))

    assert sorted(soon.resent) == sorted(claimed)
    by_hour = {o.due_at.hour: o.status for o in Occurrence.objects.all()}
    assert (late.resent, late.missed, by_hour) == (
        [Occurrence.objects.get(due_at__hour=8).id],
        1,
        {7: "missed", 8: "due"},
    )


@pytest.mark.django_db
def test_a_pass_as_if_later_leaves_sends_in_flight_and_waiting_retries_alone(person):
    """Leases, retry times and creation times are stamped with the real clock: a pass run "as
    if" hours on takes neither a batch a worker is sending, nor a retry still waiting, nor a
    fan-out just queued, for lost."""
    now = timezone.now()
    due = (now + timedelta(minutes=50)).astimezone(person.time_zone)
    stretches(person, due.time().replace(second=0, microsecond=0), now=now)
    queued = dispatch_pass(now=now + timedelta(hours=1)).queued
    device = SubscriptionInfo.objects.create(endpoint="https://push.example.net/p", auth="a")
    delivery = Delivery.objects.create(
        occurrence_id=queued[0],
        subscription=device,
        next_attempt_at=timezone.now() + timedelta(seconds=60),  # in flight, or a retry's wait
    )

    later = dispatch_pass(now=now + timedelta(hours=2))

    assert (later.requeued, later.resent, later.missed) == ([], [], 0)
    delivery.refresh_from_db()
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=30)
