"""Devices (browser push subscriptions, kept in django-webpush's tables) and push delivery."""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from webpush.models import PushInformation, SubscriptionInfo

from backend.accounts.models import User
from backend.reminders.follow_ups import SNOOZE
from backend.reminders.models import Delivery, DeviceInfo, Occurrence
from backend.reminders.push import Device, DeviceGone, push_send
from backend.reminders.selectors import device_name_from_agent, devices_for_person

logger = logging.getLogger(__name__)


@transaction.atomic
def device_subscribe(
    *, user: User, endpoint: str, p256dh: str, auth: str, browser: str = "", user_agent: str = ""
) -> SubscriptionInfo:
    mine = devices_for_person(user=user).filter(endpoint=endpoint).first()
    if mine is not None:
        # The same browser saying so again (each visit re-saves it): keep the row, its name and
        # its history; the keys may have been renewed.
        SubscriptionInfo.objects.filter(id=mine.id).update(p256dh=p256dh, auth=auth)
        mine.refresh_from_db()
        return mine
    # A browser holds one subscription per site. Whoever turned reminders on last in that
    # browser owns it, so a shared phone never shows the previous person's reminders.
    SubscriptionInfo.objects.filter(endpoint=endpoint).delete()
    subscription = SubscriptionInfo.objects.create(
        endpoint=endpoint,
        p256dh=p256dh,
        auth=auth,
        browser=browser[:100],
        user_agent=user_agent[:500],
    )
    PushInformation.objects.create(user=user, subscription=subscription)
    DeviceInfo.objects.create(
        subscription=subscription, name=device_name_from_agent(user_agent=user_agent)
    )
    logger.info("device %s subscribed for user %s", subscription.id, user.id)
    return subscription


def device_unsubscribe(*, user: User, endpoint: str) -> bool:
    deleted, _rows = devices_for_person(user=user).filter(endpoint=endpoint).delete()
    return deleted > 0


def device_remove(*, user: User, device_id: int) -> bool:
    deleted, _rows = devices_for_person(user=user).filter(id=device_id).delete()
    return deleted > 0


def device_rename(*, subscription: SubscriptionInfo, name: str) -> DeviceInfo:
    info, _created = DeviceInfo.objects.update_or_create(
        subscription=subscription, defaults={"name": name}
    )
    return info


def device_push(*, subscription_id: int, payload: dict) -> None:
    """Send one message to one device, outside the reminder ledger (the test reminder, a
    notice); forget the device if its push service says it is gone.

    Raises PushError for the caller (a Celery task) to decide on retrying.
    """
    subscription = SubscriptionInfo.objects.filter(id=subscription_id).first()
    if subscription is None:
        logger.info("device %s no longer exists, nothing sent", subscription_id)
        return
    device = Device(
        endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth
    )
    try:
        push_send(device=device, payload=payload, ttl=settings.PUSH_TTL_SECONDS)
    except DeviceGone:
        subscription.delete()
        logger.info("device %s is gone at its push service, removed", subscription_id)
        return
    logger.info("push %s sent to device %s", payload.get("tag"), subscription_id)


def reminder_test_payload() -> dict:
    return {
        "title": _("Tonus test reminder"),
        "body": _("Reminders work on this device."),
        "url": "/",
        "tag": "tonus-test",
    }


def occurrence_done(
    *, occurrence: Occurrence, now: datetime | None = None, done_by: User | None = None
) -> Occurrence:
    """Mark an occurrence done, noting `done_by` when someone other than the person did it;
    pending snoozes, nudges and the telling of support people are dropped."""
    Occurrence.objects.filter(id=occurrence.id).update(
        status=Occurrence.Status.DONE,
        done_at=now or timezone.now(),
        done_by=done_by if done_by is not None and done_by.id != occurrence.person_id else None,
        snooze_due_at=None,
        nudge_due_at=None,
        escalate_due_at=None,
        again_due_at=None,
    )
    occurrence.refresh_from_db()
    return occurrence


def occurrence_snooze(*, occurrence: Occurrence, now: datetime | None = None) -> bool:
    """Send the reminder again, once, in 15 minutes. False if it cannot be snoozed."""
    if occurrence.status != Occurrence.Status.ISSUED:
        return False
    already = Delivery.objects.filter(occurrence=occurrence, kind=Delivery.Kind.SNOOZE).exists()
    if already or occurrence.snooze_due_at is not None:
        return False
    changed = Occurrence.objects.filter(
        id=occurrence.id, status=Occurrence.Status.ISSUED, snooze_due_at__isnull=True
    ).update(snooze_due_at=(now or timezone.now()) + SNOOZE)
    return changed == 1


def occurrence_remind_again(*, occurrence: Occurrence, now: datetime | None = None) -> bool:
    """A support person's "Remind again": the reminder once more, to the devices that had it.
    Once per occurrence: False when it was asked for already, or the reminder is no longer
    open."""
    if Delivery.objects.filter(occurrence=occurrence, kind=Delivery.Kind.AGAIN).exists():
        return False
    changed = Occurrence.objects.filter(
        id=occurrence.id, status=Occurrence.Status.ISSUED, again_due_at__isnull=True
    ).update(again_due_at=now or timezone.now())
    return changed == 1


def occurrence_done_together(
    *, occurrence: Occurrence, support_person: User, now: datetime | None = None
) -> Occurrence:
    """A support person's "Done together": done, noting who. Already done stays as it was."""
    if occurrence.status == Occurrence.Status.DONE:
        return occurrence
    return occurrence_done(occurrence=occurrence, now=now, done_by=support_person)
