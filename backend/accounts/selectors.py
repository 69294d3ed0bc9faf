"""Reads about a person's own account."""

from django.db.models import QuerySet
from django.utils import timezone

from backend.accounts.models import ApiToken, User


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The login's tokens still in force (an expired one is refused, and knox deletes it)."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now())


def first_page(*, user: User) -> str:
    """Where a new account starts: a first plan, the person they look after, or patients."""
    if user.practises:
        return "plan-start"
    if user.looks_after:
        return "care"
    return "patients"
