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


ESCALATION_SALT = "tonus.reminders.escalation"


def escalation_token(occurrence: Occurrence, support_person) -> str:
    """Opens "Done together" and "Remind again" of one occurrence, for one support person: the
    token says who acted."""
    return signing.dumps([occurrence.id, support_person.id], salt=ESCALATION_SALT)


def escalation_token_ids(token: str) -> tuple[int, int] | None:
    """(occurrence id, support person id), or None for a token that is bad or too old."""
    try:
        occurrence_id, person_id = signing.loads(
            token, salt=ESCALATION_SALT, max_age=ACTION_MAX_AGE
        )
        return int(occurrence_id), int(person_id)
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
        text += ": " + plan.muscles_display
    return text


def stretch_text(routine: StretchRoutine | None) -> str:
    stretches = list(routine.stretches.all()) if routine else []
    if not stretches:
        return _("Time for your stretches.")
    return ", ".join(
        _("%(name)s, %(reps)d × %(hold)d s")
        % {"name": stretch.display_name, "reps": stretch.repetitions, "hold": stretch.hold_seconds}
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


def escalation_payload(occurrence: Occurrence, *, recipient) -> dict:
    """What a support person's phone shows of a reminder still undone, in their language;
    with no health words when either of them asked for discreet notifications."""
    person = occurrence.person
    whose = {"name": person.display_name}
    with translation.override(recipient.language):
        if person.discreet_notifications or recipient.discreet_notifications:
            title = "Tonus"
            body = _("A reminder for %(name)s is still open.") % whose
        elif occurrence.kind == Schedule.Kind.MASSAGE:
            title = _("%(name)s's massage session isn't done yet") % whose
            body = _("Do it together, or remind %(name)s again.") % whose
        else:
            title = _("%(name)s's stretches aren't done yet") % whose
            body = _("Do them together, or remind %(name)s again.") % whose
        return {
            "title": title,
            "body": body,
            # Its own tag: it does not replace the reminder on a phone that shows both.
            "tag": f"escalation-{occurrence.id}",
            "url": "/",
            "occurrence": occurrence.id,
            "token": escalation_token(occurrence, recipient),
            "actions": [
                {"action": "together", "title": _("Done together")},
                {"action": "again", "title": _("Remind again")},
            ],
        }


def topic(occurrence: Occurrence, kind: str = Delivery.Kind.REMINDER) -> str:
    # A newer reminder of the same schedule replaces an unread one still waiting at the
    # push service. The push service sees it, so it says nothing of health, discreet or not.
    # RFC 8030: at most 32 URL-safe base64 characters.
    if kind == Delivery.Kind.ESCALATION:
        # Not the reminder's: on a caregiver's phone it must not replace the child's reminder.
        return f"e{occurrence.id}"
    if occurrence.schedule_id is None:
        return f"o{occurrence.id}"
    return f"s{occurrence.schedule_id}"
