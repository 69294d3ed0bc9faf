"""Every dispatcher pass is recorded, logged in one line, and shown by `reminders_status`."""

import logging
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from backend.reminders.dispatch import PASSES_KEPT_FOR
from backend.reminders.models import Delivery, DispatchPass
from backend.reminders.tasks import dispatch_pass
from tests.reminders.test_dispatch import stretches
from tests.reminders.test_sending import subscribe
from tests.support.waiting import wait_until

DUE = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)  # 08:00 in Madrid


def status(*args: str) -> str:
    out = StringIO()
    call_command("reminders_status", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_pass_is_recorded_with_what_it_found(make_person, caplog):
    on_time, paused, late = (make_person(f"p{i}@example.com") for i in range(3))
    for person in (on_time, paused, late):
        stretches(person, time(8, 0))
    paused.reminders_paused, paused.paused_until = True, date(2027, 3, 2)
    paused.save()
    # Its pass comes three hours late: too late to be worth sending.
    stretches(late, time(5, 0))

    with caplog.at_level(logging.INFO, logger="backend.reminders.dispatch"):
        dispatch_pass(now=DUE)

    record = DispatchPass.objects.get()
    assert record.as_of == DUE
    assert record.finished_at >= record.started_at
    assert (record.claimed, record.queued, record.missed, record.skipped) == (3, 1, 1, 1)
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("dispatch_pass")]
    assert "claimed=3 queued=1 missed=1 skipped=1 requeued=0" in line
    assert f"as_of={DUE.isoformat()}" in line


@pytest.mark.django_db
def test_an_empty_pass_is_recorded_too_and_old_records_go(person):
    old = DispatchPass.objects.create(
        started_at=timezone.now() - PASSES_KEPT_FOR - timedelta(minutes=1),
        finished_at=timezone.now() - PASSES_KEPT_FOR,
        as_of=timezone.now() - PASSES_KEPT_FOR,
    )

    dispatch_pass(now=timezone.now())

    [record] = DispatchPass.objects.all()
    assert record.id != old.id
    assert (record.claimed, record.queued, record.sent) == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_the_next_pass_records_what_the_send_workers_did(person, receiver, celery_worker):
    _phone, old_tablet = subscribe(person, receiver), subscribe(person, receiver)
    receiver.forget(old_tablet)
    due = timezone.now().replace(second=0, microsecond=0)
    stretches(person, due.astimezone(person.time_zone).time(), now=due - timedelta(minutes=1))

    dispatch_pass(now=due)
    wait_until(
        lambda: sorted(Delivery.objects.values_list("status", flat=True)) == ["gone", "sent"],
        timeout=30,
        what="both sends done",
    )
    dispatch_pass(now=timezone.now())

    latest = DispatchPass.objects.first()
    assert (latest.sent, latest.pruned, latest.failed) == (1, 1, 0)
    printed = status()
    assert "Last hour: 1 sent, 0 failed, 1 devices pruned" in printed


@pytest.mark.django_db
def test_status_lists_the_last_passes_and_what_is_due(person):
    stretches(person, time(8, 0))
    assert "no dispatcher pass has finished yet" in status()
    with pytest.raises(CommandError, match="no dispatcher pass has finished yet"):
        call_command("reminders_status", "--check")

    dispatch_pass(now=timezone.now())
    printed = status()

    assert "Dispatcher: passes finish on time" in printed
    # The routine's first reminder (March 2027) is not due yet.
    assert "Due now, not yet taken by a pass: 0" in printed
    assert "Deliveries pending (being sent or waiting for a retry): 0" in printed
    assert printed.count(f"{timezone.now():%Y-%m-%d}") == 1
    call_command("reminders_status", "--check")  # no trouble: no error


@pytest.mark.django_db
def test_status_shows_reminders_a_stopped_dispatcher_left_waiting(person, time_machine):
    stretches(person, time(8, 0))
    time_machine.move_to(DUE + timedelta(minutes=5))
    printed = status()
    assert "Due now, not yet taken by a pass: 1" in printed
    assert "no dispatcher pass has finished yet" in printed
