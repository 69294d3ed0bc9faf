"""Writes about a person's own account."""

import hashlib
import zoneinfo
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import translation
from webpush.models import SubscriptionInfo

from backend.accounts.models import ApiToken, User
from backend.accounts.signals import reminder_times_changed


@transaction.atomic
def user_sign_up(
    *,
    email: str,
    password: str,
    time_zone: zoneinfo.ZoneInfo,
    name: str = "",
    language: str | None = None,
) -> User:
    """Create a person. Input is validated by the caller's form or serializer.

    Without a language given, the one the sign-up page was shown in: the browser's.
    """
    language = translation.get_supported_language_variant(language or translation.get_language())
    return User.objects.create_user(
        email=email, password=password, time_zone=time_zone, name=name, language=language
    )


class TooManyPasswordTries(Exception):
    """Wrong passwords for this account from this address, at log-in or anywhere else it is
    asked, reached the log-in limit: asking is paused, as log-in is."""


def password_confirm(*, request, user: User, password: str) -> bool:
    """Whether `password` is the login's own, asked again to change it or delete the account.

    A wrong one counts as a failed log-in (django-axes): guessing here is locked out after as
    many tries as at the log-in page, and the two share the count.
    """
    credentials = {"username": user.email}
    if not AxesProxyHandler.is_allowed(request, credentials):
        raise TooManyPasswordTries
    if user.check_password(password):
        return True
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return False


PASSWORD_RESETS_PER_HOUR = 3


def password_reset_allowed(*, email: str) -> bool:
    """Whether one more password-reset email may go to this address this hour. Counted for
    any address, known or not, so the answer tells nothing about who has an account."""
    key = "password-reset:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()
    cache.add(key, 0, timeout=60 * 60)
    return cache.incr(key) <= PASSWORD_RESETS_PER_HOUR


# Changing these moves the person's upcoming reminders.
SCHEDULE_FIELDS = {"time_zone", "quiet_hours_start", "quiet_hours_end"}


@transaction.atomic
def user_update(*, user: User, **fields) -> User:
    """Change profile and reminder preferences; input is validated by the caller."""
    for name, value in fields.items():
        setattr(user, name, value)
    if fields:
        user.save(update_fields=list(fields))
    if SCHEDULE_FIELDS & fields.keys():
        # A person who moves keeps their wall-clock times in the new zone.
        reminder_times_changed.send(sender=User, person=user)
    return user


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Deletes the person and all that is theirs: plans, reminders, check-ins, devices,
    invitations, care relations and the therapist access log. Children in their care who
    have no other caregiver are deleted with them: no one would be left to see their data.
    """
    in_care = User.objects.filter(caregivers__caregiver=user, email__isnull=True).values("id")
    # Counted apart from the filter above, which would count this caregiver alone.
    alone = (
        User.objects.filter(id__in=in_care)
        .annotate(caregiver_count=Count("caregivers"))
        .filter(caregiver_count=1)
    )
    for dependent in alone:
        dependent.delete()
    # django-webpush keeps the subscription itself apart from the user's link to it.
    SubscriptionInfo.objects.filter(webpush_info__user=user).delete()
    user.delete()


TOKEN_MAX_DAYS = 365


def api_token_create(
    *, user: User, name: str, scope: str, expires_in_days: int
) -> tuple[ApiToken, str]:
    """A new access token and its secret, which is not kept: only its hash is stored.

    Every token expires, at most a year after it is made."""
    if not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise ValueError(f"A token lives 1 to {TOKEN_MAX_DAYS} days.")
    return ApiToken.objects.create(
        user=user, name=name, scope=scope, expiry=timedelta(days=expires_in_days)
    )


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoked at once: the row goes, so the next request with it is refused."""
    deleted, _ = ApiToken.objects.filter(user=user, id=token_id).delete()
    return bool(deleted)
