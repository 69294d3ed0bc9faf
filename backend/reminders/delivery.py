"""Sending an occurrence to each of the person's devices, one Delivery row per device."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from backend.plans.models import Schedule
from backend.reminders.dispatch import nudge_time
from backend.reminders.messages import reminder_payload, topic
from backend.reminders.models import Delivery, DeviceInfo, Occurrence
from backend.reminders.push import Device, DeviceGone, PushError, push_send
from backend.reminders.selectors import device_owner_language, devices_for_reminders

logger = logging.getLogger(__name__)


FOLLOW_UP_FIELDS = {Delivery.Kind.SNOOZE: "snooze_due_at", Delivery.Kind.NUDGE: "nudge_due_at"}


class RetryLater(Exception):
    def __init__(self, countdown: float):
        super().__init__(f"retry in {countdown:.0f}s")
        self.countdown = countdown


def occurrence_send(*, occurrence_id: int, kind: str) -> list[int]:
    """Create one delivery per device and queue them. Returns the new delivery ids.

    A repeated call (a redelivered task) finds the deliveries already there and adds none.
    """
    now = timezone.now()
    with transaction.atomic():
        occurrence = (
            Occurrence.objects.select_for_update(of=("self",))
            .select_related("person", "schedule")
            .filter(id=occurrence_id)
            .first()
        )
        if occurrence is None:
            return []
        if kind == Delivery.Kind.REMINDER and occurrence.status == Occurrence.Status.PENDING:
            occurrence.status = Occurrence.Status.SENT
            occurrence.sent_at = now
            if occurrence.kind == Schedule.Kind.MASSAGE and occurrence.schedule:
                occurrence.nudge_due_at = nudge_time(occurrence, occurrence.person)
            occurrence.save(update_fields=["status", "sent_at", "nudge_due_at"])
        elif occurrence.status != Occurrence.Status.SENT:
            return []  # done, missed or skipped meanwhile
        # A snooze or nudge: the dispatcher's lease on it ends here, with its deliveries made.
        follow_up = FOLLOW_UP_FIELDS.get(kind)
        if follow_up and getattr(occurrence, follow_up) is not None:
            setattr(occurrence, follow_up, None)
            occurrence.save(update_fields=[follow_up])
        created = []
        for subscription in devices_for_reminders(person=occurrence.person):
            delivery, is_new = Delivery.objects.get_or_create(
                occurrence=occurrence,
                subscription=subscription,
                kind=kind,
                defaults={"next_attempt_at": now},
            )
            if is_new:
                created.append(delivery.id)
        transaction.on_commit(lambda: _queue(created))
    return created


def _queue(delivery_ids: list[int]) -> None:
    from backend.reminders.tasks import deliver

    for delivery_id in delivery_ids:
        deliver.delay(delivery_id)


def _expires_at(delivery: Delivery) -> datetime:
    # A reminder is worth delivering for a few hours after it was sent, not forever.
    started = delivery.created_at
    return started + timedelta(seconds=settings.PUSH_TTL_SECONDS)


# Clocks of the workers and the dispatcher may differ a little.
CLOCK_SLACK = timedelta(seconds=5)


def _in_flight() -> timedelta:
    """How long a claimed try may take: the push request's timeouts, with room to spare."""
    return timedelta(seconds=2 * settings.PUSH_TIMEOUT_SECONDS + 30)


def _backoff(tries: int) -> float:
    """The wait after the `tries`-th failed try: doubling, at most 15 minutes."""
    return min(settings.PUSH_RETRY_FIRST_SECONDS * 2 ** (tries - 1), 15 * 60)


def delivery_send(*, delivery_id: int) -> None:
    """Send one delivery. Raises RetryLater when a later try may succeed."""
    delivery = (
        Delivery.objects.select_related(
            "occurrence__person", "occurrence__schedule", "subscription"
        )
        .filter(id=delivery_id)
        .first()
    )
    if delivery is None or delivery.status != Delivery.Status.PENDING:
        return  # already sent, or given up: a redelivered task does nothing
    subscription = delivery.subscription
    if subscription is None:
        Delivery.objects.filter(id=delivery_id).update(
            status=Delivery.Status.GONE, next_attempt_at=None
        )
        return
    now = timezone.now()
    expires = _expires_at(delivery)
    ttl = int((expires - now).total_seconds())
    if ttl <= 0:
        _fail(delivery, "expired before the push service took it")
        return
    # Claim this try: a second copy of the task (queued again by the dispatcher while the
    # first still waited in a long queue) finds the delivery in flight and leaves it alone.
    # Should this worker die mid-send, the claim runs out and the dispatcher queues it again.
    claimed = (
        Delivery.objects.filter(id=delivery_id, status=Delivery.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + CLOCK_SLACK))
        .update(attempts=F("attempts") + 1, next_attempt_at=now + _in_flight())
    )
    if not claimed:
        return  # in flight elsewhere, or a retry is planned for later
    payload = reminder_payload(
        delivery.occurrence,
        delivery.kind,
        language=device_owner_language(subscription=subscription),
    )
    device = Device(
        endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth
    )
    try:
        push_send(
            device=device,
            payload=payload,
            ttl=ttl,
            urgency="high",
            topic=topic(delivery.occurrence),
        )
    except DeviceGone:
        logger.info("delivery %s: device %s gone, removed", delivery_id, subscription.id)
        Delivery.objects.filter(id=delivery_id).update(
            status=Delivery.Status.GONE, next_attempt_at=None
        )
        subscription.delete()
        return
    except PushError as error:
        _device_failed(subscription.id, str(error))
        countdown = (
            error.retry_after if error.retry_after is not None else _backoff(delivery.attempts + 1)
        )
        if error.permanent or now + timedelta(seconds=countdown) >= expires:
            # 400/401/403/413 say our request is wrong: logged, the device is kept.
            logger.warning("delivery %s failed for good: %s", delivery_id, error)
            _fail(delivery, str(error))
            return
        Delivery.objects.filter(id=delivery_id).update(
            last_error=str(error)[:200], next_attempt_at=now + timedelta(seconds=countdown)
        )
        raise RetryLater(countdown) from error
    Delivery.objects.filter(id=delivery_id).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    DeviceInfo.objects.update_or_create(
        subscription_id=subscription.id,
        defaults={"last_success_at": timezone.now(), "consecutive_failures": 0, "last_error": ""},
    )
    logger.info("delivery %s sent to device %s", delivery_id, subscription.id)


def _fail(delivery: Delivery, reason: str) -> None:
    Delivery.objects.filter(id=delivery.id).update(
        status=Delivery.Status.FAILED, last_error=reason[:200], next_attempt_at=None
    )


def _device_failed(subscription_id: int, reason: str) -> None:
    info, _created = DeviceInfo.objects.get_or_create(subscription_id=subscription_id)
    DeviceInfo.objects.filter(id=info.id).update(
        consecutive_failures=F("consecutive_failures") + 1, last_error=reason[:200]
    )
