"""A message's first reading: notes and suggestions keep who opened them first, and when."""

from datetime import datetime

from django.utils import timezone


def first_read(instance, *, by, now: datetime | None = None):
    """The first time the person or a caregiver opens it; later opens change nothing."""
    type(instance).objects.filter(id=instance.id, read_at__isnull=True).update(
        read_at=now or timezone.now(), read_by=by
    )
    instance.refresh_from_db()
    return instance
