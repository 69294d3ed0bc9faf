"""Reads about a person's own account."""

from django.db.models import QuerySet
from django.utils import timezone

from backend.accounts.models import ApiToken, User


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The login's tokens still in force (an expired one is refused, and knox deletes it)."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now())
