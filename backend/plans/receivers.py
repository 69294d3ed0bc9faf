"""The plans' answers to what happens in the apps below them."""

from django.dispatch import receiver

from backend.accounts.signals import reminder_times_changed
from backend.plans.services import schedules_follow_person


@receiver(reminder_times_changed, dispatch_uid="plans.schedules_follow_person")
def schedules_move_with_person(sender, *, person, **kwargs) -> None:
    schedules_follow_person(person=person)
