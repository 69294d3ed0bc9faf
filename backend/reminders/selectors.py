from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _
from webpush.models import PushInformation, SubscriptionInfo

from backend.accounts.models import User
from backend.plans.models import Schedule
from backend.plans.occurrences import due_at, first_after, next_day
from backend.plans.selectors import held_by_screen, hold_of, schedule_rule
from backend.reminders.models import Delivery, DispatchPass, Occurrence


def devices_for_person(*, user: User) -> QuerySet[SubscriptionInfo]:
    """The browsers where this person turned reminders on."""
    return SubscriptionInfo.objects.filter(webpush_info__user=user).distinct().order_by("id")


def reminder_devices(*, person_ids: Iterable[int]) -> dict[int, list[int]]:
    """Where each person's reminders go, as subscription ids: their own devices and those of
    everyone caring for them."""
    person_ids = list(person_ids)
    own = PushInformation.objects.filter(user_id__in=person_ids).values_list(
        "user_id", "subscription_id"
    )
    caregivers = PushInformation.objects.filter(
        user__cares_for__person_id__in=person_ids
    ).values_list("user__cares_for__person_id", "subscription_id")
    devices: dict[int, set[int]] = {}
    for person_id, subscription_id in [*own, *caregivers]:
        if subscription_id is not None:
            devices.setdefault(person_id, set()).add(subscription_id)
    return {person_id: sorted(ids) for person_id, ids in devices.items()}


def device_owners(*, subscription_ids: Iterable[int]) -> dict[int, User]:
    """Whose phone each device is: who reads what it shows, in their language and manner."""
    return {
        info.subscription_id: info.user
        for info in PushInformation.objects.filter(
            subscription_id__in=list(subscription_ids), user__isnull=False
        ).select_related("user")
    }


def support_devices(*, user_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each support person's own devices, as subscription ids (never those of people they
    look after: a dependent has none, and an adult's own are theirs)."""
    devices: dict[int, list[int]] = {}
    for user_id, subscription_id in (
        PushInformation.objects.filter(user_id__in=list(user_ids), subscription__isnull=False)
        .order_by("subscription_id")
        .values_list("user_id", "subscription_id")
    ):
        devices.setdefault(user_id, []).append(subscription_id)
    return devices


def reminded_devices(*, occurrence_ids: Iterable[int]) -> dict[int, list[int]]:
    """The devices each occurrence's reminder went to, still there: where "Remind again"
    sends it."""
    devices: dict[int, list[int]] = {}
    for occurrence_id, subscription_id in (
        Delivery.objects.filter(
            occurrence_id__in=list(occurrence_ids),
            kind=Delivery.Kind.REMINDER,
            subscription__isnull=False,
        )
        .order_by("subscription_id")
        .values_list("occurrence_id", "subscription_id")
    ):
        devices.setdefault(occurrence_id, []).append(subscription_id)
    return devices


def occurrences_for_person(*, user: User) -> QuerySet[Occurrence]:
    return Occurrence.objects.filter(person=user)


def device_name_from_agent(*, user_agent: str) -> str:
    """A name a person recognises ("Chrome on Android") until they choose their own."""
    browsers = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    systems = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "Mac"),
        ("Linux", "Linux"),
    ]
    browser = next((name for token, name in browsers if token in user_agent), "")
    system = next((name for token, name in systems if token in user_agent), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("This device")


def devices_with_info(*, user: User) -> QuerySet[SubscriptionInfo]:
    return devices_for_person(user=user).select_related("tonus_device")


@dataclass(frozen=True)
class Upcoming:
    schedule: Schedule
    local_date: date
    due_at: datetime
    on_hold: str  # why it will not be sent, or ""


def upcoming_reminders(*, user: User, now: datetime, days: int = 7) -> list[Upcoming]:
    """The person's reminders due in the next `days`, soonest first."""
    until = now + timedelta(days=days)
    held = held_by_screen(person=user)
    found = []
    for schedule in Schedule.objects.filter(person=user):
        rule = schedule_rule(schedule=schedule, person=user)
        day, due = first_after(rule, now)
        while due <= until:
            reason = hold_of(person=user, kind=schedule.kind, day=day, screen_holds=held)
            found.append(Upcoming(schedule=schedule, local_date=day, due_at=due, on_hold=reason))
            day = next_day(rule, day)
            due = due_at(rule, day)
    return sorted(found, key=lambda upcoming: upcoming.due_at)


@dataclass(frozen=True)
class TodayItem:
    schedule: Schedule
    due_at: datetime
    occurrence: Occurrence | None  # None until the reminder has fallen due
    on_hold: str

    @property
    def done(self) -> bool:
        return self.occurrence is not None and self.occurrence.status == Occurrence.Status.DONE

    @property
    def done_by(self) -> User | None:
        """Who did it, when someone other than the person marked it done."""
        return self.occurrence.done_by if self.done else None


def today_for(*, person: User, now: datetime) -> list[TodayItem]:
    """The person's sessions and stretches on their local today, done or still to come."""
    today = now.astimezone(person.time_zone).date()
    held = held_by_screen(person=person)
    occurrences = {
        o.schedule_id: o
        for o in Occurrence.objects.filter(
            person=person, local_date=today, schedule__isnull=False
        ).select_related("done_by")
    }
    items = []
    for schedule in Schedule.objects.filter(person=person).select_related(
        "massage_plan", "stretch_routine"
    ):
        rule = schedule_rule(schedule=schedule, person=person)
        if not rule.falls_on(today):
            continue
        items.append(
            TodayItem(
                schedule=schedule,
                due_at=due_at(rule, today),
                occurrence=occurrences.get(schedule.id),
                on_hold=hold_of(person=person, kind=schedule.kind, day=today, screen_holds=held),
            )
        )
    return sorted(items, key=lambda item: item.due_at)


# The dispatcher runs every minute: three minutes without a finished pass means reminders are
# not going out (beat down, the dispatcher worker down or stuck, the database unreachable).
DISPATCHER_LATE_AFTER = timedelta(minutes=3)


def dispatch_passes_latest(*, count: int = 10) -> list[DispatchPass]:
    return list(DispatchPass.objects.order_by("-started_at")[:count])


def dispatch_passes_since(*, since: datetime) -> dict[str, int]:
    """What the send workers reported to the passes that started since `since`."""
    totals = DispatchPass.objects.filter(started_at__gte=since).aggregate(
        sent=Sum("sent"), failed=Sum("failed"), pruned=Sum("pruned")
    )
    return {outcome: count or 0 for outcome, count in totals.items()}


def dispatcher_trouble(*, now: datetime) -> str | None:
    """Why reminders may not be flowing, or None while passes finish on time."""
    last = DispatchPass.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
    if last is None:
        return "no dispatcher pass has finished yet"
    if now - last.finished_at > DISPATCHER_LATE_AFTER:
        minutes = int((now - last.finished_at).total_seconds() // 60)
        return f"the last dispatcher pass finished {minutes} minutes ago"
    return None


def reminders_due_now(*, now: datetime) -> int:
    """Schedules past their due time that no pass has taken yet."""
    return Schedule.objects.filter(next_due_at__lte=now).count()


def deliveries_pending() -> int:
    return Delivery.objects.filter(status=Delivery.Status.PENDING).count()
