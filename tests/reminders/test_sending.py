"""Reminders from plan to phone: dispatcher, a real Celery worker, the local push receiver."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from webpush.models import SubscriptionInfo

from backend.reminders.dispatch import STALLED_AFTER
from backend.reminders.models import Delivery, DeviceInfo, Occurrence
from backend.reminders.services import device_subscribe
from backend.reminders.tasks import dispatch_pass, reminder_test_queue
from tests.support.plans import stretch_routine
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

ACTIONS = [
    {"action": "done", "title": "Done"},
    {"action": "snooze", "title": "Snooze 15 min"},
    {"action": "checkin", "title": "Check in"},
]


def subscribe(person, receiver):
    subscription = receiver.new_subscription()
    device_subscribe(
        user=person,
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth,
    )
    return subscription


def plan_stretches(api_as, times=("08:00",)) -> str:
    """Plans a routine through the API; returns the UTC instant the first reminder is due."""
    response = api_as.put(
        "/api/v1/plans/stretches/", stretch_routine(times=list(times)), format="json"
    )
    assert response.status_code == 200
    return response.json()["times"][0]["next_due_at"]


def dispatch(at: str) -> None:
    call_command("dispatch_reminders", "--at", at)


def drain(person, receiver, already: int) -> None:
    """Wait until the worker has handled everything queued so far: a marker goes last."""
    reminder_test_queue(user=person)
    devices = SubscriptionInfo.objects.filter(webpush_info__user=person).count()
    receiver.wait_for(already + devices, timeout=30)


def test_a_planned_reminder_reaches_every_device_exactly_once(
    api_as, person, receiver, celery_worker
):
    phone, tablet = subscribe(person, receiver), subscribe(person, receiver)
    due = plan_stretches(api_as)

    dispatch(due)
    receiver.wait_for(2, timeout=30)
    # Passes repeated at the same instant and later send nothing more.
    dispatch(due)
    dispatch(due.replace(":00Z", ":30Z"))
    drain(person, receiver, already=2)

    occurrence = Occurrence.objects.get()
    for device in (phone, tablet):
        reminders = [
            m for m in receiver.messages_for(device) if m.json()["title"] != "Tonus test reminder"
        ]
        assert len(reminders) == 1
        message = reminders[0]
        payload = message.json()
        assert payload["title"] == "Stretches"
        assert payload["body"] == "Calf stretch, 3 × 30 s, Hamstring stretch, 2 × 30 s"
        assert payload["actions"] == ACTIONS
        assert payload["occurrence"] == occurrence.id
        assert message.urgency == "high"
        assert message.topic == f"s{occurrence.schedule_id}"
        assert 3 * 60 * 60 < message.ttl <= 4 * 60 * 60  # a few hours: kept while the phone is off
    assert occurrence.status == "issued"
    assert list(Delivery.objects.values_list("status", flat=True)) == ["sent", "sent"]


def test_discreet_mode_keeps_health_words_off_the_lock_screen(
    api_as, person, receiver, celery_worker
):
    subscribe(person, receiver)
    api_as.patch("/api/v1/accounts/me/", {"discreet_notifications": True}, format="json")

    dispatch(plan_stretches(api_as))

    [message] = receiver.wait_for(1, timeout=30)
    assert (message.json()["title"], message.json()["body"]) == ("Tonus", "Time for your routine.")


@pytest.mark.parametrize(("answer", "entirely"), [(410, False), (404, True)])
def test_a_device_the_push_service_no_longer_knows_is_removed(
    api_as, person, receiver, celery_worker, answer, entirely
):
    gone, kept = subscribe(person, receiver), subscribe(person, receiver)
    receiver.forget(gone, entirely=entirely)

    dispatch(plan_stretches(api_as))

    receiver.wait_for(1, timeout=30)
    wait_until(lambda: not SubscriptionInfo.objects.filter(endpoint=gone.endpoint).exists())
    assert list(SubscriptionInfo.objects.values_list("endpoint", flat=True)) == [kept.endpoint]
    wait_until(
        lambda: sorted(Delivery.objects.values_list("status", flat=True)) == ["gone", "sent"]
    )
    # Never tried again: not by a retry, nor by the dispatcher's pass for stalled sends.
    later = dispatch_pass(now=timezone.now() + STALLED_AFTER + timedelta(minutes=1))
    assert (later.requeued, later.resent) == ([], [])
    assert [status for status, _reason in receiver.rejections] == [answer]


def test_a_busy_push_service_is_tried_again_after_retry_after(
    api_as, person, receiver, celery_worker
):
    subscribe(person, receiver)
    receiver.respond_with(429, headers={"Retry-After": "1"})

    dispatch(plan_stretches(api_as))

    [message] = receiver.wait_for(1, timeout=30)
    assert message.json()["title"] == "Stretches"
    wait_until(lambda: Delivery.objects.filter(status="sent").exists())
    assert Delivery.objects.get().attempts == 2
    assert receiver.rejections == [(429, "canned response")]


def test_a_refused_message_is_logged_not_retried_and_the_device_kept(
    api_as, person, receiver, celery_worker
):
    phone = subscribe(person, receiver)
    receiver.respond_with(413)

    dispatch(plan_stretches(api_as))

    wait_until(
        lambda: Delivery.objects.filter(status="failed").exists(), what="the delivery failing"
    )
    assert SubscriptionInfo.objects.filter(endpoint=phone.endpoint).exists()
    assert DeviceInfo.objects.get().consecutive_failures == 1
    assert Delivery.objects.get().attempts == 1


def test_done_from_the_notification_marks_the_occurrence_done(
    api, api_as, person, receiver, celery_worker
):
    subscribe(person, receiver)
    dispatch(plan_stretches(api_as))
    [message] = receiver.wait_for(1, timeout=30)

    # What the service worker posts when Done is tapped: no session, the payload's token.
    response = api.post(
        "/api/v1/reminders/action/",
        {"token": message.json()["token"], "action": "done"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert Occurrence.objects.get().status == "done"


def test_snooze_sends_the_reminder_again_once_fifteen_minutes_later(
    api, api_as, person, receiver, celery_worker
):
    subscribe(person, receiver)
    due = plan_stretches(api_as)
    dispatch(due)
    [message] = receiver.wait_for(1, timeout=30)
    token = message.json()["token"]

    tapped = timezone.now()
    assert (
        api.post(
            "/api/v1/reminders/action/", {"token": token, "action": "snooze"}, format="json"
        ).status_code
        == 200
    )
    second = api.post(
        "/api/v1/reminders/action/", {"token": token, "action": "snooze"}, format="json"
    )
    assert second.status_code == 400

    snooze_at = Occurrence.objects.get().snooze_due_at
    dispatch(snooze_at.isoformat())
    messages = receiver.wait_for(2, timeout=30)
    assert [m.json()["title"] for m in messages] == ["Stretches", "Stretches"]
    assert timedelta(minutes=15) <= snooze_at - tapped < timedelta(minutes=16)
    assert list(Delivery.objects.values_list("kind", flat=True).order_by("id")) == [
        "reminder",
        "snooze",
    ]
