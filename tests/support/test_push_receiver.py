"""The local push service accepts what a real sender (pywebpush) sends and refuses the rest.

Plain pytest: nothing here needs Django.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import http_ece
import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from tests.support.push_receiver import PushReceiver, Subscription

SUB_CLAIM = "mailto:ops@tonus.example"


def public_key_b64(vapid: Vapid) -> str:
    raw = vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def vapid() -> Vapid:
    keys = Vapid()
    keys.generate_keys()
    return keys


@pytest.fixture
def receiver(vapid: Vapid) -> Iterator[PushReceiver]:
    with PushReceiver(public_key_b64(vapid)) as running:
        yield running


def send(
    subscription: Subscription | dict[str, Any],
    data: dict[str, Any],
    vapid: Vapid,
    **kwargs: Any,
) -> requests.Response:
    info = subscription.as_dict() if isinstance(subscription, Subscription) else subscription
    # Fresh claims each time: webpush() writes aud and exp into the dict it is given.
    return webpush(
        subscription_info=info,
        data=json.dumps(data),
        vapid_private_key=vapid,
        vapid_claims={"sub": SUB_CLAIM, **kwargs.pop("claims", {})},
        ttl=kwargs.pop("ttl", 60),
        **kwargs,
    )


def test_message_is_decrypted_to_what_was_sent(receiver: PushReceiver, vapid: Vapid) -> None:
    subscription = receiver.new_subscription()
    sent = {"title": "Time to practise", "body": "Wrist stretches, 10 minutes", "id": 42}

    response = send(subscription, sent, vapid, headers={"Urgency": "high", "Topic": "reminder"})

    assert response.status_code == 201
    assert response.headers["Location"].startswith(f"{receiver.origin}/message/")
    [message] = receiver.wait_for(1)
    assert message.json() == sent
    assert message.payload == json.dumps(sent).encode()
    assert message.endpoint == subscription.endpoint
    assert message.ttl == 60
    assert message.urgency == "high"
    assert message.topic == "reminder"
    assert message.vapid_sub == SUB_CLAIM
    assert receiver.rejections == []


def test_subscription_looks_like_a_browser_one(receiver: PushReceiver) -> None:
    subscription = receiver.new_subscription()

    info = subscription.as_dict()

    assert info == {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    assert subscription.endpoint.startswith(f"{receiver.origin}/push/")
    assert "=" not in subscription.p256dh + subscription.auth
    assert len(base64.urlsafe_b64decode(subscription.p256dh + "=")) == 65
    assert len(base64.urlsafe_b64decode(subscription.auth + "==")) == 16


def test_other_vapid_key_is_refused(receiver: PushReceiver) -> None:
    subscription = receiver.new_subscription()
    impostor = Vapid()
    impostor.generate_keys()

    with pytest.raises(WebPushException) as excinfo:
        send(subscription, {"title": "spoofed"}, impostor)

    assert excinfo.value.status_code == 403
    assert receiver.messages == []
    [(status, reason)] = receiver.rejections
    assert status == 403
    assert "k=" in reason


def test_missing_vapid_is_unauthorized(receiver: PushReceiver) -> None:
    subscription = receiver.new_subscription()

    with pytest.raises(WebPushException) as excinfo:
        webpush(subscription_info=subscription.as_dict(), data="{}", ttl=60)

    assert excinfo.value.status_code == 401
    assert receiver.messages == []


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "https://push.elsewhere.example"}, "audience"),
        ({"exp": int(time.time()) + 25 * 60 * 60}, "24 hours"),
    ],
)
def test_bad_vapid_claims_are_forbidden(
    receiver: PushReceiver, vapid: Vapid, claims: dict[str, Any], reason: str
) -> None:
    subscription = receiver.new_subscription()

    with pytest.raises(WebPushException) as excinfo:
        send(subscription, {"title": "x"}, vapid, claims=claims)

    assert excinfo.value.status_code == 403
    assert reason in receiver.rejections[-1][1]
    assert receiver.messages == []


def test_payload_for_other_keys_does_not_decrypt(receiver: PushReceiver, vapid: Vapid) -> None:
    subscription = receiver.new_subscription()
    # Same endpoint, but encrypted for another subscription's keys.
    other = receiver.new_subscription()
    info = {"endpoint": subscription.endpoint, "keys": other.as_dict()["keys"]}

    with pytest.raises(WebPushException) as excinfo:
        send(info, {"title": "x"}, vapid)

    assert excinfo.value.status_code == 400
    assert "decrypt" in receiver.rejections[-1][1]


def test_unknown_endpoint_is_not_found(receiver: PushReceiver, vapid: Vapid) -> None:
    subscription = receiver.new_subscription()
    info = subscription.as_dict()
    info["endpoint"] = f"{receiver.origin}/push/never-issued"

    with pytest.raises(WebPushException) as excinfo:
        send(info, {"title": "x"}, vapid)

    assert excinfo.value.status_code == 404
    assert receiver.messages == []


def test_forgotten_subscription_is_gone(receiver: PushReceiver, vapid: Vapid) -> None:
    subscription = receiver.new_subscription()
    send(subscription, {"n": 1}, vapid)
    receiver.forget(subscription)

    with pytest.raises(WebPushException) as excinfo:
        send(subscription, {"n": 2}, vapid)

    assert excinfo.value.status_code == 410
    assert [m.json() for m in receiver.messages] == [{"n": 1}]


def test_canned_response_is_returned_once(receiver: PushReceiver, vapid: Vapid) -> None:
    subscription = receiver.new_subscription()
    receiver.respond_with(429, headers={"Retry-After": "3"})

    with pytest.raises(WebPushException) as excinfo:
        send(subscription, {"n": 1}, vapid)
    assert excinfo.value.status_code == 429
    assert excinfo.value.retry_after == "3"
    assert receiver.messages == []
    assert receiver.rejections == [(429, "canned response")]

    response = send(subscription, {"n": 2}, vapid)

    assert response.status_code == 201
    assert [m.json() for m in receiver.wait_for(1)] == [{"n": 2}]


def test_canned_responses_repeat_then_run_in_order(receiver: PushReceiver, vapid: Vapid) -> None:
    subscription = receiver.new_subscription()
    receiver.respond_with(500, times=2)
    receiver.respond_with(503)

    statuses = []
    for n in range(4):
        try:
            statuses.append(send(subscription, {"n": n}, vapid).status_code)
        except WebPushException as exc:
            statuses.append(exc.status_code)

    assert statuses == [500, 500, 503, 201]
    assert [m.json() for m in receiver.messages] == [{"n": 3}]


def test_each_subscription_gets_its_own_messages(receiver: PushReceiver, vapid: Vapid) -> None:
    first = receiver.new_subscription()
    second = receiver.new_subscription()

    send(first, {"to": "first", "n": 1}, vapid)
    send(second, {"to": "second"}, vapid)
    send(first, {"to": "first", "n": 2}, vapid)

    assert len(receiver.wait_for(3)) == 3
    assert [m.json() for m in receiver.messages_for(first)] == [
        {"to": "first", "n": 1},
        {"to": "first", "n": 2},
    ]
    assert [m.json() for m in receiver.messages_for(second)] == [{"to": "second"}]
    receiver.clear()
    assert receiver.messages == []


def test_an_offline_device_gets_the_latest_message_of_each_topic(
    receiver: PushReceiver, vapid: Vapid
) -> None:
    subscription = receiver.new_subscription()
    receiver.offline(subscription)

    send(subscription, {"n": 1}, vapid, headers={"Topic": "morning"})
    send(subscription, {"n": 2}, vapid, headers={"Topic": "evening"})
    send(subscription, {"n": 3}, vapid, headers={"Topic": "morning"})
    send(subscription, {"n": 4}, vapid)
    assert receiver.messages == []
    receiver.online(subscription)

    assert [m.json() for m in receiver.messages_for(subscription)] == [{"n": 2}, {"n": 3}, {"n": 4}]
    assert len(receiver.accepted_for(subscription)) == 4
    send(subscription, {"n": 5}, vapid, headers={"Topic": "morning"})
    assert len(receiver.messages_for(subscription)) == 4  # delivered ones are not replaced


def test_a_late_answer_times_out_the_sender_yet_the_message_was_taken(
    receiver: PushReceiver, vapid: Vapid
) -> None:
    subscription = receiver.new_subscription()
    receiver.answer_late(2.0, times=1)

    with pytest.raises(requests.Timeout):
        send(subscription, {"n": 1}, vapid, timeout=0.5)
    response = send(subscription, {"n": 2}, vapid, timeout=5)

    assert response.status_code == 201
    assert [m.json() for m in receiver.wait_for(2)] == [{"n": 1}, {"n": 2}]
    assert receiver.rejections == []


def test_wait_for_times_out_with_the_reason(receiver: PushReceiver) -> None:
    receiver.respond_with(500)
    subscription = receiver.new_subscription()
    requests.post(subscription.endpoint, data=b"x", headers={"TTL": "0"}, timeout=5)

    with pytest.raises(AssertionError, match=r"1 push message.*0 arrived.*500 canned response"):
        receiver.wait_for(1, timeout=0.2)


# Hand-built requests for the protocol checks pywebpush never gets wrong.


def raw_request(receiver: PushReceiver, vapid: Vapid, subscription: Subscription) -> dict:
    """A valid push request, built by hand so a test can break one part of it."""
    body = http_ece.encrypt(
        b'{"title": "raw"}',
        private_key=ec.generate_private_key(ec.SECP256R1()),
        dh=base64.urlsafe_b64decode(subscription.p256dh + "="),
        auth_secret=subscription.auth_secret,
        version="aes128gcm",
    )
    claims = {"aud": receiver.origin, "exp": int(time.time()) + 3600, "sub": SUB_CLAIM}
    return {
        "headers": {
            "TTL": "30",
            "Content-Encoding": "aes128gcm",
            "Authorization": f"vapid t={jwt.encode(claims, vapid.private_key, 'ES256')}, "
            f"k={public_key_b64(vapid)}",
        },
        "claims": claims,
        "body": body,
    }


def post(subscription: Subscription, request: dict) -> requests.Response:
    return requests.post(
        subscription.endpoint, data=request["body"], headers=request["headers"], timeout=5
    )


def test_hand_built_request_is_accepted(receiver: PushReceiver, vapid: Vapid) -> None:
    subscription = receiver.new_subscription()

    response = post(subscription, raw_request(receiver, vapid, subscription))

    assert response.status_code == 201, response.text
    assert receiver.wait_for(1)[0].json() == {"title": "raw"}


@pytest.mark.parametrize(
    ("header", "value", "status"),
    [
        ("TTL", None, 400),
        ("TTL", "-1", 400),
        ("TTL", "soon", 400),
        ("Content-Encoding", None, 415),
        ("Content-Encoding", "aesgcm", 415),
        ("Urgency", "urgent", 400),
        ("Topic", "not a valid topic!", 400),
        ("Authorization", None, 401),
        ("Authorization", "WebPush abc", 403),
    ],
)
def test_protocol_violations_are_refused(
    receiver: PushReceiver, vapid: Vapid, header: str, value: str | None, status: int
) -> None:
    subscription = receiver.new_subscription()
    request = raw_request(receiver, vapid, subscription)
    if value is None:
        del request["headers"][header]
    else:
        request["headers"][header] = value

    response = post(subscription, request)

    assert response.status_code == status, response.text
    assert receiver.messages == []
    assert receiver.rejections[-1][0] == status


@pytest.mark.parametrize("sub", [None, "ops@tonus.example", "http://tonus.example"])
def test_vapid_sub_must_be_a_contact_uri(
    receiver: PushReceiver, vapid: Vapid, sub: str | None
) -> None:
    subscription = receiver.new_subscription()
    request = raw_request(receiver, vapid, subscription)
    claims = {k: v for k, v in request["claims"].items() if k != "sub"}
    if sub is not None:
        claims["sub"] = sub
    token = jwt.encode(claims, vapid.private_key, "ES256")
    request["headers"]["Authorization"] = f"vapid t={token}, k={public_key_b64(vapid)}"

    response = post(subscription, request)

    assert response.status_code == 403, response.text
    assert receiver.messages == []


def test_expired_vapid_token_is_forbidden(receiver: PushReceiver, vapid: Vapid) -> None:
    subscription = receiver.new_subscription()
    request = raw_request(receiver, vapid, subscription)
    claims = {**request["claims"], "exp": int(time.time()) - 60}
    token = jwt.encode(claims, vapid.private_key, "ES256")
    request["headers"]["Authorization"] = f"vapid t={token}, k={public_key_b64(vapid)}"

    response = post(subscription, request)

    assert response.status_code == 403
    assert "expired" in receiver.rejections[-1][1]


def test_oversized_body_is_refused(receiver: PushReceiver, vapid: Vapid) -> None:
    subscription = receiver.new_subscription()
    request = raw_request(receiver, vapid, subscription)
    request["body"] = b"\0" * 5000

    response = post(subscription, request)

    assert response.status_code == 413
    assert receiver.messages == []


def test_rejects_a_malformed_server_key() -> None:
    with pytest.raises(ValueError, match="P-256"):
        PushReceiver("not-a-key")


def test_stop_releases_the_port(vapid: Vapid) -> None:
    receiver = PushReceiver(public_key_b64(vapid)).start()
    endpoint = receiver.new_subscription().endpoint
    receiver.stop()
    receiver.stop()  # idempotent

    with pytest.raises(requests.ConnectionError):
        requests.post(endpoint, data=b"x", headers={"TTL": "0"}, timeout=2)


def test_a_subscription_forgotten_entirely_is_not_found(
    receiver: PushReceiver, vapid: Vapid
) -> None:
    subscription = receiver.new_subscription()
    receiver.forget(subscription, entirely=True)

    with pytest.raises(WebPushException) as excinfo:
        send(subscription, {"n": 1}, vapid)

    assert excinfo.value.response.status_code == 404
