"""Push endpoints that point into the server's own network are refused, at subscribing and at
each send: a signed-in person must not make the server POST to a private address."""

import asyncio
import logging
from datetime import UTC, date, datetime, time

import pytest
from django.test import override_settings
from webpush.models import SubscriptionInfo

from backend.plans.models import Schedule
from backend.plans.services import StretchInput, stretch_routine_save
from backend.reminders.delivery import deliveries_send
from backend.reminders.models import Delivery, Occurrence
from backend.reminders.push import PushError, _PublicOnlyResolver
from backend.reminders.services import (
    device_push,
    device_subscribe,
    reminder_test_payload,
)
from backend.reminders.tasks import send_occurrences

pytestmark = pytest.mark.django_db

PUBLIC_ONLY = override_settings(PUSH_ENDPOINT_ALLOW_PRIVATE=False)


def body(subscription, endpoint):
    return subscription.as_dict() | {"endpoint": endpoint}


@PUBLIC_ONLY
@pytest.mark.parametrize(
    "endpoint",
    [
        "https://localhost/push/abc",  # a name that resolves to 127.0.0.1
        "https://127.0.0.1/push/abc",
        "https://127.1.2.3:8443/push/abc",
        "https://10.0.0.7/push/abc",
        "https://172.16.5.4/push/abc",
        "https://192.168.1.20/push/abc",
        "https://169.254.169.254/latest/meta-data",  # link-local: cloud metadata
        "https://100.64.0.1/push/abc",  # shared address space
        "https://0.0.0.0/push/abc",
        "https://[::1]/push/abc",  # IPv6 loopback
        "https://[fd12:3456::1]/push/abc",  # IPv6 unique local (private)
        "https://[fe80::1]/push/abc",  # IPv6 link-local
        "https://[::ffff:127.0.0.1]/push/abc",  # IPv4 loopback written as IPv6
        "https://[::ffff:10.0.0.1]/push/abc",
        "https://224.0.0.1/push/abc",  # multicast
        # IPv6 forms that lead to a private IPv4 address:
        "https://[64:ff9b::7f00:1]/push/abc",  # NAT64 of 127.0.0.1
        "https://[64:ff9b::a9fe:a9fe]/push/abc",  # NAT64 of 169.254.169.254
        "https://[64:ff9b:1::a00:1]/push/abc",  # NAT64 for a local network
        "https://[2002:7f00:1::]/push/abc",  # 6to4 of 127.0.0.1
        "https://[2002:c0a8:114::1]/push/abc",  # 6to4 of 192.168.1.20
        "https://[::7f00:1]/push/abc",  # IPv4-compatible 127.0.0.1
        "https://[::a00:7]/push/abc",  # IPv4-compatible 10.0.0.7
        "https://[::ffff:0:7f00:1]/push/abc",  # IPv4-translated 127.0.0.1
    ],
)
def test_a_push_endpoint_on_a_private_address_is_refused(api_as, receiver, endpoint):
    response = api_as.post(
        "/api/v1/devices/", body(receiver.new_subscription(), endpoint), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"endpoint": ["A push endpoint must be on the public internet."]}
    assert not SubscriptionInfo.objects.exists()


@PUBLIC_ONLY
def test_a_push_endpoint_whose_name_does_not_resolve_is_refused(api_as, receiver):
    # .invalid never resolves (RFC 2606), with or without a network.
    endpoint = "https://push.example.invalid/push/abc"

    response = api_as.post(
        "/api/v1/devices/", body(receiver.new_subscription(), endpoint), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"endpoint": ["The push endpoint's host name does not resolve."]}
    assert not SubscriptionInfo.objects.exists()


@PUBLIC_ONLY
@pytest.mark.parametrize(
    "endpoint",
    [
        "https://8.8.8.8/push/abc",
        "https://[2606:4700:4700::1111]/push/abc",
        "https://[64:ff9b::808:808]/push/abc",  # NAT64 of a public address
        "https://[2002:808:808::1]/push/abc",  # 6to4 of a public address
    ],
)
def test_a_push_endpoint_on_a_public_address_is_taken(api_as, receiver, endpoint):
    response = api_as.post(
        "/api/v1/devices/", body(receiver.new_subscription(), endpoint), format="json"
    )

    assert response.status_code == 201
    assert SubscriptionInfo.objects.get().endpoint == endpoint


@PUBLIC_ONLY
@override_settings(PUSH_ENDPOINT_REQUIRE_HTTPS=True)
@pytest.mark.parametrize(
    ("endpoint", "answer"),
    [
        ("https://8.8.8.8:6379/push/abc", 400),  # a public host's Redis
        ("https://8.8.8.8:8443/push/abc", 400),
        ("https://8.8.8.8:443/push/abc", 201),
    ],
)
def test_a_push_endpoint_on_another_port_than_https_is_refused(api_as, receiver, endpoint, answer):
    response = api_as.post(
        "/api/v1/devices/", body(receiver.new_subscription(), endpoint), format="json"
    )

    assert response.status_code == answer
    if answer == 400:
        assert response.json() == {"endpoint": ["A push endpoint must use the https port, 443."]}
        assert not SubscriptionInfo.objects.exists()


def test_a_device_stored_with_another_port_gets_nothing_where_https_is_required(person, receiver):
    subscription = receiver.new_subscription()
    delivery = _reminder_for(person, subscription.endpoint, subscription)

    with override_settings(PUSH_ENDPOINT_REQUIRE_HTTPS=True):
        deliveries_send(delivery_ids=[delivery.id])

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert (receiver.messages, receiver.rejections) == ([], [])


def _reminder_for(person, endpoint, subscription) -> Delivery:
    """A stretch reminder due now, for one device stored earlier with this endpoint."""
    device_subscribe(
        user=person, endpoint=endpoint, p256dh=subscription.p256dh, auth=subscription.auth
    )
    stretch_routine_save(
        person=person,
        times=[time(8, 0)],
        stretches=[StretchInput("Calf stretch", "gastrocnemius", "both", 30, 3)],
    )
    schedule = Schedule.objects.get(person=person)
    occurrence = Occurrence.objects.create(
        schedule=schedule,
        kind=schedule.kind,
        person=person,
        local_date=date.today(),
        due_at=datetime.now(UTC),
        status=Occurrence.Status.DUE,
    )
    [delivery_id] = send_occurrences([occurrence.id], Delivery.Kind.REMINDER)
    return Delivery.objects.get(id=delivery_id)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_device_whose_host_now_resolves_to_a_private_address_gets_nothing(
    person, receiver, caplog, host
):
    # Accepted when it subscribed; by the time of sending its host means this machine.
    subscription = receiver.new_subscription()
    endpoint = subscription.endpoint.replace("127.0.0.1", host)
    delivery = _reminder_for(person, endpoint, subscription)

    with PUBLIC_ONLY, caplog.at_level(logging.WARNING):
        deliveries_send(delivery_ids=[delivery.id])

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert "public internet" in delivery.last_error
    assert "public internet" in caplog.text
    # Not even contacted: nothing arrived and nothing was turned away.
    assert (receiver.messages, receiver.rejections) == ([], [])


def test_the_same_device_is_sent_to_where_private_addresses_are_allowed(person, receiver):
    # The control for the test above: only the setting differs, and the message arrives.
    subscription = receiver.new_subscription()
    delivery = _reminder_for(person, subscription.endpoint, subscription)

    deliveries_send(delivery_ids=[delivery.id])

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(receiver.messages) == 1


def test_a_redirect_from_the_push_service_is_not_followed(person, receiver):
    # A redirect could lead the server to an address the endpoint check never saw.
    subscription, elsewhere = receiver.new_subscription(), receiver.new_subscription()
    delivery = _reminder_for(person, subscription.endpoint, subscription)
    receiver.respond_with(307, headers={"Location": elsewhere.endpoint})

    deliveries_send(delivery_ids=[delivery.id])

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert [status for _at, status in receiver.answers] == [307]
    assert receiver.messages == []


@PUBLIC_ONLY
def test_the_connection_itself_goes_only_to_public_addresses():
    # The endpoint check runs before a send; a host could resolve elsewhere a moment later.
    # The sender's own lookup, made as it connects, refuses private addresses too.
    async def connect_to_localhost():
        return await _PublicOnlyResolver().resolve("localhost", 443)

    with pytest.raises(OSError, match="no public address"):
        asyncio.run(connect_to_localhost())


def test_the_test_reminder_is_not_sent_to_a_private_address_either(person, receiver):
    subscription = receiver.new_subscription()
    device = device_subscribe(
        user=person,
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth,
    )

    with PUBLIC_ONLY, pytest.raises(PushError) as refused:
        device_push(subscription_id=device.id, payload=reminder_test_payload())

    assert refused.value.permanent  # the task gives up rather than retrying
    assert (receiver.messages, receiver.rejections) == ([], [])
