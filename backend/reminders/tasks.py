"""Thin Celery tasks: each takes ids and calls a service."""

from celery import shared_task
from django.utils import timezone

from backend.reminders.delivery import deliveries_queue, deliveries_send, occurrences_send
from backend.reminders.dispatch import dispatch_due
from backend.reminders.push import PushError
from backend.reminders.services import device_push

MAX_RETRIES = 5


@shared_task
def dispatch_due_reminders() -> None:
    dispatch_due(now=timezone.now())


@shared_task
def send_occurrences(occurrence_ids: list[int], kind: str) -> None:
    occurrences_send(occurrence_ids=occurrence_ids, kind=kind)


@shared_task
def deliver(delivery_ids: list[int]) -> None:
    # Tries again are bounded by the reminder's time to live, which deliveries_send checks.
    for countdown, ids in deliveries_send(delivery_ids=delivery_ids).items():
        deliveries_queue(ids, countdown=countdown)


@shared_task(bind=True, max_retries=MAX_RETRIES)
def deliver_push(self, subscription_id: int, payload: dict) -> None:
    """The test reminder: one message to one device, outside the reminder ledger."""
    try:
        device_push(subscription_id=subscription_id, payload=payload)
    except PushError as exc:
        # Only a failure that another try can mend is retried; a rejected message never loops.
        if exc.permanent:
            raise
        countdown = (
            exc.retry_after if exc.retry_after is not None else 2 ** (self.request.retries + 1)
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
