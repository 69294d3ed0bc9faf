"""One VAPID signature per push service, reused while it is fresh: push services accept it for
what it says (RFC 8292), and signing every message would cost as much as encrypting it."""

import time

from django.conf import settings

from backend.reminders.push import VAPID_LIFETIME_SECONDS, VapidSigner
from tests.support.push_receiver import b64url_decode, check_vapid

SERVICE = "https://push.example.net"
OTHER = "https://updates.push.example.org"
HOUR = 60 * 60


def signer() -> VapidSigner:
    webpush = settings.WEBPUSH_SETTINGS
    return VapidSigner(webpush["VAPID_PRIVATE_KEY"], webpush["VAPID_ADMIN_EMAIL"])


def accepted_by(service: str, headers: dict) -> str:
    """What a push service checks: our key, its own origin, an expiry under 24 hours."""
    public_key = b64url_decode(settings.WEBPUSH_SETTINGS["VAPID_PUBLIC_KEY"])
    return check_vapid(headers["Authorization"], public_key_raw=public_key, audience=service)


def test_a_token_is_reused_for_its_service_and_each_service_gets_its_own():
    vapid, now = signer(), time.time()

    first = vapid.headers(SERVICE, now=now)
    later = vapid.headers(SERVICE, now=now + 10 * HOUR)
    other = vapid.headers(OTHER, now=now)

    assert later is first
    assert other != first
    assert accepted_by(OTHER, other).startswith("mailto:")


def test_a_token_is_renewed_an_hour_before_it_expires():
    vapid, now = signer(), time.time()
    first = vapid.headers(SERVICE, now=now)

    renewed = vapid.headers(SERVICE, now=now + VAPID_LIFETIME_SECONDS - HOUR)

    assert renewed != first
    assert VAPID_LIFETIME_SECONDS <= 24 * HOUR  # what push services take


def test_a_fresh_token_is_one_the_push_service_takes():
    headers = signer().headers(SERVICE)

    assert (
        accepted_by(SERVICE, headers) == f"mailto:{settings.WEBPUSH_SETTINGS['VAPID_ADMIN_EMAIL']}"
    )


def test_a_push_service_on_an_ipv6_address_gets_a_message_it_takes(settings):
    """An endpoint such as https://[2001:db8::1]/p is valid: its origin, the token's audience,
    keeps the brackets (RFC 6454), and the message goes out."""
    from backend.reminders.push import Device, push_send
    from tests.support.push_receiver import PushReceiver

    with PushReceiver(settings.WEBPUSH_SETTINGS["VAPID_PUBLIC_KEY"], host="::1") as receiver:
        phone = receiver.new_subscription()
        assert phone.endpoint.startswith("http://[::1]:")

        device = Device(endpoint=phone.endpoint, p256dh=phone.p256dh, auth=phone.auth)
        push_send(device=device, payload={"title": "Stretches"}, ttl=60)

        [message] = receiver.wait_for(1)
    assert message.json() == {"title": "Stretches"}
    assert receiver.rejections == []


def test_the_audience_is_the_origin_without_user_info_or_default_port():
    from backend.reminders.push import _origin

    assert _origin("https://user@push.example.net:443/p") == SERVICE
    assert _origin("https://[2001:DB8::1]:8443/p") == "https://[2001:db8::1]:8443"
