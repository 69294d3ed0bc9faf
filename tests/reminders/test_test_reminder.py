import pytest
from webpush.models import SubscriptionInfo

from backend.reminders.services import device_subscribe
from tests.support.waiting import wait_until


def subscribe(user, subscription):
    return device_subscribe(
        user=user,
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth,
    )


@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_test_reminder_to_every_device(api_as, person, receiver, celery_worker):
    phone, tablet = receiver.new_subscription(), receiver.new_subscription()
    subscribe(person, phone)
    subscribe(person, tablet)

    response = api_as.post("/api/v1/reminders/test/")

    assert response.status_code == 202
    assert response.json() == {"devices": 2}
    receiver.wait_for(2, timeout=20)
    for device in (phone, tablet):
        [message] = receiver.messages_for(device)
        assert message.json() == {
            "title": "Tonus test reminder",
            "body": "Reminders work on this device.",
            "url": "/",
            "tag": "tonus-test",
        }
        assert message.vapid_sub.startswith("mailto:")
        assert message.ttl > 0


@pytest.mark.django_db(transaction=True)
def test_it_reaches_only_the_requesting_persons_devices(
    api_as, person, outsider, receiver, celery_worker
):
    mine, theirs = receiver.new_subscription(), receiver.new_subscription()
    subscribe(person, mine)
    subscribe(outsider, theirs)

    api_as.post("/api/v1/reminders/test/")

    receiver.wait_for(1, timeout=20)
    assert len(receiver.messages_for(mine)) == 1
    assert receiver.messages_for(theirs) == []


@pytest.mark.django_db(transaction=True)
def test_a_device_its_push_service_forgot_is_removed(api_as, person, receiver, celery_worker):
    gone, kept = receiver.new_subscription(), receiver.new_subscription()
    subscribe(person, gone)
    subscribe(person, kept)
    receiver.forget(gone)

    api_as.post("/api/v1/reminders/test/")

    receiver.wait_for(1, timeout=20)
    wait_until(
        lambda: not SubscriptionInfo.objects.filter(endpoint=gone.endpoint).exists(),
        what="removing the gone device",
    )
    assert list(SubscriptionInfo.objects.values_list("endpoint", flat=True)) == [kept.endpoint]


@pytest.mark.django_db(transaction=True)
def test_a_busy_push_service_is_retried_until_it_accepts(api_as, person, receiver, celery_worker):
    phone = receiver.new_subscription()
    subscribe(person, phone)
    receiver.respond_with(429, headers={"Retry-After": "1"})

    api_as.post("/api/v1/reminders/test/")

    [message] = receiver.wait_for(1, timeout=20)
    assert message.json()["title"] == "Tonus test reminder"
    assert receiver.rejections == [(429, "canned response")]


def test_without_a_device_it_asks_to_turn_reminders_on(api_as):
    response = api_as.post("/api/v1/reminders/test/")

    assert response.status_code == 400
    assert "Turn on reminders" in response.json()["detail"]


def test_it_needs_a_signed_in_person(api, db):
    assert api.post("/api/v1/reminders/test/").status_code == 403
