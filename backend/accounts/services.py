"""Writes about a person's own account."""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.hashers import make_password
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from webpush.models import SubscriptionInfo

from backend.accounts.models import ROLE_FIELDS, ApiToken, Role, User
from backend.accounts.signals import reminder_times_changed


def _sign_up_fields(*, password: str, language=None, roles=(Role.PRACTISE,), **fields) -> dict:
    """What a sign-up sets on the account. Without a language given, the one the sign-up
    page was shown in: the browser's."""
    language = translation.get_supported_language_variant(language or translation.get_language())
    return {
        "password": make_password(password),
        "language": language,
        **roles_fields(roles),
        **fields,
    }


def roles_fields(roles: Iterable[str]) -> dict[str, bool]:
    roles = set(roles)
    return {field: role in roles for role, field in ROLE_FIELDS.items()}


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


# At most this many emails of one kind to one address an hour: no form can flood an inbox.
EMAILS_PER_HOUR = 3


def _email_allowed(*, kind: str, email: str) -> bool:
    """Counted for any address, known or not, so the answer tells nothing about who has an
    account."""
    key = f"{kind}:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()
    cache.add(key, 0, timeout=60 * 60)
    return cache.incr(key) <= EMAILS_PER_HOUR


def password_reset_allowed(*, email: str) -> bool:
    return _email_allowed(kind="password-reset", email=email)


class _SignUpTokens(PasswordResetTokenGenerator):
    """The link that finishes a sign-up: it works once (activating the account changes the
    hash) and stops working when a later sign-up for the address sets another password."""

    key_salt = "backend.accounts.services.SignUpLinks"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{timestamp}{user.email}"


_sign_up_tokens = _SignUpTokens()


@dataclass(frozen=True)
class SignUpLinks:
    """Where the emails send people: made by the caller, which knows the site's address."""

    confirm: Callable[[str, str], str]  # (uid, token) -> the link that finishes a sign-up
    log_in: str
    password_reset: str


@transaction.atomic
def sign_up_request(*, links: SignUpLinks, email: str, password: str, **fields) -> None:
    """Asks for an account: the answer is an email, whoever owns the address.

    A new address gets an account that waits, inactive, for the link the email holds; asked
    again, it takes the latest details and a new link. An address that has an account gets
    an email saying someone tried to sign up with it. Either way the caller answers the same,
    and the work is alike (one password hash, one email), so neither the page nor its timing
    tells a stranger who uses Tonus.
    """
    existing = User.objects.select_for_update().filter(email__iexact=email).first()
    if existing is not None and existing.is_active:
        make_password(password)  # as long as making an account takes
        if _email_allowed(kind="sign-up", email=email):
            _mail(existing, "registration/sign_up_taken_email", {"links": links})
        return
    user = existing or User(email=email, is_active=False)
    for name, value in _sign_up_fields(password=password, **fields).items():
        setattr(user, name, value)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        return  # the same address, asked twice at once: the first one's email is on its way
    if _email_allowed(kind="sign-up", email=email):
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        link = links.confirm(uid, _sign_up_tokens.make_token(user))
        _mail(user, "registration/sign_up_email", {"link": link})


def _mail(user: User, template: str, context: dict) -> None:
    with translation.override(user.language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context | {"user": user})
    send_mail(subject, body, None, [user.email])


def sign_up_confirm(*, uid: str, token: str) -> User | None:
    """Activates the account the link was made for; None for a link that is not (or no
    longer) good."""
    try:
        user_id = int(urlsafe_base64_decode(uid).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(id=user_id, is_active=False, email__isnull=False).first()
    if user is None or not _sign_up_tokens.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


# Changing these moves the person's upcoming reminders.
SCHEDULE_FIELDS = {"time_zone", "quiet_hours_start", "quiet_hours_end"}


@transaction.atomic
def user_update(*, user: User, **fields) -> User:
    """Change profile and reminder preferences; input is validated by the caller."""
    if "roles" in fields:
        fields |= roles_fields(fields.pop("roles"))
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
