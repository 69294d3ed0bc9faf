"""Many people at once for the benchmarks: each with a daily stretch at one local time and,
when asked, one phone. Rows go in with bulk inserts; the services that make one person at a
time would take longer than the benchmark itself."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

BATCH = 5000


def people_with_stretches(
    count: int,
    *,
    zone: str,
    at: time,
    next_due_at: datetime,
    first: int = 0,
    phone=None,
    history_day=None,
) -> None:
    """`count` people numbered from `first`. `phone(number)` gives (endpoint, p256dh, auth);
    with `history_day`, each has a reminder of that day in the ledger, done."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from webpush.models import PushInformation, SubscriptionInfo

    from backend.accounts.models import User
    from backend.plans.models import Schedule, Stretch, StretchRoutine
    from backend.reminders.models import DeviceInfo, Occurrence

    password = make_password(None)  # nobody signs in as them
    day = next_due_at.astimezone(ZoneInfo(zone)).date()
    for start in range(first, first + count, BATCH):
        numbers = range(start, min(start + BATCH, first + count))
        with transaction.atomic():
            people = User.objects.bulk_create(
                User(email=f"person{n}@bench.invalid", password=password, time_zone=zone)
                for n in numbers
            )
            routines = StretchRoutine.objects.bulk_create(
                StretchRoutine(person=person) for person in people
            )
            Stretch.objects.bulk_create(
                Stretch(
                    routine=routine,
                    position=0,
                    name="Calf stretch",
                    target_muscle="gastrocnemius",
                    side="both",
                    hold_seconds=30,
                    repetitions=3,
                )
                for routine in routines
            )
            schedules = Schedule.objects.bulk_create(
                Schedule(
                    person=person,
                    kind=Schedule.Kind.STRETCH,
                    stretch_routine=routine,
                    local_time=at,
                    time_zone=zone,
                    next_day=day,
                    next_due_at=next_due_at,
                )
                for person, routine in zip(people, routines, strict=True)
            )
            if history_day is not None:
                Occurrence.objects.bulk_create(
                    Occurrence(
                        schedule=schedule,
                        person_id=schedule.person_id,
                        kind=schedule.kind,
                        local_date=history_day,
                        due_at=next_due_at - (day - history_day),
                        status=Occurrence.Status.DONE,
                    )
                    for schedule in schedules
                )
            if phone is None:
                continue
            devices = SubscriptionInfo.objects.bulk_create(
                SubscriptionInfo(
                    browser="chrome", endpoint=endpoint, p256dh=p256dh, auth=auth, user_agent=""
                )
                for endpoint, p256dh, auth in map(phone, numbers)
            )
            PushInformation.objects.bulk_create(
                PushInformation(user=person, subscription=device)
                for person, device in zip(people, devices, strict=True)
            )
            DeviceInfo.objects.bulk_create(
                DeviceInfo(subscription=device, name="Phone") for device in devices
            )
