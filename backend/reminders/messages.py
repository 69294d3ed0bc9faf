"""What a reminder says. Payloads carry only what the notification shows."""

from django.core import signing
from django.utils import translation
from django.utils.translation import gettext as _

from backend.plans.models import MassagePlan, Schedule, StretchRoutine, Technique
from backend.reminders.models import Delivery, Occurrence

ACTION_SALT = "tonus.reminders.action"
# An action token opens Done and Snooze for this long: long enough for a phone left overnight.
ACTION_MAX_AGE = 60 * 60 * 48


def action_token(occurrence: Occurrence) -> str:
    return signing.dumps(occurrence.id, salt=ACTION_SALT)


def action_token_occurrence_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=ACTION_SALT, max_age=ACTION_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def massage_text(plan: MassagePlan | None) -> str:
    if plan is None:
        return _("Time for your massage session.")
    technique = Technique(plan.technique).label
    text = _("%(minutes)d min, %(technique)s") % {
        "minutes": plan.duration_minutes,
        "technique": str(technique).lower(),
    }
    if plan.target_muscles:
        text += ": " + ", ".join(plan.target_muscles)
    return text


def stretch_text(routine: StretchRoutine | None) -> str:
    stretches = list(routine.stretches.all()) if routine else []
    if not stretches:
        return _("Time for your stretches.")
    return ", ".join(
        _("%(name)s, %(reps)d × %(hold)d s")
        % {"name": stretch.name, "reps": stretch.repetitions, "hold": stretch.hold_seconds}
        for stretch in stretches
    )


def reminder_payload(occurrence: Occurrence, kind: str, *, language: str | None = None) -> dict:
    """The notification, in `language`: that of whoever holds the phone (a caregiver, for a
    child's reminder), else the person's own. Celery tasks have no request to take it from."""
    with translation.override(language or occurrence.person.language):
        return _reminder_payload(occurrence, kind)


def _reminder_payload(occurrence: Occurrence, kind: str) -> dict:
    person = occurrence.person
    schedule = occurrence.schedule
    # A dependent's reminders reach their caregivers' phones: say whose they are.
    whose = {"name": person.display_name}
    if person.discreet_notifications:
        title = "Tonus"
        body = (
            _("Time for %(name)s's routine.") % whose
            if person.is_dependent
            else _("Time for your routine.")
        )
    elif occurrence.kind == Schedule.Kind.MASSAGE:
        title = (
            _("%(name)s's massage session") % whose if person.is_dependent else _("Massage session")
        )
        body = massage_text(schedule.massage_plan if schedule else None)
    else:
        title = _("%(name)s's stretches") % whose if person.is_dependent else _("Stretches")
        body = stretch_text(schedule.stretch_routine if schedule else None)
    if kind == Delivery.Kind.NUDGE:
        title = _("Yesterday's session") if not person.discreet_notifications else "Tonus"
        body = _("How did it go? A quick check-in helps you see what works.")
    return {
        "title": title,
        "body": body,
        "tag": f"occurrence-{occurrence.id}",
        "url": f"/checkins/new/?occurrence={occurrence.id}",
        "occurrence": occurrence.id,
        "token": action_token(occurrence),
        "actions": [
            {"action": "done", "title": _("Done")},
            {"action": "snooze", "title": _("Snooze 15 min")},
            {"action": "checkin", "title": _("Check in")},
        ],
    }


def topic(occurrence: Occurrence) -> str:
    # A newer reminder of the same schedule replaces an unread one still waiting at the
    # push service. The push service sees it, so it says nothing of health, discreet or not.
    # RFC 8030: at most 32 URL-safe base64 characters.
    if occurrence.schedule_id is None:
        return f"o{occurrence.id}"
    return f"s{occurrence.schedule_id}"
