"""Sending one Web Push message to one device, through pywebpush with VAPID.

pywebpush does the encryption (RFC 8291), the VAPID signature (RFC 8292) and the POST.
This module only says what a failure means: the device is gone, a retry may help, or not.
"""

import json
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from django.utils import timezone
from pywebpush import WebPushException, webpush

from backend.reminders.endpoints import NO_HOST, endpoint_refusal


@dataclass(frozen=True)
class Device:
    endpoint: str
    p256dh: str
    auth: str


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


def push_send(
    *, device: Device, payload: dict, ttl: int, urgency: str = "normal", topic: str | None = None
) -> None:
    # Checked again at each send: the endpoint's host may resolve elsewhere since it subscribed.
    refusal = endpoint_refusal(device.endpoint)
    if refusal is not None:
        # A name that does not resolve now may later; a private address is refused for good.
        raise PushError(f"not sent: {refusal}", permanent=refusal != NO_HOST)
    webpush_settings = settings.WEBPUSH_SETTINGS
    headers = {"Urgency": urgency}
    if topic:
        headers["Topic"] = topic
    try:
        webpush(
            subscription_info={
                "endpoint": device.endpoint,
                "keys": {"p256dh": device.p256dh, "auth": device.auth},
            },
            data=json.dumps(payload, separators=(",", ":")),
            vapid_private_key=webpush_settings["VAPID_PRIVATE_KEY"],
            vapid_claims={"sub": f"mailto:{webpush_settings['VAPID_ADMIN_EMAIL']}"},
            ttl=ttl,
            headers=headers,
            timeout=settings.PUSH_TIMEOUT_SECONDS,
        )
    except WebPushException as exc:
        status = exc.status_code
        if status in (404, 410):
            raise DeviceGone(f"push service answered {status}") from exc
        # 429 and 5xx are the push service's own trouble; other 4xx mean our request is wrong.
        permanent = status is not None and 400 <= status < 500 and status != 429
        raise PushError(
            f"push service answered {status}",
            permanent=permanent,
            retry_after=_retry_after_seconds(exc.retry_after),
        ) from exc
    except requests.RequestException as exc:
        # A timeout may hide a message that was in fact accepted; callers that must not
        # send twice guard with their own ledger, not here.
        raise PushError(f"push service unreachable: {type(exc).__name__}", permanent=False) from exc
