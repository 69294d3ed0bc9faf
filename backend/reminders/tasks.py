"""Thin Celery tasks: each takes ids and calls a service."""

from celery import shared_task
from django.utils import timezone

from backend.reminders.delivery import RetryLater, delivery_send, occurrence_send
from backend.reminders.dispatch import dispatch_due
from backend.reminders.push import PushError
from backend.reminders.services import device_push

MAX_RETRIES = 5


@shared_task
def dispatch_due_reminders() -> None:
    dispatch_due(now=timezone.now())


@shared_task
def send_occurrence(occurrence_id: int, kind: str) -> None:
    occurrence_send(occurrence_id=occurrence_id, kind=kind)


@shared_task(bind=True, max_retries=None)
def deliver(self, delivery_id: int) -> None:
    # Retries are bounded by the reminder's time to live, which delivery_send checks.
    try:
        delivery_send(delivery_id=delivery_id)
    except RetryLater as later:
        raise self.retry(countdown=later.countdown) from later


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
