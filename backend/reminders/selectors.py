from django.db.models import QuerySet
from webpush.models import SubscriptionInfo

from backend.accounts.models import User
from backend.reminders.models import Occurrence


def devices_for_person(*, user: User) -> QuerySet[SubscriptionInfo]:
    """The browsers where this person turned reminders on."""
    return SubscriptionInfo.objects.filter(webpush_info__user=user).distinct().order_by("id")


def occurrences_for_person(*, user: User) -> QuerySet[Occurrence]:
    return Occurrence.objects.filter(person=user)
