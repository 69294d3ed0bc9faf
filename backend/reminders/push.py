"""Sending Web Push messages through pywebpush with VAPID, many at a time.

pywebpush encrypts each message (RFC 8291) and posts it. What a busy sender adds around it:
one VAPID signature per push service, reused until shortly before it expires (RFC 8292), one
pooled HTTP client per process with many requests in flight, and what a failure means: the
device is gone, a retry may help, or not.
"""

import asyncio
import atexit
import json
import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import aiohttp
from aiohttp.resolver import ThreadedResolver
from django.conf import settings
from django.utils import timezone
from py_vapid import Vapid
from pywebpush import WebPusher

from backend.reminders.endpoints import NO_HOST, endpoint_refusal, is_public_address

logger = logging.getLogger(__name__)

# A token lives 12 hours (push services take at most 24) and is renewed an hour before it ends,
# so one still valid when a request leaves is still valid when it arrives.
VAPID_LIFETIME_SECONDS = 12 * 60 * 60
VAPID_RENEW_BEFORE_SECONDS = 60 * 60


@dataclass(frozen=True)
class Device:
    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class Message:
    """One notification for one device."""

    device: Device
    payload: dict
    ttl: int
    urgency: str = "normal"
    topic: str | None = None


class PushError(Exception):
    """A send that failed. `permanent` says whether sending the same message again can help."""

    def __init__(self, message: str, *, permanent: bool, retry_after: float | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class DeviceGone(PushError):
    """The push service no longer knows this subscription (404 or 410): forget the device."""

    def __init__(self, message: str):
        super().__init__(message, permanent=True)


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


class DeviceUnusable(PushError):
    """The device's subscription itself is broken (keys that are not a P-256 point, an address
    no request can be made to): no later try can help until the browser subscribes again."""

    def __init__(self, message: str):
        super().__init__(message, permanent=True)


DEFAULT_PORTS = {"https": 443, "http": 80}


def _origin(url: str) -> str:
    """The endpoint's origin as RFC 6454 serializes it, the VAPID `aud` (RFC 8292): no user
    info, the default port left out, an IPv6 host in brackets."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == DEFAULT_PORTS.get(parts.scheme):
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


class _Vapid(Vapid):
    def _base_sign(self, claims: dict) -> dict:
        # py_vapid's check of `aud` takes no IPv6 literal ("https://[2001:db8::1]"), though it
        # is a valid origin: check the rest of the claims with a stand-in, then sign the real.
        host = urlsplit(claims["aud"]).hostname or ""
        if ":" not in host:
            return super()._base_sign(claims)
        return super()._base_sign(claims | {"aud": "https://ipv6.invalid"}) | {"aud": claims["aud"]}


class VapidSigner:
    """VAPID Authorization headers, signed once per push service origin and reused."""

    def __init__(self, private_key: str, contact: str) -> None:
        self._vapid = _Vapid.from_string(private_key=private_key)
        # Apple's push service refuses a subject with a space in it.
        self._subject = f"mailto:{contact}"
        self._tokens: dict[str, tuple[dict[str, str], float]] = {}
        self._lock = threading.Lock()

    def headers(self, origin: str, *, now: float | None = None) -> dict[str, str]:
        now = time.time() if now is None else now
        with self._lock:
            cached = self._tokens.get(origin)
            if cached is not None and cached[1] - VAPID_RENEW_BEFORE_SECONDS > now:
                return cached[0]
            expires = int(now) + VAPID_LIFETIME_SECONDS
            headers = self._vapid.sign({"sub": self._subject, "aud": origin, "exp": expires})
            self._tokens[origin] = (headers, expires)
            return headers


class _PublicOnlyResolver(ThreadedResolver):
    """Connects only to public addresses, looked up as the connection is made: a host that
    passed the endpoint check cannot turn private between the check and the request."""

    async def resolve(self, host: str, port: int = 0, family=socket.AF_INET):
        if settings.PUSH_ENDPOINT_ALLOW_PRIVATE:
            return await super().resolve(host, port, family)
        public = [
            result
            for result in await super().resolve(host, port, family)
            if is_public_address(result["host"])
        ]
        if not public:
            raise OSError(f"{host} resolves to no public address")
        return public


class _NoRedirects:
    """The pooled session as pywebpush posts through it, never following a redirect: a push
    service has no reason to send one, and following it would reach an address never checked."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    def post(self, url: str, **kwargs):
        return self._session.post(url, allow_redirects=False, **kwargs)


class _Sender:
    """An event loop on a thread of its own, with one pooled aiohttp session.

    Callers on any thread (a Celery worker's, a test's) hand it messages and get futures back,
    so they can record results in the database while later messages are still in flight.
    """

    def __init__(self, concurrency: int, signer: VapidSigner) -> None:
        self.signer = signer
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="push-sender", daemon=True)
        self._concurrency = concurrency
        self._failure: BaseException | None = None
        self._thread.start()
        self._ready.wait()
        if self._failure is not None:
            raise self._failure

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._open())
        except BaseException as exc:
            self._failure = exc
            raise
        finally:
            self._ready.set()
        self._loop.run_forever()

    async def _open(self) -> None:
        self._running: set[asyncio.Task] = set()
        self._limit = asyncio.Semaphore(self._concurrency)
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=self._concurrency, resolver=_PublicOnlyResolver(), use_dns_cache=False
            ),
            timeout=aiohttp.ClientTimeout(total=settings.PUSH_TIMEOUT_SECONDS),
        )
        self._poster = _NoRedirects(self._session)

    def send_all(self, messages: list[tuple[int, Message]]) -> queue.SimpleQueue:
        """Start sending; each (index, error or None) is put on the queue as its send ends.
        One hand-over to the loop for the whole batch: a call per message costs more than the
        request it makes."""
        results: queue.SimpleQueue = queue.SimpleQueue()

        async def send(index: int, message: Message) -> None:
            try:
                await self._send(message)
            except PushError as error:
                results.put((index, error))
            except Exception as error:
                # Whatever one device's subscription makes go wrong (a key that is no curve
                # point, an address the signer refuses) ends that message only, never the batch.
                logger.exception("push message could not be made")
                results.put((index, DeviceUnusable(f"not sent: {type(error).__name__}")))
            except BaseException as error:
                results.put((index, error))
                raise
            else:
                results.put((index, None))

        async def start() -> None:
            for index, message in messages:
                # The loop keeps only weak references to tasks: hold them until they end.
                task = self._loop.create_task(send(index, message))
                self._running.add(task)
                task.add_done_callback(self._running.discard)

        asyncio.run_coroutine_threadsafe(start(), self._loop).result()
        return results

    async def _send(self, message: Message) -> None:
        device = message.device
        headers = {"Urgency": message.urgency} | self.signer.headers(_origin(device.endpoint))
        if message.topic:
            headers["Topic"] = message.topic
        pusher = WebPusher(
            {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}},
            aiohttp_session=self._poster,
        )
        data = json.dumps(message.payload, separators=(",", ":"))
        async with self._limit:
            try:
                response = await pusher.send_async(
                    data, headers, ttl=message.ttl, timeout=self._session.timeout
                )
            except (aiohttp.ClientError, TimeoutError) as exc:
                # A timeout may hide a message that was in fact accepted; callers that must
                # not send twice guard with their own ledger, not here.
                raise PushError(
                    f"push service unreachable: {type(exc).__name__}", permanent=False
                ) from exc
        status = response.status
        if status <= 202:
            return
        if status in (404, 410):
            raise DeviceGone(f"push service answered {status}")
        # 429 and 5xx are the push service's own trouble; other 4xx (and any redirect) mean
        # our request is wrong.
        raise PushError(
            f"push service answered {status}",
            permanent=status < 500 and status != 429,
            retry_after=_retry_after_seconds(response.headers.get("Retry-After")),
        )

    def close(self) -> None:
        if self._loop.is_running():
            asyncio.run_coroutine_threadsafe(self._session.close(), self._loop).result(5)
            self._loop.call_soon_threadsafe(self._loop.stop)


_senders: dict[tuple, _Sender] = {}
_senders_lock = threading.Lock()


def _sender() -> _Sender:
    # One per process: a forked worker child must not use its parent's loop or sockets. (And
    # one per configuration, for tests that change it.)
    webpush = settings.WEBPUSH_SETTINGS
    key = (
        os.getpid(),
        settings.PUSH_CONCURRENCY,
        settings.PUSH_TIMEOUT_SECONDS,
        webpush["VAPID_PRIVATE_KEY"],
        webpush["VAPID_ADMIN_EMAIL"],
    )
    with _senders_lock:
        sender = _senders.get(key)
        if sender is None:
            signer = VapidSigner(webpush["VAPID_PRIVATE_KEY"], webpush["VAPID_ADMIN_EMAIL"])
            sender = _senders[key] = _Sender(settings.PUSH_CONCURRENCY, signer)
            atexit.register(sender.close)
        return sender


def push_send_many(messages: Sequence[Message]) -> Iterator[tuple[int, PushError | None]]:
    """Send every message, many at once. Yields (index, error or None) as each one ends."""
    # Checked again at each send: the endpoint's host may resolve elsewhere since it subscribed.
    # Once per host and batch: its messages leave together.
    refusals: dict[str, str | None] = {}
    allowed = []
    for index, message in enumerate(messages):
        try:
            origin = _origin(message.device.endpoint)
        except ValueError:  # a port out of range, a malformed IPv6 literal
            yield index, DeviceUnusable("not sent: the endpoint is not a valid URL")
            continue
        if origin not in refusals:
            refusals[origin] = endpoint_refusal(message.device.endpoint)
        refusal = refusals[origin]
        if refusal is not None:
            # A name that does not resolve now may later; a private address is refused for good.
            yield index, PushError(f"not sent: {refusal}", permanent=refusal != NO_HOST)
            continue
        allowed.append((index, message))
    if not allowed:
        return
    results = _sender().send_all(allowed)
    for _ in allowed:
        index, error = results.get()
        if error is not None and not isinstance(error, PushError):
            raise error
        yield index, error


def push_send(
    *, device: Device, payload: dict, ttl: int, urgency: str = "normal", topic: str | None = None
) -> None:
    """Send one message; raises PushError when it failed."""
    message = Message(device=device, payload=payload, ttl=ttl, urgency=urgency, topic=topic)
    [(_index, error)] = push_send_many([message])
    if error is not None:
        raise error
