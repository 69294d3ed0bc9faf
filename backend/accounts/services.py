"""Writes about a person's own account."""

import zoneinfo

from django.db import transaction

from backend.accounts.models import User


@transaction.atomic
def user_sign_up(
    *, email: str, password: str, time_zone: zoneinfo.ZoneInfo, name: str = ""
) -> User:
    """Create a person. Input is validated by the caller's form or serializer."""
    return User.objects.create_user(email=email, password=password, time_zone=time_zone, name=name)


def user_update(
    *, user: User, time_zone: zoneinfo.ZoneInfo | None = None, name: str | None = None
) -> User:
    changed = []
    if time_zone is not None:
        user.time_zone = time_zone
        changed.append("time_zone")
    if name is not None:
        user.name = name
        changed.append("name")
    if changed:
        user.save(update_fields=changed)
    return user
