"""The dispatcher pass: claim what is due, record each occurrence once, queue the sends.

Runs every minute from Celery beat, and on demand (`manage.py dispatch_reminders --at …`).
Rows are claimed with SELECT … FOR UPDATE SKIP LOCKED, so passes running at once never take
the same schedule; the ledger's unique key (schedule, local date) keeps each occurrence to
one row however often a pass is repeated.
"""

import logging
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from backend.plans.models import Schedule
from backend.plans.occurrences import due_at, due_until, is_too_late, next_day
from backend.plans.selectors import (
    hold_of,
    people_held_by_screen,
    schedule_rule,
)
from backend.reminders.models import Delivery, DispatchPass, Occurrence
from backend.reminders.tallies import FAILED, PRUNED, SENT, tallies_read, tallies_since
from backend.shared.batches import update_grouped

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# A pending delivery this far past its planned try (which already counts any retry wait), or
# an occurrence still due this long after it was claimed, has lost its task (a worker died, or
# the broker restarted empty): queue it again.
STALLED_AFTER = timedelta(minutes=10)
# Pass records older than this are deleted by later passes.
PASSES_KEPT_FOR = timedelta(days=7)


@dataclass(frozen=True)
class Queues:
    """How a pass hands work to the workers. Given by the tasks module, which stands above
    this one: occurrences(ids, kind) for fan-out, deliveries(ids) for sending."""

    occurrences: Callable[[list[int], str], None]
    deliveries: Callable[[list[int]], None]


@dataclass
class PassResult:
    claimed: int = 0  # new occurrences found due
    queued: list[int] = field(default_factory=list)  # occurrence ids sent to the workers
    missed: int = 0
    skipped: int = 0
    snoozes: list[int] = field(default_factory=list)
    nudges: list[int] = field(default_factory=list)
    escalations: list[int] = field(default_factory=list)  # support people told
    agains: list[int] = field(default_factory=list)  # reminded again by a support person
    requeued: list[int] = field(default_factory=list)  # delivery ids
    resent: list[int] = field(default_factory=list)  # occurrence ids whose fan-out was lost


def _status_on_claim(schedule: Schedule, day, due: datetime, now: datetime, held: set[int]):
    """The new occurrence's status and skip reason: held, too late to send, or due."""
    hold = hold_of(
        person=schedule.person, kind=schedule.kind, day=day, screen_holds=schedule.person_id in held
    )
    if hold:
        return Occurrence.Status.SKIPPED, hold
    if is_too_late(due, now):
        return Occurrence.Status.MISSED, ""
    return Occurrence.Status.DUE, ""


def _claim_schedules(now: datetime, result: PassResult, queues: Queues) -> bool:
    with transaction.atomic():
        schedules = list(
            Schedule.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(next_due_at__lte=now)
            .select_related("person")
            .order_by("next_due_at")[:BATCH_SIZE]
        )
        if not schedules:
            return False
        held = people_held_by_screen(
            person_ids={s.person_id for s in schedules if s.kind == Schedule.Kind.MASSAGE}
        )
        planned = []
        for schedule in schedules:
            rule = schedule_rule(schedule=schedule, person=schedule.person)
            for day, due in due_until(rule, schedule.next_day, now):
                status, reason = _status_on_claim(schedule, day, due, now, held)
                planned.append(
                    Occurrence(
                        schedule=schedule,
                        local_date=day,
                        person_id=schedule.person_id,
                        kind=schedule.kind,
                        due_at=due,
                        status=status,
                        skip_reason=reason,
                    )
                )
                schedule.next_day = next_day(rule, day)
            schedule.next_due_at = due_at(rule, schedule.next_day)
        # Only a pass holding the schedule's lock adds its occurrences; one already in the
        # ledger (a pass that died after writing it) is not added again.
        recorded = set(
            Occurrence.objects.filter(
                schedule__in=schedules, local_date__in={o.local_date for o in planned}
            ).values_list("schedule_id", "local_date")
        )
        new = Occurrence.objects.bulk_create(
            o for o in planned if (o.schedule_id, o.local_date) not in recorded
        )
        queued = [o.id for o in new if o.status == Occurrence.Status.DUE]
        result.claimed += len(new)
        result.missed += sum(o.status == Occurrence.Status.MISSED for o in new)
        result.skipped += sum(o.status == Occurrence.Status.SKIPPED for o in new)
        update_grouped(Schedule, schedules, ["next_day", "next_due_at"])
        result.queued.extend(queued)
        transaction.on_commit(lambda: queues.occurrences(queued, Delivery.Kind.REMINDER))
    return True


def _claim_follow_ups(
    now: datetime, field_name: str, kind: str, into: list[int], queues: Queues
) -> bool:
    """Snoozes, nudges, telling support people and reminding again: occurrences whose
    `field_name` instant has come."""
    with transaction.atomic():
        occurrences = list(
            Occurrence.objects.select_for_update(skip_locked=True)
            .filter(**{f"{field_name}__lte": now})
            .order_by(field_name)[:BATCH_SIZE]
        )
        if not occurrences:
            return False
        # Done in the meantime: nothing to send. Too late: let it go quietly.
        wanted = [
            o.id
            for o in occurrences
            if o.status == Occurrence.Status.ISSUED and not is_too_late(getattr(o, field_name), now)
        ]
        dropped = [o.id for o in occurrences if o.id not in wanted]
        Occurrence.objects.filter(id__in=dropped).update(**{field_name: None})
        # Only a lease until the send task has made the deliveries and cleared it: should the
        # task be lost, a pass after the lease runs out claims the follow-up again.
        Occurrence.objects.filter(id__in=wanted).update(**{field_name: now + STALLED_AFTER})
        into.extend(wanted)
        transaction.on_commit(lambda: queues.occurrences(wanted, kind))
    return True


def _requeue_stalled(now: datetime, result: PassResult, queues: Queues) -> None:
    """Queue again what was claimed but whose task never ran: the task was lost with a killed
    worker, or with a broker that restarted empty. The ledger in the database, not the queue,
    says what is still owed; every task is safe to run twice."""
    # Leases, retry times and creation times were stamped with the real clock: they are
    # compared with it, even in a pass run "as if" at another time. Against a later "as if"
    # time a batch in flight, or a retry still waiting, would look lost and go out twice.
    real_now = timezone.now()
    stalled = list(
        Delivery.objects.filter(
            status=Delivery.Status.PENDING, next_attempt_at__lt=real_now - STALLED_AFTER
        ).values_list("id", flat=True)[:BATCH_SIZE]
    )
    # The worker's claim compares this with its own clock, the real one.
    Delivery.objects.filter(id__in=stalled).update(next_attempt_at=real_now)
    queues.deliveries(stalled)
    result.requeued.extend(stalled)

    # Occurrences still pending long after they were claimed: their fan-out never ran.
    unsent = (
        Occurrence.objects.filter(
            status=Occurrence.Status.DUE,
            created_at__lt=real_now - STALLED_AFTER,
            due_at__lt=now - STALLED_AFTER,
        )
        .exclude(id__in=result.queued)
        .values_list("id", "due_at")[:BATCH_SIZE]
    )
    late = [occurrence_id for occurrence_id, due in unsent if is_too_late(due, now)]
    # The catch-up rule holds for these too: too late to be worth sending is missed.
    result.missed += Occurrence.objects.filter(id__in=late, status=Occurrence.Status.DUE).update(
        status=Occurrence.Status.MISSED
    )
    resent = [occurrence_id for occurrence_id, _due in unsent if occurrence_id not in late]
    queues.occurrences(resent, Delivery.Kind.REMINDER)
    result.resent.extend(resent)


def dispatch_due(*, now: datetime, queues: Queues) -> PassResult:
    """One dispatcher pass as if the time were `now`, recorded for operators."""
    record = DispatchPass.objects.create(started_at=timezone.now(), as_of=now)
    started = clock.monotonic()
    result = PassResult()
    while _claim_schedules(now, result, queues):
        pass
    while _claim_follow_ups(now, "snooze_due_at", Delivery.Kind.SNOOZE, result.snoozes, queues):
        pass
    while _claim_follow_ups(now, "nudge_due_at", Delivery.Kind.NUDGE, result.nudges, queues):
        pass
    while _claim_follow_ups(
        now, "escalate_due_at", Delivery.Kind.ESCALATION, result.escalations, queues
    ):
        pass
    while _claim_follow_ups(now, "again_due_at", Delivery.Kind.AGAIN, result.agains, queues):
        pass
    _requeue_stalled(now, result, queues)
    _pass_record(record, result, seconds=clock.monotonic() - started)
    return result


def _pass_record(record: DispatchPass, result: PassResult, *, seconds: float) -> None:
    previous = (
        DispatchPass.objects.filter(finished_at__isnull=False)
        .exclude(id=record.id)
        .only("tallies")
        .first()
    )
    totals = tallies_read()
    outcomes = dict.fromkeys((SENT, FAILED, PRUNED), 0)
    if totals is not None:
        outcomes = tallies_since(before=previous.tallies if previous else None, now=totals)
        record.tallies = totals
    record.finished_at = record.started_at + timedelta(seconds=seconds)
    record.claimed = result.claimed
    record.queued = (
        len(result.queued)
        + len(result.snoozes)
        + len(result.nudges)
        + len(result.escalations)
        + len(result.agains)
        + len(result.resent)
    )
    record.missed = result.missed
    record.skipped = result.skipped
    record.requeued = len(result.requeued)
    record.sent, record.failed, record.pruned = outcomes[SENT], outcomes[FAILED], outcomes[PRUNED]
    record.save()
    DispatchPass.objects.filter(started_at__lt=record.started_at - PASSES_KEPT_FOR).delete()
    # One line per pass, key=value, for log search and alerting.
    logger.info(
        "dispatch_pass as_of=%s started_at=%s duration_ms=%d claimed=%d queued=%d missed=%d "
        "skipped=%d requeued=%d sent=%d failed=%d pruned=%d",
        record.as_of.isoformat(), record.started_at.isoformat(), round(seconds * 1000),
        record.claimed, record.queued, record.missed, record.skipped, record.requeued,
        record.sent, record.failed, record.pruned,
    )  # fmt: skip
