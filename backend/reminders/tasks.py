"""Thin Celery tasks, each taking ids and calling a service, and the functions that queue
them. The modules below hand work to the workers only through the functions given to them
here, so that none of them imports this one."""

from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.reminders.delivery import deliveries_send, occurrences_send
from backend.reminders.dispatch import PassResult, Queues, dispatch_due
from backend.reminders.models import Delivery
from backend.reminders.notices import (
    notice_devices,
    notice_not_before,
    notice_payload,
    seconds_until,
)
from backend.reminders.push import PushError
from backend.reminders.selectors import devices_for_person
from backend.reminders.services import device_push, reminder_test_payload
from backend.shared.batches import chunks

MAX_RETRIES = 5
# Some hundreds a task: a busy minute's fan-out still spreads over every worker, and queueing
# it costs little.
FAN_OUT_BATCH = 200
# A notice waiting out quiet hours waits in hops shorter than the broker's visibility timeout,
# so Redis never hands the waiting task to a second worker.
NOTICE_HOP_SECONDS = 45 * 60


def deliveries_queue(delivery_ids: list[int], countdown: float | None = None) -> None:
    for batch in chunks(delivery_ids, settings.PUSH_BATCH_SIZE):
        deliver.apply_async((batch,), countdown=countdown)


def occurrences_queue(occurrence_ids: list[int], kind: str) -> None:
    for batch in chunks(occurrence_ids, FAN_OUT_BATCH):
        send_occurrences.delay(batch, kind)


def remind_again_queue(occurrence_ids: list[int]) -> None:
    """Send "Remind again" now rather than at the next pass; should this task be lost, the
    pass claims it from the ledger."""
    occurrences_queue(occurrence_ids, Delivery.Kind.AGAIN)


QUEUES = Queues(occurrences=occurrences_queue, deliveries=deliveries_queue)


def dispatch_pass(*, now) -> PassResult:
    """One dispatcher pass, as beat runs it and as `manage.py dispatch_reminders` does."""
    return dispatch_due(now=now, queues=QUEUES)


def reminder_test_queue(*, user: User) -> int:
    """Queue the test reminder to each of the person's devices. Returns how many."""
    payload = reminder_test_payload()
    device_ids = list(devices_for_person(user=user).values_list("id", flat=True))
    for device_id in device_ids:
        reminder_test_send.delay_on_commit(device_id, payload)
    return len(device_ids)


@shared_task
def dispatch_due_reminders() -> None:
    dispatch_pass(now=timezone.now())


@shared_task
def send_occurrences(occurrence_ids: list[int], kind: str) -> list[int]:
    """Makes the deliveries of these occurrences and queues them; returns their ids."""
    return occurrences_send(occurrence_ids=occurrence_ids, kind=kind, queue=deliveries_queue)


@shared_task
def deliver(delivery_ids: list[int]) -> None:
    # Tries again are bounded by the reminder's time to live, which deliveries_send checks.
    for countdown, ids in deliveries_send(delivery_ids=delivery_ids).items():
        deliveries_queue(ids, countdown=countdown)


def _retry_or_raise(task, exc: PushError) -> None:
    """Only a failure that another try can mend is retried; a rejected message never loops."""
    if exc.permanent:
        raise exc
    countdown = exc.retry_after if exc.retry_after is not None else 2 ** (task.request.retries + 1)
    raise task.retry(exc=exc, countdown=countdown) from exc


@shared_task(bind=True, max_retries=MAX_RETRIES)
def reminder_test_send(self, subscription_id: int, payload: dict) -> None:
    """The test reminder: one message to one device, outside the reminder ledger."""
    try:
        device_push(subscription_id=subscription_id, payload=payload)
    except PushError as exc:
        _retry_or_raise(self, exc)


def notice_queue(
    *, recipient: User, kind: str, discreet: bool = False, tag: str = "", now=None
) -> int:
    """Queue a one-off notice to each of the recipient's devices, once the current transaction
    commits, to leave when their quiet hours allow. Returns how many devices."""
    payload = notice_payload(kind=kind, recipient=recipient, discreet=discreet, tag=tag)
    not_before = notice_not_before(recipient=recipient, now=now or timezone.now()).isoformat()
    device_ids = notice_devices(recipient=recipient)
    for device_id in device_ids:
        transaction.on_commit(
            lambda device_id=device_id: notice_send.delay(device_id, payload, not_before)
        )
    return len(device_ids)


@shared_task(bind=True, max_retries=MAX_RETRIES)
def notice_send(self, subscription_id: int, payload: dict, not_before: str) -> None:
    wait = seconds_until(datetime.fromisoformat(not_before))
    if wait > 0:
        notice_send.apply_async(
            (subscription_id, payload, not_before), countdown=min(wait, NOTICE_HOP_SECONDS)
        )
        return
    try:
        device_push(subscription_id=subscription_id, payload=payload)
    except PushError as exc:
        _retry_or_raise(self, exc)
