"""The dispatcher's passes have a queue and a worker of their own: a minute whose sending runs
long never holds up the next minute's pass.

Real beat, a dispatcher worker and a send worker, as production runs them, on queues of this
test's own; the push receiver answers the backlog slowly.
"""

import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from webpush.models import SubscriptionInfo

from backend.config.celery import app as celery_app
from backend.plans.models import Schedule
from backend.reminders.models import Delivery, DispatchPass, Occurrence
from backend.reminders.tasks import deliveries_queue
from tests.conftest import ARTIFACTS, ROOT
from tests.reminders.test_faults import every_device_once, people_with_phones
from tests.reminders.test_sending import subscribe
from tests.support.waiting import wait_until
from tests.support.worker import WorkerProcess
from tests.support.worker import test_database_url as database_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="workers side by side need PostgreSQL, as CI has"
    ),
]

BACKLOG_PEOPLE, BACKLOG_PHONES = 40, 5
# The backlog's 200 messages go 5 at a time and are each answered a second late: the send
# worker is busy for about 40 s, from shortly before the minute to well into it.
SLOW_ANSWER, SENDS_AT_ONCE = 1.0, 5


class Beat:
    def __init__(self, tmp_path, env: dict[str, str]) -> None:
        self.log_path = ARTIFACTS / f"beat-{uuid.uuid4().hex[:8]}.log"
        self.env = (
            os.environ
            | {
                "DJANGO_SETTINGS_MODULE": "backend.config.settings_test",
                "DATABASE_URL": database_url(),
            }
            | env
        )
        self.schedule = tmp_path / "celerybeat-schedule"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Beat":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "backend.config", "beat",
             "--schedule", str(self.schedule), "--loglevel=INFO"],
            cwd=ROOT, env=self.env, stdout=self.log_path.open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(20)


def backlog(make_person, receiver) -> list[int]:
    """Deliveries owed from an earlier minute, not yet sent: 40 people with 5 phones each."""
    deliveries = []
    for index in range(BACKLOG_PEOPLE):
        person = make_person(f"earlier{index}@example.com", time_zone="UTC")
        occurrence = Occurrence.objects.create(
            person=person,
            kind=Schedule.Kind.STRETCH,
            local_date=timezone.now().date(),
            due_at=timezone.now(),
            status=Occurrence.Status.ISSUED,
            issued_at=timezone.now(),
        )
        for _ in range(BACKLOG_PHONES):
            device = subscribe(person, receiver)
            subscription = SubscriptionInfo.objects.get(endpoint=device.endpoint)
            deliveries.append(Delivery(occurrence=occurrence, subscription=subscription))
    return [d.id for d in Delivery.objects.bulk_create(deliveries)]


def test_a_long_send_backlog_neither_delays_nor_drops_the_next_minutes_pass(
    make_person, receiver, tmp_path
):
    send_queue = f"tonus-test-send-{uuid.uuid4().hex[:8]}"
    dispatch_queue = f"tonus-test-dispatch-{uuid.uuid4().hex[:8]}"
    queues = {"CELERY_TASK_DEFAULT_QUEUE": send_queue, "CELERY_DISPATCH_QUEUE": dispatch_queue}
    unconsumed = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = send_queue
    sender = WorkerProcess(
        log_dir=ARTIFACTS, queue=send_queue, env=queues | {"PUSH_CONCURRENCY": str(SENDS_AT_ONCE)}
    )
    dispatcher = WorkerProcess(log_dir=ARTIFACTS, queue=dispatch_queue, env=queues)
    try:
        sender.start(timeout=60)
        dispatcher.start(timeout=60)
        # The minute this test watches: far enough ahead to set everything up first.
        due = (timezone.now() + timedelta(seconds=40)).replace(second=0, microsecond=0)
        due += timedelta(minutes=1)
        on_time = people_with_phones(make_person, receiver, 10, due, group="due")
        for device in on_time:
            receiver.online(device)
        owed = backlog(make_person, receiver)

        with Beat(tmp_path, queues):
            # Ten seconds before the minute, the backlog starts: about 40 s of sending.
            time.sleep(max(0.0, (due - timezone.now()).total_seconds() - 10))
            receiver.answer_late(SLOW_ANSWER, times=len(owed))
            deliveries_queue(owed)
            wait_until(
                lambda: len(receiver.messages) >= len(owed) + len(on_time),
                timeout=150,
                what="the backlog and the minute's reminders delivered",
            )
    finally:
        sender.stop()
        dispatcher.stop()
        celery_app.conf.task_default_queue = unconsumed
        with celery_app.connection_for_write() as conn:
            conn.default_channel.client.delete(send_queue, dispatch_queue)

    # Beat's pass for that minute ran at once, though the sends were still busy...
    the_pass = DispatchPass.objects.get(as_of__gte=due, as_of__lt=due + timedelta(minutes=1))
    assert (the_pass.started_at - due).total_seconds() < 5, the_pass.started_at
    assert the_pass.claimed == 10
    due_phones = {device.endpoint for device in on_time}
    still_sending = [
        m
        for m in receiver.messages
        if m.endpoint not in due_phones and m.received_at > the_pass.finished_at.timestamp()
    ]
    assert still_sending  # the backlog outlasted the pass
    # ...and its reminders came within the minute, behind the backlog, each once.
    arrived = [m for m in receiver.messages if m.endpoint in due_phones]
    assert max(m.received_at for m in arrived) - due.timestamp() < 60
    assert Counter((m.endpoint, m.json()["occurrence"]) for m in arrived) == every_device_once(
        on_time
    )
    assert len(receiver.messages) == len(owed) + len(on_time)
