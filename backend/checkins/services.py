"""Writes of check-ins, the baseline and flags."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.checkins.models import Baseline, CheckIn, Flag, Note
from backend.plans.models import Schedule
from backend.reminders.models import Occurrence
from backend.reminders.services import occurrence_done

OVERSTIMULATION_ADVICE = [
    _("Next time, use lighter pressure."),
    _("Keep the session shorter."),
    _("Warm up first with light, slow strokes."),
]


@dataclass
class CheckInResult:
    checkin: CheckIn
    created: bool
    advice: list[str] = field(default_factory=list)


def _after_a_session(checkin: CheckIn) -> bool:
    if checkin.occurrence_id:
        return checkin.occurrence.kind == Schedule.Kind.MASSAGE
    return bool(checkin.minutes and checkin.technique)


def _overstimulated(checkin: CheckIn) -> bool:
    """Soreness or spasms worse, or tone or pain up since the previous check-in, after massage."""
    if checkin.worse_after:
        return True
    if not _after_a_session(checkin):
        return False
    previous = (
        CheckIn.objects.filter(person=checkin.person, recorded_at__lt=checkin.recorded_at)
        .order_by("-recorded_at", "-id")
        .first()
    )
    return previous is not None and (checkin.tone > previous.tone or checkin.pain > previous.pain)


def checkin_create(
    *,
    person: User,
    idempotency_key: uuid.UUID,
    occurrence: Occurrence | None = None,
    recorded_at: datetime | None = None,
    baseline: bool = False,
    **fields,
) -> CheckInResult:
    """Store a check-in once per idempotency key. The occurrence must be the person's own."""
    existing = CheckIn.objects.filter(person=person, idempotency_key=idempotency_key).first()
    if existing:
        return CheckInResult(checkin=existing, created=False)
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                person=person,
                idempotency_key=idempotency_key,
                occurrence=occurrence,
                recorded_at=recorded_at or timezone.now(),
                **fields,
            )
            if occurrence is not None:
                occurrence_done(occurrence=occurrence, now=checkin.recorded_at)
            current, _created = Baseline.objects.get_or_create(person=person)
            if baseline or current.checkin_id is None:
                current.checkin = checkin
                current.save(update_fields=["checkin", "set_at"])
            advice = []
            if _overstimulated(checkin):
                Flag.objects.create(person=person, kind=Flag.Kind.OVERSTIMULATION, checkin=checkin)
                advice = [str(line) for line in OVERSTIMULATION_ADVICE]
    except IntegrityError:
        # The same key raced in from a second request: that one stored it.
        existing = CheckIn.objects.get(person=person, idempotency_key=idempotency_key)
        return CheckInResult(checkin=existing, created=False)
    return CheckInResult(checkin=checkin, created=True, advice=advice)


def baseline_reset(*, person: User) -> None:
    """After a plan change: the next check-in becomes the new baseline."""
    Baseline.objects.update_or_create(person=person, defaults={"checkin": None})


def note_add(*, checkin: CheckIn, author: User, text: str) -> Note:
    return Note.objects.create(
        checkin=checkin, author=author, author_name=author.display_name, text=text
    )
