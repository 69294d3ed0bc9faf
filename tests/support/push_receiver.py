"""A local Web Push service for tests.

Tests cannot reach real push services, so the application sends real, encrypted
and VAPID-signed messages to this receiver instead. It runs on 127.0.0.1 in a
background thread and checks requests the way a push service would:

* RFC 8030 (Web Push protocol): ``TTL``, ``Urgency``, ``Topic`` headers, and
  404/410 for unknown or expired subscriptions.
* RFC 8292 (VAPID): ``Authorization: vapid t=<JWT>, k=<public key>``.
* RFC 8291 (message encryption): the body must decrypt with the subscription's
  private key and auth secret, which only the test holds, as a browser would.

It can also answer with canned failures (``respond_with``, ``forget``), answer
late (``answer_late``: the message is taken, the sender may time out before it
hears so), and hold messages for a device that is not connected (``offline``):
there, as RFC 8030 section 5.4 says, a new message with the same ``Topic``
replaces one not yet delivered. ``messages`` is what devices received;
``accepted`` is every message the service took, replaced ones included.

Typical use::

    with PushReceiver(vapid_public_key) as receiver:
        subscription = receiver.new_subscription()
        ...  # make the app send to subscription.as_dict()
        [message] = receiver.wait_for(1)
        assert message.json()["title"] == "Time to practise"
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http import HTTPStatus
from http.client import HTTPMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

__all__ = ["PushReceiver", "ReceivedMessage", "Subscription", "check_vapid", "decrypt"]

# RFC 8030 section 7.2 only obliges push services to take 4096 bytes of
# payload; real services refuse more, so a bigger body is a sender bug.
MAX_BODY_BYTES = 4096
# RFC 8292 section 2: a JWT "exp" must be no more than 24 hours ahead.
MAX_VAPID_LIFETIME_SECONDS = 24 * 60 * 60
# RFC 8030 section 5.3.
URGENCIES = frozenset({"very-low", "low", "normal", "high"})
# RFC 8030 section 5.4: at most 32 characters of the URL-safe base64 alphabet.
TOPIC_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
DIGITS_RE = re.compile(r"[0-9]+")
PUSH_PATH_RE = re.compile(r"/push/([A-Za-z0-9_-]+)")


def b64url_encode(data: bytes) -> str:
    """Base64url without padding, the form browsers use for subscription keys."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url whether or not the sender kept the padding."""
    text = text.strip().rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Subscription:
    """A push subscription as a browser would hold it, private key included."""

    endpoint: str
    p256dh: str
    auth: str
    token: str = field(repr=False)
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    auth_secret: bytes = field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The shape of the browser's ``PushSubscription.toJSON()``."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass(frozen=True)
class ReceivedMessage:
    """One push message the receiver accepted, already decrypted."""

    endpoint: str
    payload: bytes
    ttl: int
    urgency: str | None
    topic: str | None
    vapid_sub: str
    received_at: float

    def json(self) -> Any:
        return json.loads(self.payload)


@dataclass
class _CannedResponse:
    status: int
    remaining: int
    headers: dict[str, str]


class _Rejected(Exception):
    """Internal: stops request handling with an HTTP error status."""

    def __init__(self, status: int, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        self.status = int(status)  # plain ints read better in rejections than HTTPStatus
        self.reason = reason
        self.headers = headers or {}


class PushReceiver:
    """A Web Push service on 127.0.0.1 that accepts messages for its own subscriptions.

    ``vapid_public_key`` is the application server's VAPID public key: base64url
    of the uncompressed P-256 point (65 bytes), as given to browsers as
    ``applicationServerKey``. Only messages signed with the matching private
    key are accepted.
    """

    def __init__(self, vapid_public_key: str, host: str = "127.0.0.1") -> None:
        # "::1" serves on IPv6 loopback: endpoints with an IPv6 literal, "http://[::1]:PORT".
        self._host = host
        try:
            raw_key = b64url_decode(vapid_public_key)
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw_key)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(
                "vapid_public_key must be base64url of an uncompressed P-256 point"
            ) from exc
        if len(raw_key) != 65:
            # from_encoded_point also takes 33-byte compressed points, but
            # RFC 8292 "k" is always the uncompressed form.
            raise ValueError("vapid_public_key must be the 65-byte uncompressed P-256 point")
        self._vapid_key_raw = raw_key

        # One lock guards all state below; the condition wakes wait_for().
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._subscriptions: dict[str, Subscription] = {}
        self._gone: set[str] = set()
        self._canned: deque[_CannedResponse] = deque()
        self._messages: list[ReceivedMessage] = []
        self._accepted: list[ReceivedMessage] = []
        self._rejections: list[tuple[int, str]] = []
        self._answers: list[tuple[float, int]] = []
        self._offline: set[str] = set()
        self._held: dict[str, list[ReceivedMessage]] = {}
        self._late_seconds = 0.0
        self._late_remaining: int | None = None  # None: every message

        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle ---------------------------------------------------------------

    def start(self) -> PushReceiver:
        if self._server is not None:
            raise RuntimeError("PushReceiver is already running")
        server = (_Server6 if ":" in self._host else _Server)((self._host, 0), _Handler)
        server.receiver = self
        self._server = server
        # A short poll interval keeps stop() fast between tests.
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"push-receiver-{server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> PushReceiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``; also the ``aud`` the VAPID JWT must carry."""
        if self._server is None:
            raise RuntimeError("PushReceiver is not running; call start() first")
        host, port = self._server.server_address[:2]
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    # Subscriptions -----------------------------------------------------------

    def new_subscription(self) -> Subscription:
        """Create a subscription whose keys the test owns, as a browser would."""
        private_key = ec.generate_private_key(ec.SECP256R1())
        public_raw = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        auth_secret = secrets.token_bytes(16)
        token = secrets.token_urlsafe(16)
        subscription = Subscription(
            endpoint=f"{self.origin}/push/{token}",
            p256dh=b64url_encode(public_raw),
            auth=b64url_encode(auth_secret),
            token=token,
            private_key=private_key,
            auth_secret=auth_secret,
        )
        with self._lock:
            self._subscriptions[token] = subscription
        return subscription

    def endpoints(self) -> set[str]:
        """Every subscription's endpoint so far."""
        with self._lock:
            return {subscription.endpoint for subscription in self._subscriptions.values()}

    def forget(self, subscription: Subscription, *, entirely: bool = False) -> None:
        """Expire a subscription: later posts to it get 410 Gone (RFC 8030 section 7.3), or
        404 Not Found when the service forgot it `entirely`."""
        with self._lock:
            if entirely:
                self._subscriptions.pop(subscription.token, None)
            else:
                self._gone.add(subscription.token)

    def offline(self, subscription: Subscription) -> None:
        """The device is not connected: its messages wait at the service (RFC 8030 section 5.2),
        and a new one with the same Topic replaces the one waiting (section 5.4)."""
        with self._lock:
            self._offline.add(subscription.token)

    def online(self, subscription: Subscription) -> None:
        """The device connects again and receives what waited for it, oldest first."""
        with self._arrived:
            self._offline.discard(subscription.token)
            self._messages.extend(self._held.pop(subscription.token, []))
            self._arrived.notify_all()

    # Fault injection ---------------------------------------------------------

    def answer_late(self, seconds: float, times: int | None = None) -> None:
        """Take the next ``times`` messages (every one when None) as usual, but answer only
        after ``seconds``: a sender that gives up sooner never learns the message was taken,
        and one that is killed meanwhile leaves it taken all the same."""
        with self._lock:
            self._late_seconds = seconds
            self._late_remaining = times

    def respond_with(
        self, status: int, times: int = 1, headers: dict[str, str] | None = None
    ) -> None:
        """Answer the next ``times`` POSTs with ``status`` instead of accepting them.

        Canned responses are queued in order and take precedence over every
        other check, so they apply whatever the request looks like.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._canned.append(_CannedResponse(status, times, dict(headers or {})))

    # Inspection --------------------------------------------------------------

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._lock:
            return list(self._messages)

    @property
    def rejections(self) -> list[tuple[int, str]]:
        """Every refused POST as (status, reason), oldest first."""
        with self._lock:
            return list(self._rejections)

    @property
    def accepted(self) -> list[ReceivedMessage]:
        """Every message the service took, including ones a same-Topic message replaced."""
        with self._lock:
            return list(self._accepted)

    @property
    def answers(self) -> list[tuple[float, int]]:
        """Every POST as (time.monotonic() when it came, status answered), oldest first."""
        with self._lock:
            return list(self._answers)

    def messages_for(self, subscription: Subscription) -> list[ReceivedMessage]:
        with self._lock:
            return [m for m in self._messages if m.endpoint == subscription.endpoint]

    def accepted_for(self, subscription: Subscription) -> list[ReceivedMessage]:
        with self._lock:
            return [m for m in self._accepted if m.endpoint == subscription.endpoint]

    def clear(self) -> None:
        """Drop recorded messages, rejections, held messages, offline devices and late
        answers (subscriptions and canned responses stay)."""
        with self._lock:
            self._messages.clear()
            self._accepted.clear()
            self._rejections.clear()
            self._answers.clear()
            self._offline.clear()
            self._held.clear()
            self._late_seconds, self._late_remaining = 0.0, None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMessage]:
        """Block until at least ``count`` messages arrived; return all of them.

        Senders often deliver from a worker thread or task queue, so tests wait
        here rather than asserting straight after triggering a send.
        """
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self._messages) >= count, timeout):
                last = (
                    f"last rejection: {self._rejections[-1][0]} {self._rejections[-1][1]}"
                    if self._rejections
                    else "no rejected attempts"
                )
                raise AssertionError(
                    f"expected {count} push message(s) within {timeout}s, "
                    f"{len(self._messages)} arrived; {last}"
                )
            return list(self._messages)

    # Request handling (called on server threads) -----------------------------

    def _handle_push(self, path: str, headers: HTTPMessage, body: bytes) -> str:
        """Validate and record one push; return the message id or raise _Rejected."""
        with self._lock:
            canned = self._take_canned()
            if canned is not None:
                raise _Rejected(canned.status, "canned response", canned.headers)
            match = PUSH_PATH_RE.fullmatch(path)
            subscription = self._subscriptions.get(match.group(1)) if match else None
            if subscription is None:
                raise _Rejected(HTTPStatus.NOT_FOUND, f"no subscription at {path}")
            if subscription.token in self._gone:
                raise _Rejected(HTTPStatus.GONE, "subscription expired")

        ttl = self._check_ttl(headers.get("TTL"))
        urgency = headers.get("Urgency")
        if urgency is not None and urgency not in URGENCIES:
            raise _Rejected(HTTPStatus.BAD_REQUEST, f"invalid Urgency header {urgency!r}")
        topic = headers.get("Topic")
        if topic is not None and not TOPIC_RE.fullmatch(topic):
            raise _Rejected(HTTPStatus.BAD_REQUEST, f"invalid Topic header {topic!r}")
        encoding = headers.get("Content-Encoding")
        if encoding != "aes128gcm":
            raise _Rejected(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                f"Content-Encoding must be aes128gcm, got {encoding!r}",
            )
        vapid_sub = self._check_vapid(headers.get("Authorization"))
        payload = self._decrypt(body, subscription)

        message = ReceivedMessage(
            endpoint=subscription.endpoint,
            payload=payload,
            ttl=ttl,
            urgency=urgency,
            topic=topic,
            vapid_sub=vapid_sub,
            received_at=time.time(),
        )
        with self._arrived:
            self._accepted.append(message)
            if subscription.token in self._offline:
                held = self._held.setdefault(subscription.token, [])
                if topic is not None:
                    held[:] = [m for m in held if m.topic != topic]
                held.append(message)
            else:
                self._messages.append(message)
                self._arrived.notify_all()
        return secrets.token_urlsafe(12)

    def _take_late(self) -> float:
        """Seconds to wait before answering a message just taken."""
        with self._lock:
            if self._late_remaining == 0 or not self._late_seconds:
                return 0.0
            if self._late_remaining is not None:
                self._late_remaining -= 1
            return self._late_seconds

    def _take_canned(self) -> _CannedResponse | None:
        # Caller holds the lock.
        if not self._canned:
            return None
        canned = self._canned[0]
        canned.remaining -= 1
        if canned.remaining == 0:
            self._canned.popleft()
        return canned

    def _record_rejection(self, status: int, reason: str) -> None:
        with self._lock:
            self._rejections.append((status, reason))

    def _record_answer(self, arrived: float, status: int) -> None:
        with self._lock:
            self._answers.append((arrived, status))

    @staticmethod
    def _check_ttl(value: str | None) -> int:
        if value is None:
            raise _Rejected(HTTPStatus.BAD_REQUEST, "missing TTL header")
        if not DIGITS_RE.fullmatch(value.strip()):
            raise _Rejected(HTTPStatus.BAD_REQUEST, f"TTL must be an integer >= 0, got {value!r}")
        return int(value)

    def _check_vapid(self, authorization: str | None) -> str:
        return check_vapid(authorization, public_key_raw=self._vapid_key_raw, audience=self.origin)

    @staticmethod
    def _decrypt(body: bytes, subscription: Subscription) -> bytes:
        return decrypt(
            body, private_key=subscription.private_key, auth_secret=subscription.auth_secret
        )


def check_vapid(authorization: str | None, *, public_key_raw: bytes, audience: str) -> str:
    """Verify RFC 8292 credentials against the application server's public key (the 65-byte
    uncompressed point) and the push service's origin; return the JWT ``sub`` claim."""
    if not authorization:
        raise _Rejected(HTTPStatus.UNAUTHORIZED, "missing Authorization header")
    scheme, _, params_text = authorization.strip().partition(" ")
    if scheme.lower() != "vapid":
        raise _Rejected(HTTPStatus.FORBIDDEN, f"Authorization scheme {scheme!r} is not vapid")
    params: dict[str, str] = {}
    for part in params_text.split(","):
        name, _, value = part.strip().partition("=")
        params[name.strip().lower()] = value.strip()
    token, key = params.get("t"), params.get("k")
    if not token or not key:
        raise _Rejected(HTTPStatus.FORBIDDEN, "vapid credentials need both t= and k=")
    try:
        key_matches = b64url_decode(key) == public_key_raw
    except (binascii.Error, ValueError):
        key_matches = False
    if not key_matches:
        raise _Rejected(HTTPStatus.FORBIDDEN, "vapid k= is not the application server key")

    try:
        claims = jwt.decode(
            token,
            key=ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public_key_raw),
            algorithms=["ES256"],
            audience=audience,
            options={"require": ["aud", "exp", "sub"]},
        )
    except jwt.InvalidAudienceError as exc:
        # Spell out the expected value: a wrong aud usually means the
        # sender derived it from the wrong URL.
        raise _Rejected(
            HTTPStatus.FORBIDDEN, f"vapid JWT rejected: audience is not {audience}"
        ) from exc
    except jwt.PyJWTError as exc:
        raise _Rejected(HTTPStatus.FORBIDDEN, f"vapid JWT rejected: {exc}") from exc
    if claims["exp"] > time.time() + MAX_VAPID_LIFETIME_SECONDS:
        raise _Rejected(HTTPStatus.FORBIDDEN, "vapid JWT exp is more than 24 hours ahead")
    sub = claims["sub"]
    if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
        raise _Rejected(HTTPStatus.FORBIDDEN, f"vapid sub must be mailto: or https:, got {sub!r}")
    return sub


def decrypt(body: bytes, *, private_key: ec.EllipticCurvePrivateKey, auth_secret: bytes) -> bytes:
    """Decrypt an RFC 8291 (aes128gcm) message with the subscription's own keys."""
    if not body:
        # RFC 8030 allows payload-less pushes, but the app always sends
        # one, so an empty body here means the sender lost it.
        raise _Rejected(HTTPStatus.BAD_REQUEST, "empty body")
    try:
        return cast(
            bytes,
            http_ece.decrypt(
                body, private_key=private_key, auth_secret=auth_secret, version="aes128gcm"
            ),
        )
    except Exception as exc:  # http_ece raises assorted types on bad input
        raise _Rejected(HTTPStatus.BAD_REQUEST, f"payload failed to decrypt: {exc!r}") from exc


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: PushReceiver

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A sender that timed out or was killed has closed its end: nothing to report.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 so senders that keep connections alive (requests sessions,
    # aiohttp) behave as they would against a real push service.
    protocol_version = "HTTP/1.1"
    server_version = "TonusTestPushService/1.0"

    def do_POST(self) -> None:
        receiver = cast(_Server, self.server).receiver
        arrived = time.monotonic()
        try:
            body = self._read_body()
            message_id = receiver._handle_push(self.path, self.headers, body)
        except _Rejected as rejection:
            receiver._record_rejection(rejection.status, rejection.reason)
            receiver._record_answer(arrived, rejection.status)
            self._reply(rejection.status, rejection.reason, rejection.headers)
            return
        location = f"{receiver.origin}/message/{message_id}"
        receiver._record_answer(arrived, int(HTTPStatus.CREATED))
        late = receiver._take_late()
        if late:
            time.sleep(late)
        self._reply(HTTPStatus.CREATED, "", {"Location": location})

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None or not DIGITS_RE.fullmatch(length.strip()):
            # Without a length the rest of the stream can't be trusted.
            self.close_connection = True
            raise _Rejected(HTTPStatus.LENGTH_REQUIRED, "missing or invalid Content-Length")
        size = int(length)
        if size > MAX_BODY_BYTES:
            # Drop the connection rather than read an oversized body.
            self.close_connection = True
            raise _Rejected(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"body is {size} bytes; push services take at most {MAX_BODY_BYTES}",
            )
        # Always read the whole body, even for requests that will be refused,
        # so the next request on a kept-alive connection starts cleanly.
        return self.rfile.read(size)

    def _reply(self, status: int, text: str, headers: dict[str, str]) -> None:
        data = text.encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if not any(name.lower() == "content-type" for name in headers):
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        # Per-request access lines would only clutter test output.
        pass
