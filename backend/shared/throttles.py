"""DRF throttles shared by API views and pages. Counts live in the shared cache.

Beside the other shared helpers: it imports no app, so every app may use it.
"""

from types import SimpleNamespace

from rest_framework.throttling import ScopedRateThrottle


class ScopedAddressThrottle(ScopedRateThrottle):
    """The view's `throttle_scope` with "_address" added, counted per client address, logged
    in or not: many accounts from one place share it."""

    def allow_request(self, request, view):
        scope = getattr(view, "throttle_scope", None)
        view = SimpleNamespace(throttle_scope=f"{scope}_address" if scope else None)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


# DRF's scoped throttle counts per account (per address without a login).
PER_ACCOUNT_AND_ADDRESS = [ScopedRateThrottle, ScopedAddressThrottle]


def page_throttle_wait(request, *, scope: str) -> float | None:
    """The same throttles for a page: None when the request may go on, else the seconds to
    wait before the next try."""
    view = SimpleNamespace(throttle_scope=scope)
    waits = []
    for throttle_class in PER_ACCOUNT_AND_ADDRESS:
        throttle = throttle_class()
        if not throttle.allow_request(request, view):
            waits.append(throttle.wait() or 0)
    return max(waits) if waits else None
