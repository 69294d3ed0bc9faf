from celery import shared_task

from backend.reminders.push import PushError
from backend.reminders.services import device_push

MAX_RETRIES = 5


@shared_task(bind=True, max_retries=MAX_RETRIES)
def deliver_push(self, subscription_id: int, payload: dict) -> None:
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
