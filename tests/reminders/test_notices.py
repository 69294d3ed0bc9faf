import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

import pytest

from backend.reminders.notices import ALERT, NOTE, notice_not_before, notice_payload
from backend.reminders.services import device_subscribe
from backend.reminders.tasks import notice_queue, notice_send


def subscribe(user, subscription):
    return device_subscribe(
        user=user,
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth,
    )


@pytest.mark.django_db(transaction=True)
def test_a_note_notice_reaches_every_device_of_the_recipient(
    person, outsider, receiver, celery_worker
):
    phone, tablet, theirs = (receiver.new_subscription() for _ in range(3))
    subscribe(person, phone)
    subscribe(person, tablet)
    subscribe(outsider, theirs)

    assert notice_queue(recipient=person, kind=NOTE, tag="note-1") == 2

    receiver.wait_for(2, timeout=20)
    for device in (phone, tablet):
        [message] = receiver.messages_for(device)
        assert message.json() == {
            "title": "Tonus",
            "body": "Your therapist left a note",
            "url": "/",
            "tag": "note-1",
        }
    assert receiver.messages_for(theirs) == []


@pytest.mark.django_db(transaction=True)
def test_an_alert_says_no_health_detail_in_the_recipients_language(
    make_person, receiver, celery_worker
):
    therapist = make_person("t@example.com", language="es")
    phone = receiver.new_subscription()
    subscribe(therapist, phone)

    notice_queue(recipient=therapist, kind=ALERT)

    [message] = receiver.wait_for(1, timeout=20)
    assert message.json()["title"] == "Tonus"
    assert message.json()["body"] == "Nueva alerta sobre un paciente"
    assert message.json()["url"] == "/care/patients/"


@pytest.mark.django_db(transaction=True)
def test_a_busy_push_service_is_tried_again(person, receiver, celery_worker):
    phone = receiver.new_subscription()
    subscribe(person, phone)
    receiver.respond_with(429, headers={"Retry-After": "1"})

    notice_queue(recipient=person, kind=NOTE, discreet=True)

    [message] = receiver.wait_for(1, timeout=20)
    assert message.json()["body"] == "New message in Tonus"
    assert receiver.rejections == [(429, "canned response")]


@pytest.mark.django_db(transaction=True)
def test_a_notice_held_for_quiet_hours_leaves_when_they_end(person, receiver, celery_worker):
    phone = receiver.new_subscription()
    [device] = [subscribe(person, phone)]
    payload = notice_payload(kind=NOTE, recipient=person)
    not_before = datetime.now(UTC) + timedelta(seconds=3)

    notice_send.delay(device.id, payload, not_before.isoformat())

    [message] = receiver.wait_for(1, timeout=20)
    assert message.received_at >= not_before.timestamp() - 0.1
    assert time.time() >= not_before.timestamp()


def test_quiet_hours_hold_a_notice_until_they_end(make_person):
    # 23:30 in Madrid (UTC+1 in winter), quiet from 22:00 to 07:00.
    person = make_person(quiet_hours_start=clock(22), quiet_hours_end=clock(7))
    now = datetime(2026, 1, 14, 22, 30, tzinfo=UTC)

    assert notice_not_before(recipient=person, now=now) == datetime(2026, 1, 15, 6, tzinfo=UTC)


def test_outside_quiet_hours_a_notice_leaves_at_once(make_person):
    person = make_person(quiet_hours_start=clock(22), quiet_hours_end=clock(7))
    now = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)

    assert notice_not_before(recipient=person, now=now) == now
