"""Thin Celery tasks of check-ins."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.checkins.imports import checkin_import_fail, checkin_import_run
from backend.checkins.services import stalled_alerts_raise


@shared_task
def raise_stalled_alerts() -> int:
    return len(stalled_alerts_raise(now=timezone.now()))


@shared_task
def checkin_import(import_id: int) -> None:
    try:
        checkin_import_run(import_id=import_id)
    except Exception:
        checkin_import_fail(import_id=import_id)
        raise


def checkin_import_queue(import_id: int) -> None:
    """Once the import's record is committed, on the queue of long jobs: a large file never
    waits in front of anyone's reminder."""
    transaction.on_commit(
        lambda: checkin_import.apply_async((import_id,), queue=settings.CELERY_BULK_QUEUE)
    )
