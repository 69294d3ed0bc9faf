"""Thin Celery tasks of check-ins."""

from celery import shared_task
from django.utils import timezone

from backend.checkins.services import stalled_alerts_raise


@shared_task
def raise_stalled_alerts() -> int:
    return len(stalled_alerts_raise(now=timezone.now()))
