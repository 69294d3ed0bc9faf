import base64

import pytest
from django.test import override_settings
from webpush.models import PushInformation, SubscriptionInfo

from backend.reminders.models import DeviceInfo


def body(subscription, **extra):
    return subscription.as_dict() | {"user_agent": "Mozilla/5.0 (Linux; Android 14)"} | extra


@pytest.mark.django_db
def test_a_person_turns_on_reminders_on_two_phones(api_as, person, receiver):
    phone, tablet = receiver.new_subscription(), receiver.new_subscription()

    assert api_as.post("/api/v1/devices/", body(phone), format="json").status_code == 201
    assert api_as.post("/api/v1/devices/", body(tablet), format="json").status_code == 201

    saved = SubscriptionInfo.objects.filter(webpush_info__user=person)
    assert sorted(saved.values_list("endpoint", flat=True)) == sorted(
        [phone.endpoint, tablet.endpoint]
    )
    assert saved.get(endpoint=phone.endpoint).p256dh == phone.p256dh


@pytest.mark.django_db
def test_subscribing_the_same_browser_again_keeps_one_device(api_as, person, receiver):
    phone = receiver.new_subscription()

    api_as.post("/api/v1/devices/", body(phone), format="json")
    api_as.post("/api/v1/devices/", body(phone), format="json")

    assert SubscriptionInfo.objects.filter(endpoint=phone.endpoint).count() == 1


@pytest.mark.django_db
def test_a_shared_phone_belongs_to_whoever_turned_reminders_on_last(
    api_as, person, outsider, receiver
):
    phone = receiver.new_subscription()
    api_as.post("/api/v1/devices/", body(phone), format="json")

    api_as.force_login(outsider)
    api_as.post("/api/v1/devices/", body(phone), format="json")

    assert list(PushInformation.objects.values_list("user__email", flat=True)) == [outsider.email]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "not a url"}, "endpoint"),
        ({"keys": {"p256dh": "short", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys"),
        ({"keys": {"p256dh": "B" * 87, "auth": "!!"}}, "keys"),
        ({"keys": None}, "keys"),
    ],
)
def test_a_malformed_subscription_is_refused_naming_the_field(api_as, receiver, change, field):
    response = api_as.post(
        "/api/v1/devices/", body(receiver.new_subscription(), **change), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not SubscriptionInfo.objects.exists()


@pytest.mark.django_db
def test_a_key_that_is_no_point_on_the_curve_is_refused(api_as, receiver):
    """65 bytes of base64url, but not a P-256 public key: every send to it would fail."""
    not_a_point = base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).rstrip(b"=").decode()
    phone = receiver.new_subscription()
    keys = {"p256dh": not_a_point, "auth": phone.auth}

    response = api_as.post("/api/v1/devices/", body(phone, keys=keys), format="json")

    assert response.status_code == 400
    assert response.json() == {"keys": {"p256dh": ["p256dh must be a point on the P-256 curve."]}}
    assert not SubscriptionInfo.objects.exists()


@pytest.mark.django_db
@override_settings(PUSH_ENDPOINT_REQUIRE_HTTPS=True)
def test_outside_tests_only_https_push_services_are_accepted(api_as, receiver):
    response = api_as.post("/api/v1/devices/", body(receiver.new_subscription()), format="json")

    assert response.status_code == 400
    assert response.json() == {"endpoint": ["A push endpoint must use https."]}


@pytest.mark.django_db
def test_a_person_turns_reminders_off_for_their_own_device_only(api_as, person, outsider, receiver):
    mine, theirs = receiver.new_subscription(), receiver.new_subscription()
    api_as.post("/api/v1/devices/", body(mine), format="json")
    api_as.force_login(outsider)
    api_as.post("/api/v1/devices/", body(theirs), format="json")
    api_as.force_login(person)

    refused = api_as.delete("/api/v1/devices/", {"endpoint": theirs.endpoint}, format="json")
    removed = api_as.delete("/api/v1/devices/", {"endpoint": mine.endpoint}, format="json")

    assert refused.status_code == 404
    assert removed.status_code == 204
    assert list(SubscriptionInfo.objects.values_list("endpoint", flat=True)) == [theirs.endpoint]


@pytest.mark.django_db
def test_devices_need_a_signed_in_person(api, receiver):
    response = api.post("/api/v1/devices/", body(receiver.new_subscription()), format="json")

    assert response.status_code == 403
    assert not SubscriptionInfo.objects.exists()


@pytest.mark.django_db
def test_a_person_lists_renames_and_removes_their_devices(api_as, person, receiver):
    phone = receiver.new_subscription()
    api_as.post("/api/v1/devices/", body(phone), format="json")

    [listed] = api_as.get("/api/v1/devices/").json()
    assert (listed["name"], listed["failing"]) == ("Android", False)

    renamed = api_as.patch(
        f"/api/v1/devices/{listed['id']}/", {"name": "Kitchen tablet"}, format="json"
    )
    assert renamed.json()["name"] == "Kitchen tablet"

    assert api_as.delete(f"/api/v1/devices/{listed['id']}/").status_code == 204
    assert api_as.get("/api/v1/devices/").json() == []


@pytest.mark.django_db
def test_a_device_that_keeps_failing_is_shown_as_such(api_as, person, receiver):
    api_as.post("/api/v1/devices/", body(receiver.new_subscription()), format="json")
    DeviceInfo.objects.update(consecutive_failures=DeviceInfo.FAILING_AFTER)

    assert api_as.get("/api/v1/devices/").json()[0]["failing"] is True


@pytest.mark.django_db
def test_someone_elses_device_cannot_be_seen_renamed_or_removed(api_as, person, outsider, receiver):
    api_as.post("/api/v1/devices/", body(receiver.new_subscription()), format="json")
    device_id = SubscriptionInfo.objects.get().id
    api_as.force_login(outsider)

    assert api_as.get("/api/v1/devices/").json() == []
    assert (
        api_as.patch(
            f"/api/v1/devices/{device_id}/", {"name": "Mine now"}, format="json"
        ).status_code
        == 404
    )
    assert api_as.delete(f"/api/v1/devices/{device_id}/").status_code == 404
    assert SubscriptionInfo.objects.filter(id=device_id).exists()


@pytest.mark.django_db
def test_a_browser_saying_it_is_subscribed_again_keeps_its_name(api_as, person, receiver):
    phone = receiver.new_subscription()
    api_as.post("/api/v1/devices/", body(phone), format="json")
    device_id = SubscriptionInfo.objects.get().id
    api_as.patch(f"/api/v1/devices/{device_id}/", {"name": "My phone"}, format="json")

    again = api_as.post("/api/v1/devices/", body(phone), format="json")

    assert again.json()["id"] == device_id
    assert again.json()["name"] == "My phone"
