"""Writes of check-ins, the baseline, alerts (flags) and therapists' notes."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from backend.accounts.models import User
from backend.care.access import therapists_of
from backend.care.selectors import caregivers_of
from backend.checkins.models import Baseline, CheckIn, CheckInChange, Flag, Note
from backend.checkins.overstimulation import USUAL_DAYS, Reading, back_to_usual, usual_level
from backend.checkins.selectors import stalled_people
from backend.plans.models import Schedule
from backend.reminders.models import Occurrence
from backend.reminders.notices import ALERT, NOTE
from backend.reminders.services import occurrence_done
from backend.reminders.tasks import notice_queue
from backend.shared.reads import first_read

OVERSTIMULATION_ADVICE = [
    _("Next time, use lighter pressure."),
    _("Keep the session shorter."),
    _("Warm up first with light, slow strokes."),
]
# Pain this high, or higher, is an alert for the person's therapists.
PAIN_ALERT_AT = 7
RESOLUTION_MAX = 200
# Stored in English like a therapist's reason; pages translate it when they show it.
BACK_TO_USUAL = gettext_noop("Two check-ins back at the usual level")


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
                occurrence_done(
                    occurrence=occurrence,
                    now=checkin.recorded_at,
                    done_by=fields.get("recorded_by"),
                )
            current, _created = Baseline.objects.get_or_create(person=person)
            if baseline or current.checkin_id is None:
                current.checkin = checkin
                current.save(update_fields=["checkin", "set_at"])
            advice = []
            if _overstimulated(checkin):
                alert_raise(person=person, kind=Flag.Kind.OVERSTIMULATION, checkin=checkin)
                advice = [str(line) for line in OVERSTIMULATION_ADVICE]
            else:
                overstimulation_clear(person=person)
            if checkin.pain >= PAIN_ALERT_AT:
                alert_raise(person=person, kind=Flag.Kind.PAIN, checkin=checkin)
    except IntegrityError:
        # The same key raced in from a second request: that one stored it.
        existing = CheckIn.objects.get(person=person, idempotency_key=idempotency_key)
        return CheckInResult(checkin=existing, created=False)
    return CheckInResult(checkin=checkin, created=True, advice=advice)


def _reading(checkin: CheckIn) -> Reading:
    return Reading(tone=checkin.tone, pain=checkin.pain, worse_after=checkin.worse_after)


def overstimulation_clear(*, person: User, now: datetime | None = None) -> list[Flag]:
    """Resolve the person's open overstimulation flags whose two latest check-ins since are
    back at the usual level (the rule: backend.checkins.overstimulation). No one is named:
    resolved_by stays empty."""
    cleared = []
    checkins = CheckIn.objects.filter(person=person)
    baseline = Baseline.objects.filter(person=person).select_related("checkin").first()
    open_flags = Flag.objects.filter(
        person=person, kind=Flag.Kind.OVERSTIMULATION, resolved_at__isnull=True
    ).exclude(checkin=None)
    for flag in open_flags.select_related("checkin"):
        flagged = flag.checkin
        after = checkins.filter(recorded_at__gt=flagged.recorded_at).order_by("-recorded_at", "-id")
        latest = [_reading(c) for c in reversed(after[:2])]
        before = checkins.filter(
            recorded_at__gte=flagged.recorded_at - timedelta(days=USUAL_DAYS),
            recorded_at__lt=flagged.recorded_at,
        )
        fallback = flagged
        if baseline and baseline.checkin and baseline.checkin.recorded_at < flagged.recorded_at:
            fallback = baseline.checkin
        usual = usual_level(before=[_reading(c) for c in before], fallback=_reading(fallback))
        if back_to_usual(usual=usual, after=latest) and _resolve(
            flag, by=None, reason=BACK_TO_USUAL, now=now
        ):
            cleared.append(flag)
    return cleared


def _resolve(flag: Flag, *, by: User | None, reason: str, now: datetime | None) -> bool:
    """Claims the flag: False when someone resolved it first."""
    return bool(
        Flag.objects.filter(id=flag.id, resolved_at__isnull=True).update(
            resolved_at=now or timezone.now(),
            resolved_by=by,
            resolved_by_name=by.display_name if by else "",
            resolution=reason,
        )
    )


@transaction.atomic
def overstimulation_dismiss(*, person: User, by: User, reason: str) -> int:
    """The person or a caregiver dismisses the overstimulation card, saying why. Every open
    overstimulation flag is resolved with the reason; the therapist sees it in the history."""
    reason = _checked_reason(reason)
    flags = Flag.objects.filter(
        person=person, kind=Flag.Kind.OVERSTIMULATION, resolved_at__isnull=True
    )
    return sum(_resolve(flag, by=by, reason=reason, now=None) for flag in flags)


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say in a few words why it is resolved.")})
    if len(reason) > RESOLUTION_MAX:
        raise ValidationError({"reason": _("Keep the reason to 200 characters.")})
    return reason


def baseline_reset(*, person: User) -> None:
    """After a plan change: the next check-in becomes the new baseline."""
    Baseline.objects.update_or_create(person=person, defaults={"checkin": None})


@transaction.atomic
def note_add(*, checkin: CheckIn, author: User, text: str) -> Note:
    note = Note.objects.create(
        checkin=checkin, author=author, author_name=author.display_name, text=text
    )
    therapist_message_notify(person=checkin.person, tag=f"note-{note.id}")
    return note


def note_read(*, note: Note, by: User, now: datetime | None = None) -> Note:
    return first_read(note, by=by, now=now)


def therapist_message_notify(*, person: User, tag: str) -> None:
    """A push for a new note or suggestion, once committed, to whoever holds the phone: the
    person, or a child's caregivers. Discreet mode (the person's or the reader's) keeps
    health words off the lock screen."""
    recipients = list(caregivers_of(person=person)) if person.is_dependent else [person]
    for recipient in recipients:
        discreet = person.discreet_notifications or recipient.discreet_notifications
        notice_queue(recipient=recipient, kind=NOTE, discreet=discreet, tag=tag)


def alert_raise(*, person: User, kind: str, checkin: CheckIn | None = None) -> Flag:
    """Store an alert and, once committed, tell each therapist with access who asked for
    pushes. The push says only that there is an alert: the lock screen is not the record."""
    flag = Flag.objects.create(person=person, kind=kind, checkin=checkin)
    for therapist in therapists_of(person).filter(alerts_by_push=True):
        notice_queue(recipient=therapist, kind=ALERT, tag=f"alert-{flag.id}")
    return flag


def stalled_alerts_raise(*, now: datetime) -> list[Flag]:
    """The daily look for people with no practice and no check-in for 14 days."""
    flags = []
    for person in stalled_people(now=now):
        with transaction.atomic():
            flags.append(alert_raise(person=person, kind=Flag.Kind.STALLED))
    return flags


@transaction.atomic
def alert_resolve(*, flag: Flag, by: User, reason: str, now: datetime | None = None) -> Flag:
    reason = _checked_reason(reason)
    flag = Flag.objects.select_for_update().get(id=flag.id)
    if flag.resolved_at is not None:
        raise ValidationError({"reason": _("This alert was already resolved.")})
    flag.resolved_at = now or timezone.now()
    flag.resolved_by = by
    flag.resolved_by_name = by.display_name
    flag.resolution = reason
    flag.save(update_fields=["resolved_at", "resolved_by", "resolved_by_name", "resolution"])
    return flag


# Within this many days of when it was logged, a check-in is corrected or deleted freely;
# later, it is corrected by a visible amendment with a reason, and no longer deleted.
CORRECTION_DAYS = 7
CORRECTABLE_FIELDS = (
    "tone", "pain", "ease", "rom_joint", "rom_degrees", "rom_change", "minutes", "technique",
    "worse_after", "stress", "sleep", "milestone", "notes",
)  # fmt: skip
CHECKIN_DELETED = gettext_noop("Check-in deleted")


def correctable(checkin: CheckIn, now: datetime | None = None) -> bool:
    return (now or timezone.now()) - checkin.recorded_at <= timedelta(days=CORRECTION_DAYS)


def _snapshot(checkin: CheckIn) -> dict:
    return {
        "recorded_at": checkin.recorded_at.isoformat(),
        **{name: getattr(checkin, name) for name in CORRECTABLE_FIELDS},
    }


def _change_record(*, checkin: CheckIn, kind: str, by: User, now: datetime, **fields):
    return CheckInChange.objects.create(
        checkin=checkin,
        checkin_number=checkin.id,
        person_id=checkin.person_id,
        kind=kind,
        changed_by=by,
        changed_by_name=by.display_name,
        changed_at=now,
        **fields,
    )


@transaction.atomic
def checkin_correct(
    *, checkin: CheckIn, by: User, changes: dict, reason: str = "", now: datetime | None = None
) -> CheckIn:
    """Apply new values to a check-in, keeping what it held before. Within CORRECTION_DAYS a
    correction; later an amendment, which needs a reason."""
    now = now or timezone.now()
    checkin = CheckIn.objects.select_for_update().get(id=checkin.id)
    unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise ValidationError({name: _("This cannot be corrected.") for name in unknown})
    reason = (reason or "").strip()
    if len(reason) > RESOLUTION_MAX:
        raise ValidationError({"reason": _("Keep the reason to 200 characters.")})
    within = correctable(checkin, now)
    if not within and not reason:
        raise ValidationError(
            {"reason": _("Check-ins older than 7 days are amended: say why in a few words.")}
        )
    before = _snapshot(checkin)
    for name, value in changes.items():
        setattr(checkin, name, value)
    checkin.clean_fields(exclude=["person", "idempotency_key", "occurrence", "recorded_by"])
    after = _snapshot(checkin)
    if after == before:
        return checkin
    checkin.save(update_fields=[name for name in changes if before[name] != after[name]])
    kind = CheckInChange.Kind.CORRECTED if within else CheckInChange.Kind.AMENDED
    _change_record(
        checkin=checkin, kind=kind, by=by, now=now, before=before, after=after, reason=reason
    )
    return checkin


@transaction.atomic
def checkin_delete(*, checkin: CheckIn, by: User, now: datetime | None = None) -> CheckInChange:
    """Delete a check-in logged within CORRECTION_DAYS. What it held stays in the history,
    its therapists' notes too (they go with the check-in); its open alerts are resolved, kept.
    A baseline it was goes empty: the next check-in becomes the baseline."""
    now = now or timezone.now()
    checkin = CheckIn.objects.select_for_update().get(id=checkin.id)
    if not correctable(checkin, now):
        raise ValidationError(
            {
                "checkin": _(
                    "Check-ins older than 7 days can't be deleted; correct them with an amendment."
                )
            }
        )
    before = _snapshot(checkin) | {
        "therapist_notes": [
            {"author": note.author_name, "text": note.text}
            for note in checkin.therapist_notes.all()
        ]
    }
    change = _change_record(
        checkin=checkin, kind=CheckInChange.Kind.DELETED, by=by, now=now, before=before
    )
    for flag in Flag.objects.filter(checkin=checkin, resolved_at__isnull=True):
        _resolve(flag, by=by, reason=CHECKIN_DELETED, now=now)
    checkin.delete()
    change.refresh_from_db()
    return change
