"""Reminders under faults: nothing lost, nothing shown twice.

Real PostgreSQL, real Redis, real Celery worker processes and the local push receiver. Every
test counts what reached each device per occurrence. Phones are offline while the faults
happen, so the push receiver holds their messages the way a push service does (RFC 8030
section 5.4: a new message with the same Topic replaces one not yet delivered); they come
online at the end and what they show is counted.
"""

import base64
import io
import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from collections import Counter
from datetime import datetime, timedelta

import pytest
import redis
from celery import Celery
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone
from webpush.models import SubscriptionInfo

from backend.config.celery import app as celery_app
from backend.plans.services import stretch_routine_save
from backend.reminders.delivery import deliveries_send
from backend.reminders.dispatch import STALLED_AFTER
from backend.reminders.models import Delivery, Occurrence
from backend.reminders.tasks import dispatch_pass
from tests.conftest import ARTIFACTS, ROOT
from tests.reminders.test_dispatch import CALF
from tests.reminders.test_sending import subscribe
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_until
from tests.support.worker import WorkerProcess
from tests.support.worker import test_database_url as database_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="workers side by side need PostgreSQL, as CI has"
    ),
]

# Retries a second apart, doubling, so a test sees several tries in a few seconds.
FAST_RETRIES = {"PUSH_RETRY_FIRST_SECONDS": "1"}
# Batches of two deliveries sent one request at a time: a fault lands in the middle of a
# batch, and the sends keep the pace these tests are timed for.
BATCH = 2
SMALL_BATCHES = {"PUSH_BATCH_SIZE": str(BATCH), "PUSH_CONCURRENCY": "1"}


class Workers:
    """Worker processes of one test, on a queue of their own, started and killed at will."""

    def __init__(self, broker_url: str | None = None) -> None:
        self.queue = f"tonus-test-faults-{uuid.uuid4().hex[:8]}"
        self.broker_url = broker_url
        self.started: list[WorkerProcess] = []

    def start(self, pool: str = "solo", **env: str) -> WorkerProcess:
        env = FAST_RETRIES | SMALL_BATCHES | env
        if self.broker_url:
            env["CELERY_BROKER_URL"] = self.broker_url
        worker = WorkerProcess(log_dir=ARTIFACTS, queue=self.queue, env=env, pool=pool)
        self.started.append(worker)
        return worker.start(timeout=60)

    def stop(self) -> None:
        for worker in self.started:
            worker.stop()


@pytest.fixture
def workers():
    """Start workers with `workers.start(**env)`; tasks this test queues go to them."""
    pool = Workers()
    unconsumed = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = pool.queue
    yield pool
    pool.stop()
    celery_app.conf.task_default_queue = unconsumed
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.delete(pool.queue)


def minute(instant: datetime) -> datetime:
    return instant.replace(second=0, microsecond=0)


def plan(person, *due: datetime) -> None:
    """Stretches at these instants (the person lives in UTC), planned before the first."""
    stretch_routine_save(
        person=person,
        times=[d.time() for d in due],
        stretches=[CALF],
        now=min(due) - timedelta(minutes=1),
    )


def people_with_phones(
    make_person, receiver, count: int, due: datetime, phones: int = 2, group: str = "person"
):
    """`count` people due at `due`, each with `phones` devices that are offline for now."""
    devices = []
    for index in range(count):
        person = make_person(f"{group}{index}@example.com", time_zone="UTC")
        plan(person, due)
        for _ in range(phones):
            device = subscribe(person, receiver)
            receiver.offline(device)
            devices.append(device)
    return devices


def shown(receiver, devices) -> Counter:
    """Bring every phone online; count what each shows per occurrence."""
    for device in devices:
        receiver.online(device)
    return Counter((m.endpoint, m.json()["occurrence"]) for m in receiver.messages)


def every_device_once(devices) -> dict:
    """What each device should show: every occurrence of its owner, once."""
    owners = dict(
        SubscriptionInfo.objects.filter(endpoint__in=[d.endpoint for d in devices]).values_list(
            "endpoint", "webpush_info__user"
        )
    )
    return {
        (device.endpoint, occurrence_id): 1
        for device in devices
        for occurrence_id in Occurrence.objects.filter(person=owners[device.endpoint]).values_list(
            "id", flat=True
        )
    }


def drained(worker: WorkerProcess, app: Celery = celery_app) -> bool:
    """Nothing waits in the worker's queue and the worker holds no task.

    A solo worker answers control commands only between tasks, so once it has answered and
    the queue is still empty, the task it ran last (and whatever that one queued) is done.
    """
    client = redis.Redis.from_url(app.conf.broker_url)
    if client.llen(worker.queue):
        return False
    inspect = app.control.inspect(destination=[worker.hostname], timeout=5, limit=1)
    held = [inspect.active(), inspect.reserved(), inspect.scheduled()]
    if any(reply is None or reply.get(worker.hostname) for reply in held):
        return False
    return client.llen(worker.queue) == 0


def claims_run_out() -> None:
    """Over ten minutes pass on the real clock for what is in flight: the workers' claims on
    deliveries, and reminders whose fan-out is queued, are now as old as a lost task's."""
    aged = STALLED_AFTER + timedelta(minutes=1)
    Delivery.objects.filter(status="pending").update(next_attempt_at=F("next_attempt_at") - aged)
    Occurrence.objects.filter(status="due").update(created_at=F("created_at") - aged)


def sent() -> int:
    return Delivery.objects.filter(status=Delivery.Status.SENT).count()


def test_a_worker_killed_mid_batch_loses_no_reminder_and_sends_none_twice(
    make_person, receiver, workers
):
    due = minute(timezone.now())
    devices = people_with_phones(make_person, receiver, 30, due)
    # A slow push service, so the kill lands in the middle of the 60 sends.
    receiver.answer_late(0.2)
    first = workers.start()

    assert len(dispatch_pass(now=due).queued) == 30
    wait_until(lambda: len(receiver.accepted) >= 15, timeout=60, what="a quarter sent")
    first.stop(signal.SIGKILL)
    sent_before_the_kill = sent()
    receiver.answer_late(0)

    second = workers.start()
    # The new worker takes what still waited in the queue. The task the killed one held comes
    # back from Redis only after the visibility timeout (an hour): the dispatcher, which beat
    # runs every minute, queues it again once it has stalled for ten minutes.
    wait_until(lambda: drained(second), timeout=60, what="the queue drained")
    assert sent_before_the_kill < sent() < 60  # the batch in flight died with the worker
    claims_run_out()
    dispatch_pass(now=timezone.now() + STALLED_AFTER + timedelta(minutes=1))
    wait_until(lambda: sent() == 60, timeout=60, what="every delivery sent")

    assert shown(receiver, devices) == every_device_once(devices)
    assert len(every_device_once(devices)) == 60
    # The batch in flight when the worker died may have reached the push service before its
    # results were written, and gone again; nothing else did.
    assert len(receiver.accepted) <= 60 + BATCH
    assert set(Occurrence.objects.values_list("status", flat=True)) == {"issued"}


def test_a_worker_stopped_with_sigterm_finishes_its_batches_and_sends_none_twice(
    make_person, receiver, workers
):
    """`docker stop` sends SIGTERM: the worker finishes the batches it holds, hands back what
    it has not started, and stops. Nothing waits for the dispatcher's stalled-send rule."""
    due = minute(timezone.now())
    devices = people_with_phones(make_person, receiver, 30, due)
    receiver.answer_late(0.2)
    # As production runs it: forked processes, each with a batch in hand.
    first = workers.start(pool="prefork")

    assert len(dispatch_pass(now=due).queued) == 30
    wait_until(lambda: len(receiver.accepted) >= 15, timeout=60, what="a quarter sent")
    first.stop(signal.SIGTERM, timeout=60)
    assert first.process.returncode == 0, first.log()[-2000:]
    # Every batch it took is done: no delivery it claimed is left in flight.
    assert not Delivery.objects.filter(status=Delivery.Status.PENDING, attempts__gt=0).exists()
    receiver.answer_late(0)

    second = workers.start()
    wait_until(lambda: sent() == 60, timeout=60, what="every delivery sent")
    wait_until(lambda: drained(second), timeout=60, what="the queue drained")

    assert shown(receiver, devices) == every_device_once(devices)
    assert len(every_device_once(devices)) == 60
    assert len(receiver.accepted) == 60  # not one went twice
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def dispatch_in_another_process(at: datetime, broker: RedisServer, workers: Workers) -> str:
    """`manage.py dispatch_reminders --at`, as beat's pass would run it, on that broker."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "backend.config.settings_test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker.url,
        "CELERY_TASK_DEFAULT_QUEUE": workers.queue,
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "dispatch_reminders", "--at", at.isoformat()],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout


QUEUED_AGAIN = re.compile(r"(\d+) deliveries queued again, (\d+) reminders queued again")


@pytest.mark.parametrize(
    ("persistent", "stop"),
    [(False, signal.SIGKILL), (True, signal.SIGTERM)],
    ids=["restarts-empty", "append-only-file"],
)
def test_reminders_queued_when_redis_restarts_go_out_once_it_is_back(
    make_person, receiver, tmp_path, persistent, stop
):
    """Without persistence a restart loses every queued task: the dispatcher queues again what
    the ledger says is owed. With the append-only file (production) the queue survives."""
    broker = RedisServer(tmp_path / "redis", persistent=persistent).start()
    pool = Workers(broker_url=broker.url)
    # Inspects the worker on that broker; the tasks' own app stays on the usual one.
    control = Celery("faults-control", broker=broker.url, set_as_current=False)
    try:
        due = minute(timezone.now())
        early = people_with_phones(make_person, receiver, 10, due - timedelta(minutes=1))
        late = people_with_phones(make_person, receiver, 5, due, group="later")
        receiver.answer_late(0.5)
        worker = pool.start()

        # Ten people's reminders are being sent, slowly, when five more are queued behind them.
        assert "10 queued" in dispatch_in_another_process(due - timedelta(minutes=1), broker, pool)
        wait_until(lambda: receiver.accepted, timeout=60, what="the first send")
        assert "5 queued" in dispatch_in_another_process(due, broker, pool)
        broker.stop(stop)
        broker.start()
        receiver.answer_late(0)
        wait_until(
            lambda: worker.log().count(f"127.0.0.1:{broker.port}/0") >= 2,
            timeout=60,
            what="the worker reconnecting",
        )
        if persistent:
            wait_until(lambda: sent() == 30, timeout=60, what="every delivery sent")
        else:
            wait_until(lambda: drained(worker, control), timeout=60, what="the queue drained")
            assert Occurrence.objects.filter(status="due").count() == 5  # lost with Redis
            assert sent() < 20

        # Beat's pass once a delivery has stalled for ten minutes.
        claims_run_out()
        later = timezone.now() + STALLED_AFTER + timedelta(minutes=1)
        again = QUEUED_AGAIN.search(dispatch_in_another_process(later, broker, pool))
        deliveries, reminders = int(again[1]), int(again[2])
        wait_until(lambda: sent() == 30, timeout=60, what="every delivery sent")
    finally:
        control.close()
        pool.stop()
        broker.stop(signal.SIGKILL)

    if persistent:
        assert (deliveries, reminders) == (0, 0)  # nothing was lost
    else:
        assert deliveries >= 1 and reminders == 5
    devices = early + late
    assert shown(receiver, devices) == every_device_once(devices)
    assert len(every_device_once(devices)) == 30
    assert len(receiver.accepted) <= 30 + BATCH  # at most the batch in flight went twice


def passes(start: datetime, end: datetime) -> None:
    """Beat's dispatcher pass once a minute, from `start` to `end` inclusive."""
    now = start
    while now <= end:
        dispatch_pass(now=now)
        now += timedelta(minutes=1)


def shown_per_occurrence(receiver, devices) -> dict:
    """Each occurrence's due time and status, and how many notifications it showed."""
    counts = shown(receiver, devices)
    return {
        o.due_at: (o.status, sum(n for (_e, oid), n in counts.items() if oid == o.id))
        for o in Occurrence.objects.all()
    }


@pytest.mark.parametrize(
    "outage",
    [timedelta(minutes=10), timedelta(hours=2, minutes=10)],
    ids=["ten-minutes", "over-two-hours"],
)
def test_after_the_dispatcher_was_down_late_reminders_go_once_and_old_ones_are_missed(
    make_person, receiver, workers, outage
):
    # Beat and the dispatcher stop after the pass at `stopped` and run again at `back`.
    back = minute(timezone.now())
    stopped = back - outage
    person = make_person("owner@example.com", time_zone="UTC")
    before = stopped - timedelta(minutes=3)  # sent on time, before the outage
    just_missed = back - timedelta(hours=2, minutes=1)  # over two hours late when back
    still_worth_it = back - timedelta(hours=1, minutes=59)
    during = [back - timedelta(minutes=8), back - timedelta(minutes=3)]
    after = back + timedelta(minutes=2)
    times = [before, *during, after]
    if outage > timedelta(hours=2):
        times += [just_missed, still_worth_it]
    plan(person, *times)
    phone = subscribe(person, receiver)
    receiver.offline(phone)
    workers.start()

    passes(stopped - timedelta(minutes=5), stopped)
    passes(back, back)  # a restarted beat may run its first pass twice over
    passes(back, after + timedelta(minutes=1))
    wait_until(
        lambda: (
            sent()
            == Occurrence.objects.filter(status="issued").count()
            == len(times) - (just_missed in times)
        ),
        timeout=60,
        what="every reminder worth sending sent",
    )

    expected = {instant: ("issued", 1) for instant in times}
    if just_missed in times:
        expected[just_missed] = ("missed", 0)
    assert shown_per_occurrence(receiver, [phone]) == expected
    assert len(receiver.accepted) == len(times) - (just_missed in times)


def one_reminder(make_person, receiver, *, online: bool = True):
    """A person due now with one phone; returns (phone, due)."""
    due = minute(timezone.now())
    person = make_person("owner@example.com", time_zone="UTC")
    plan(person, due)
    phone = subscribe(person, receiver)
    if not online:
        receiver.offline(phone)
    return phone, due


@pytest.mark.parametrize(
    ("status", "headers", "waits"),
    [
        (500, {}, [1, 2]),  # no Retry-After: backoff, doubling
        (429, {"Retry-After": "3"}, [3, 3]),  # the push service says how long
    ],
)
def test_a_failing_push_service_is_tried_again_later_and_the_reminder_arrives_once(
    make_person, receiver, workers, status, headers, waits
):
    phone, due = one_reminder(make_person, receiver)
    receiver.respond_with(status, times=2, headers=headers)
    workers.start()

    dispatch_pass(now=due)

    wait_until(lambda: sent() == 1, timeout=60, what="the delivery sent")
    answers = receiver.answers
    assert [answer for _at, answer in answers] == [status, status, 201]
    times = [at for at, _answer in answers]
    gaps = [times[1] - times[0], times[2] - times[1]]
    # Each try waited at least as long as asked: the backoff, or the Retry-After.
    assert gaps[0] >= waits[0] and gaps[1] >= waits[1], gaps
    assert len(receiver.messages_for(phone)) == 1
    assert Delivery.objects.get().attempts == 3


@pytest.mark.parametrize("online", [False, True], ids=["phone-offline", "phone-online"])
def test_a_send_that_timed_out_after_the_push_service_took_it_shows_once(
    make_person, receiver, workers, online
):
    phone, due = one_reminder(make_person, receiver, online=online)
    # The push service takes the message but answers after the sender's timeout.
    receiver.answer_late(6, times=1)
    workers.start(PUSH_TIMEOUT_SECONDS="3")

    dispatch_pass(now=due)

    wait_until(lambda: sent() == 1, timeout=60, what="the delivery sent")
    first, retry = receiver.accepted_for(phone)  # the app could not know the first was taken
    occurrence = Occurrence.objects.get()
    assert first.topic == retry.topic == f"s{occurrence.schedule_id}"
    assert Delivery.objects.get().attempts == 2
    receiver.online(phone)
    received = receiver.messages_for(phone)
    if online:
        # Both reached the phone; the service worker shows them under one tag, so the
        # second replaces the first on screen.
        assert len(received) == 2
    else:
        # Still waiting at the push service: the retry replaced the first (same Topic).
        assert len(received) == 1
    assert {m.json()["tag"] for m in received} == {f"occurrence-{occurrence.id}"}


def test_two_copies_of_one_delivery_task_at_once_send_it_once(make_person, receiver):
    phone, due = one_reminder(make_person, receiver)
    [occurrence_id] = dispatch_pass(now=due).queued
    # What the worker does with the occurrence; its delivery task goes to a queue nobody reads.
    from backend.reminders.tasks import send_occurrences

    [delivery_id] = send_occurrences([occurrence_id], "reminder")
    receiver.answer_late(1)
    start = threading.Barrier(2)

    def copy():
        start.wait()
        try:
            deliveries_send(delivery_ids=[delivery_id])
        finally:
            connection.close()

    copies = [threading.Thread(target=copy) for _ in range(2)]
    for thread in copies:
        thread.start()
    for thread in copies:
        thread.join(timeout=60)

    assert len(receiver.accepted_for(phone)) == 1
    assert Delivery.objects.get().status == "sent"


# 65 bytes of base64url, the shape of a P-256 public key, but no point on the curve.
NOT_A_POINT = base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).rstrip(b"=").decode()


def test_a_poisoned_device_in_a_batch_of_200_holds_up_and_doubles_no_one_elses_reminder(
    make_person, receiver, workers, client
):
    due = minute(timezone.now())
    devices = people_with_phones(make_person, receiver, 100, due)
    # One phone's key, saved before keys were checked at subscribing, cannot encrypt a message.
    poisoned = devices.pop()
    SubscriptionInfo.objects.filter(endpoint=poisoned.endpoint).update(p256dh=NOT_A_POINT)
    # The whole minute in one batch, many requests in flight, as production sends it.
    worker = workers.start(PUSH_BATCH_SIZE="200", PUSH_CONCURRENCY="64")

    assert len(dispatch_pass(now=due).queued) == 100
    wait_until(lambda: sent() == 199, timeout=60, what="every other delivery sent")
    wait_until(lambda: drained(worker), timeout=60, what="the queue drained")
    # Beat's pass once a claim would have run out finds nothing left in flight to send again.
    claims_run_out()
    later = dispatch_pass(now=timezone.now() + STALLED_AFTER + timedelta(minutes=1))
    assert (later.requeued, later.resent) == ([], [])
    wait_until(lambda: drained(worker), timeout=60, what="the queue drained")

    assert shown(receiver, devices) == every_device_once(devices)
    assert len(every_device_once(devices)) == 199
    assert len(receiver.accepted) == 199
    assert Delivery.objects.get(status="failed").subscription.endpoint == poisoned.endpoint
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
    # Its owner sees on the devices page that this phone gets no reminders, and only this one.
    client.force_login(Occurrence.objects.get(deliveries__status="failed").person)
    page = client.get("/devices/")
    failing = [d for d in page.context["devices"] if d.tonus_device.failing]
    assert [d.endpoint for d in failing] == [poisoned.endpoint]
    assert page.content.decode().count("Reminders are not reaching this device") == 1


def as_if(at: datetime) -> None:
    """An operator's `manage.py dispatch_reminders --at`."""
    try:
        call_command("dispatch_reminders", "--at", at.isoformat(), stdout=io.StringIO())
    finally:
        connection.close()


def test_passes_run_as_if_later_beside_a_worker_mid_batch_send_nothing_twice(
    make_person, receiver, workers
):
    due = minute(timezone.now())
    devices = people_with_phones(make_person, receiver, 30, due, phones=4)
    receiver.answer_late(0.2)
    # The minute's 120 deliveries in one batch, a few requests at a time: the batch is still
    # in flight when the passes run, and a second worker is free to take what they queue.
    slow = {"PUSH_BATCH_SIZE": "200", "PUSH_CONCURRENCY": "4"}
    first, second = workers.start(**slow), workers.start(**slow)

    assert len(dispatch_pass(now=due).queued) == 30
    wait_until(lambda: len(receiver.accepted) >= 8, timeout=60, what="the batch under way")
    # Two passes an hour ahead of the real clock, at once.
    ahead = timezone.now() + timedelta(hours=1)
    passes = [threading.Thread(target=as_if, args=(ahead + timedelta(minutes=n),)) for n in (0, 1)]
    for thread in passes:
        thread.start()
    for thread in passes:
        thread.join(timeout=60)
    wait_until(lambda: sent() == 120, timeout=90, what="every delivery sent")
    wait_until(lambda: drained(first) and drained(second), timeout=60, what="the queue drained")

    assert shown(receiver, devices) == every_device_once(devices)
    assert len(every_device_once(devices)) == 120
    assert len(receiver.accepted) == 120
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_a_pass_run_as_if_later_does_not_cut_a_retry_wait_short(make_person, receiver, workers):
    phone, due = one_reminder(make_person, receiver)
    receiver.respond_with(500, times=1)
    workers.start(PUSH_RETRY_FIRST_SECONDS="5")

    dispatch_pass(now=due)
    wait_until(lambda: receiver.answers, timeout=60, what="the first try")
    as_if(timezone.now() + timedelta(hours=1))
    wait_until(lambda: sent() == 1, timeout=60, what="the delivery sent")

    [(tried, failed), (retried, taken)] = receiver.answers
    assert (failed, taken) == (500, 201)
    assert retried - tried >= 5
    assert len(receiver.messages_for(phone)) == 1
