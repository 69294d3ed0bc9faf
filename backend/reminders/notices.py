"""One-off notices to a person's phones: an alert for a therapist, a note for a patient.

Outside the reminder ledger: a notice has no occurrence, and sending it twice (a worker killed
mid-send) shows one notification, as both carry the same tag. Each says as little as a lock
screen may show, in the language of whoever holds the phone, and waits out their quiet hours.
"""

import logging
from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.plans.occurrences import Rule, due_at
from backend.plans.selectors import quiet_hours_of
from backend.reminders.selectors import devices_for_person

logger = logging.getLogger(__name__)

ALERT, NOTE = "alert", "note"
KINDS = (ALERT, NOTE)


def _texts(kind: str, discreet: bool) -> tuple[str, str, str]:
    if kind == ALERT:
        # What a lock screen shows a therapist: no name, no score, no condition.
        return "Tonus", _("New alert about a patient"), "/care/patients/"
    if discreet:
        return "Tonus", _("New message in Tonus"), "/"
    return "Tonus", _("Your therapist left a note"), "/"


def notice_payload(*, kind: str, recipient: User, discreet: bool = False, tag: str = "") -> dict:
    """The notification in the recipient's language."""
    if kind not in KINDS:
        raise ValueError(f"no such notice: {kind}")
    with translation.override(recipient.language):
        title, body, url = _texts(kind, discreet)
        return {"title": title, "body": body, "url": url, "tag": tag or f"tonus-{kind}"}


def notice_devices(*, recipient: User) -> list[int]:
    return list(devices_for_person(user=recipient).values_list("id", flat=True))


def notice_not_before(*, recipient: User, now: datetime) -> datetime:
    """Now, or the end of the recipient's quiet hours when now falls inside them."""
    quiet = quiet_hours_of(person=recipient)
    if quiet is None:
        return now
    local = now.astimezone(recipient.time_zone)
    rule = Rule(at=local.time().replace(tzinfo=None), zone=recipient.time_zone, quiet=quiet)
    return max(now, due_at(rule, local.date()))


def seconds_until(when: datetime, now: datetime | None = None) -> float:
    return max(0.0, (when - (now or timezone.now())).total_seconds())
