"""Sending occurrences to each of the person's devices, one Delivery row per device.

Work goes in batches: a pass's occurrences fan out together, and a worker sends a batch of
deliveries with many requests in flight, writing their results at most FLUSH_EVERY (100) rows at a time.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from webpush.models import SubscriptionInfo

from backend.care.selectors import support_people_of
from backend.plans.models import Schedule
from backend.plans.occurrences import escalation_at
from backend.plans.selectors import quiet_hours_of
from backend.reminders.follow_ups import nudge_time
from backend.reminders.messages import escalation_payload, reminder_payload, topic
from backend.reminders.models import Delivery, DeviceInfo, Occurrence
from backend.reminders.push import (
    Device,
    DeviceGone,
    DeviceUnusable,
    Message,
    PushError,
    push_send_many,
)
from backend.reminders.selectors import (
    device_owners,
    reminded_devices,
    reminder_devices,
    support_devices,
)
from backend.reminders.tallies import FAILED, PRUNED, SENT, tally_add
from backend.shared.batches import update_grouped

logger = logging.getLogger(__name__)


FOLLOW_UP_FIELDS = {
    Delivery.Kind.SNOOZE: "snooze_due_at",
    Delivery.Kind.NUDGE: "nudge_due_at",
    Delivery.Kind.ESCALATION: "escalate_due_at",
    Delivery.Kind.AGAIN: "again_due_at",
}
# Results are written this often while the rest of a batch is still in flight, so a worker
# killed mid-batch leaves little sent-but-unrecorded behind.
FLUSH_EVERY = 100
FLUSH_SECONDS = 0.2


def occurrences_send(
    *,
    occurrence_ids: list[int],
    kind: str,
    queue: Callable[[list[int]], None],
    now: datetime | None = None,
) -> list[int]:
    """Create one delivery per device of each occurrence and queue them with `queue` once
    committed. Returns the new ids.

    A repeated call (a redelivered task) finds the deliveries already there and adds none.
    """
    now = now or timezone.now()
    with transaction.atomic():
        occurrences = list(
            Occurrence.objects.select_for_update(of=("self",))
            .select_related("person", "schedule")
            .filter(id__in=occurrence_ids)
            .order_by("id")
        )
        live = _start_sending(occurrences, kind, now)
        existing = set(
            Delivery.objects.filter(occurrence__in=live, kind=kind).values_list(
                "occurrence_id", "subscription_id"
            )
        )
        if kind == Delivery.Kind.ESCALATION:
            devices = _escalation_devices(live, existing, now)
        elif kind == Delivery.Kind.AGAIN:
            devices = reminded_devices(occurrence_ids=[o.id for o in live])
        else:
            by_person = reminder_devices(person_ids={o.person_id for o in live})
            devices = {o.id: by_person.get(o.person_id, []) for o in live}
        created = Delivery.objects.bulk_create(
            Delivery(occurrence=o, subscription_id=device_id, kind=kind, next_attempt_at=now)
            for o in live
            for device_id in devices.get(o.id, [])
            if (o.id, device_id) not in existing
        )
        created_ids = [delivery.id for delivery in created]
        transaction.on_commit(lambda: queue(created_ids))
    return created_ids


def _start_sending(occurrences: list[Occurrence], kind: str, now: datetime) -> list[Occurrence]:
    """Mark the occurrences sent (or end the follow-up's lease) with one write for all; returns
    those still owed a message."""
    live = []
    for occurrence in occurrences:
        if kind == Delivery.Kind.REMINDER and occurrence.status == Occurrence.Status.DUE:
            occurrence.status = Occurrence.Status.ISSUED
            occurrence.issued_at = now
            if occurrence.kind == Schedule.Kind.MASSAGE and occurrence.schedule:
                occurrence.nudge_due_at = nudge_time(
                    occurrence=occurrence, person=occurrence.person
                )
            if occurrence.person.escalate_after:
                # The earliest a support person may hear of it; each one's own quiet hours
                # are weighed when it comes.
                occurrence.escalate_due_at = occurrence.due_at + timedelta(
                    minutes=occurrence.person.escalate_after
                )
        elif occurrence.status != Occurrence.Status.ISSUED:
            continue  # done, missed or skipped meanwhile
        # A snooze or nudge: the dispatcher's lease on it ends here, with its deliveries made.
        if kind in FOLLOW_UP_FIELDS:
            setattr(occurrence, FOLLOW_UP_FIELDS[kind], None)
        live.append(occurrence)
    fields = ["status", "issued_at", "nudge_due_at", "escalate_due_at"]
    if kind in FOLLOW_UP_FIELDS:
        fields = [FOLLOW_UP_FIELDS[kind]]
    update_grouped(Occurrence, live, fields)
    return live


def _escalation_devices(
    occurrences: list[Occurrence], existing: set[tuple[int, int]], now: datetime
) -> dict[int, list[int]]:
    """The devices of each occurrence's support people whose time to hear of it has come,
    one message per person: someone already told is not told again. An occurrence with
    people still in their quiet hours is claimed again when the next of them wakes."""
    devices: dict[int, list[int]] = {}
    later = []
    for occurrence in occurrences:
        person = occurrence.person
        if not person.escalate_after:
            continue  # turned off since the reminder went out
        # Everyone who looks after the person, the one whose phone had the reminder too:
        # for a child, any of them may be the one at home.
        people = [
            p for p in support_people_of(person=person) if p.id != person.id and not p.is_dependent
        ]
        owned = support_devices(user_ids=[p.id for p in people])
        told = {device for o_id, device in existing if o_id == occurrence.id}
        wanted, next_at = [], None
        for support in people:
            own = owned.get(support.id, [])
            if told.intersection(own):
                continue
            at = escalation_at(
                occurrence.due_at,
                after_minutes=person.escalate_after,
                quiet=quiet_hours_of(person=support),
                zone=support.time_zone,
            )
            if at <= now + CLOCK_SLACK:
                wanted.extend(own)
            else:
                next_at = at if next_at is None else min(next_at, at)
        devices[occurrence.id] = wanted
        if next_at is not None:
            occurrence.escalate_due_at = next_at
            later.append(occurrence)
    update_grouped(Occurrence, later, ["escalate_due_at"])
    return devices


def _expires_at(delivery: Delivery) -> datetime:
    # A reminder is worth delivering for a few hours after it was sent, not forever.
    return delivery.created_at + timedelta(seconds=settings.PUSH_TTL_SECONDS)


# Clocks of the workers and the dispatcher may differ a little.
CLOCK_SLACK = timedelta(seconds=5)


def _in_flight(count: int) -> timedelta:
    """How long a claimed batch may take: its requests' timeouts, with room to spare."""
    rounds = -(-count // settings.PUSH_CONCURRENCY)  # requests wait for a free slot
    return timedelta(seconds=(rounds + 1) * settings.PUSH_TIMEOUT_SECONDS + 30)


def _backoff(tries: int) -> float:
    """The wait after the `tries`-th failed try: doubling, at most 15 minutes."""
    return min(settings.PUSH_RETRY_FIRST_SECONDS * 2 ** (tries - 1), 15 * 60)


@dataclass
class _Results:
    """Outcomes waiting to be written: every FLUSH_EVERY (100) or FLUSH_SECONDS, whichever first."""

    sent: list[Delivery]
    gone: list[Delivery]
    written_at: float

    def due(self) -> bool:
        waiting = len(self.sent) + len(self.gone)
        return waiting >= FLUSH_EVERY or (
            waiting > 0 and time.monotonic() - self.written_at >= FLUSH_SECONDS
        )

    def write(self) -> None:
        now = timezone.now()
        if self.sent:
            Delivery.objects.filter(id__in=[d.id for d in self.sent]).update(
                status=Delivery.Status.SENT, sent_at=now, next_attempt_at=None, last_error=""
            )
            # Every device has its row from when it subscribed (failures make one otherwise).
            DeviceInfo.objects.filter(
                subscription_id__in={d.subscription_id for d in self.sent}
            ).update(last_success_at=now, consecutive_failures=0, last_error="")
            logger.info("%d deliveries sent", len(self.sent))
            tally_add(outcome=SENT, count=len(self.sent))
        if self.gone:
            Delivery.objects.filter(id__in=[d.id for d in self.gone]).update(
                status=Delivery.Status.GONE, next_attempt_at=None
            )
            gone = {d.subscription_id for d in self.gone}
            SubscriptionInfo.objects.filter(id__in=gone).delete()
            logger.info("devices %s gone, removed", sorted(gone))
            tally_add(outcome=PRUNED, count=len(gone))
        self.sent, self.gone, self.written_at = [], [], time.monotonic()


def _claim(delivery_ids: list[int], now: datetime) -> list[Delivery]:
    """Claim the deliveries of this batch still owed. A second copy of the task (queued again
    by the dispatcher while the first still waited in a long queue) finds them in flight and
    leaves them alone; should this worker die mid-send, the claim runs out and the dispatcher
    queues them again."""
    with transaction.atomic():
        deliveries = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(id__in=delivery_ids, status=Delivery.Status.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + CLOCK_SLACK))
            .select_related(
                "occurrence__person",
                "occurrence__schedule__massage_plan",
                "occurrence__schedule__stretch_routine",
                "subscription",
            )
            # The stretch names go into the message: one query for the batch, not one each.
            .prefetch_related("occurrence__schedule__stretch_routine__stretches")
            .order_by("id")
        )
        orphans = [d.id for d in deliveries if d.subscription is None]
        Delivery.objects.filter(id__in=orphans).update(
            status=Delivery.Status.GONE, next_attempt_at=None
        )
        expired = [d for d in deliveries if d.subscription and _expires_at(d) <= now]
        for delivery in expired:
            _fail(delivery, "expired before the push service took it")
        claimed = [d for d in deliveries if d.subscription and _expires_at(d) > now]
        Delivery.objects.filter(id__in=[d.id for d in claimed]).update(
            attempts=F("attempts") + 1, next_attempt_at=now + _in_flight(len(claimed))
        )
    for delivery in claimed:
        delivery.attempts += 1
    return claimed


def _messages(deliveries: list[Delivery], now: datetime) -> list[Message]:
    owners = device_owners(subscription_ids={d.subscription_id for d in deliveries})
    payloads: dict[tuple, dict] = {}
    messages = []
    for delivery in deliveries:
        occurrence, subscription = delivery.occurrence, delivery.subscription
        owner = owners.get(subscription.id)
        if delivery.kind == Delivery.Kind.ESCALATION:
            # Signed for the support person who reads it: their tap says who acted.
            recipient = owner or occurrence.person
            key = (occurrence.id, delivery.kind, recipient.id)
            if key not in payloads:
                payloads[key] = escalation_payload(occurrence, recipient=recipient)
        else:
            language = owner.language if owner else None
            key = (occurrence.id, delivery.kind, language)
            if key not in payloads:
                payloads[key] = reminder_payload(occurrence, delivery.kind, language=language)
        device = Device(
            endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth
        )
        messages.append(
            Message(
                device=device,
                payload=payloads[key],
                ttl=int((_expires_at(delivery) - now).total_seconds()),
                urgency="high",
                topic=topic(occurrence, delivery.kind),
            )
        )
    return messages


def deliveries_send(*, delivery_ids: list[int]) -> dict[float, list[int]]:
    """Send a batch of deliveries. Returns those a later try may mend, by seconds to wait."""
    now = timezone.now()
    deliveries = _claim(delivery_ids, now)
    if not deliveries:
        return {}  # already sent, given up, or in flight elsewhere: a redelivered task
    results = _Results(sent=[], gone=[], written_at=time.monotonic())
    later: dict[float, list[int]] = defaultdict(list)
    try:
        for index, error in push_send_many(_messages(deliveries, now)):
            delivery = deliveries[index]
            if error is None:
                results.sent.append(delivery)
            elif isinstance(error, DeviceGone):
                results.gone.append(delivery)
            else:
                countdown = _failed(delivery, error, now)
                if countdown is not None:
                    later[countdown].append(delivery.id)
            if results.due():
                results.write()
    finally:
        # Whatever ends the batch early, what was sent is recorded as sent: never sent again.
        results.write()
    return dict(later)


def _failed(delivery: Delivery, error: PushError, now: datetime) -> float | None:
    """Record a failed try; returns the seconds until the next, or None when it is over."""
    _device_failed(delivery.subscription_id, str(error), unusable=isinstance(error, DeviceUnusable))
    countdown = error.retry_after if error.retry_after is not None else _backoff(delivery.attempts)
    if error.permanent or now + timedelta(seconds=countdown) >= _expires_at(delivery):
        # 400/401/403/413 say our request is wrong: logged, the device is kept.
        logger.warning("delivery %s failed for good: %s", delivery.id, error)
        _fail(delivery, str(error))
        return None
    Delivery.objects.filter(id=delivery.id).update(
        last_error=str(error)[:200], next_attempt_at=now + timedelta(seconds=countdown)
    )
    return countdown


def _fail(delivery: Delivery, reason: str) -> None:
    Delivery.objects.filter(id=delivery.id).update(
        status=Delivery.Status.FAILED, last_error=reason[:200], next_attempt_at=None
    )
    tally_add(outcome=FAILED, count=1)


def _device_failed(subscription_id: int, reason: str, *, unusable: bool = False) -> None:
    info, _created = DeviceInfo.objects.get_or_create(subscription_id=subscription_id)
    failures = F("consecutive_failures") + 1
    if unusable:
        # No send to it can work until the browser subscribes again: say so on the devices
        # page now, not after several reminders were lost.
        failures = Greatest(failures, DeviceInfo.FAILING_AFTER)
    DeviceInfo.objects.filter(id=info.id).update(
        consecutive_failures=failures, last_error=reason[:200]
    )
