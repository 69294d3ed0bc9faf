"""What a push message carries: what the notification shows and the keys for its buttons."""

import json
from datetime import UTC, datetime, time

import pytest

from backend.care.services import dependent_create
from backend.plans.services import safety_screen_record
from backend.reminders.messages import reminder_payload, topic
from backend.reminders.models import Delivery, Occurrence
from backend.reminders.tasks import dispatch_pass
from tests.reminders.test_dispatch import massage, stretches
from tests.support.plans import NO

# Words that tell a stranger glancing at a lock screen what the reminder is about.
HEALTH_WORDS = [
    "massage", "stretch", "calf", "hamstring", "muscle", "pain", "tone", "swedish",
    "masaje", "estiramiento", "gemelo", "músculo", "dolor",
]  # fmt: skip


def occurrences_for(person):
    safety_screen_record(person=person, **NO)
    massage(person, (0, time(9, 0)))
    stretches(person, time(8, 0))
    dispatch_pass(now=datetime(2027, 3, 1, 9, 30, tzinfo=UTC))
    return list(Occurrence.objects.filter(person=person))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", [Delivery.Kind.REMINDER, Delivery.Kind.NUDGE])
def test_discreet_mode_carries_no_health_words_anywhere_in_the_message(
    make_person, person, language, kind
):
    child = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    for someone in (person, child):
        someone.discreet_notifications = True
        someone.save()
        occurrences = occurrences_for(someone)
        assert {o.kind for o in occurrences} == {"massage", "stretch"}
        for occurrence in occurrences:
            message = json.dumps(reminder_payload(occurrence, kind, language=language)).lower()
            assert [word for word in HEALTH_WORDS if word in message] == [], message
            # The push service reads the Topic header, in the clear.
            assert [word for word in HEALTH_WORDS if word in topic(occurrence)] == []


@pytest.mark.django_db
def test_a_message_holds_only_the_notification_and_what_its_buttons_need(person):
    [massage_occurrence, _stretch] = sorted(occurrences_for(person), key=lambda o: o.kind)

    payload = reminder_payload(massage_occurrence, Delivery.Kind.REMINDER)

    assert set(payload) == {"title", "body", "tag", "url", "occurrence", "token", "actions"}
    assert payload["title"] == "Massage session"
    assert payload["url"] == f"/checkins/new/?occurrence={massage_occurrence.id}"
    assert "owner@example.com" not in json.dumps(payload)
