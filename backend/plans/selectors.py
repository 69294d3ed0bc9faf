from datetime import date

from django.db.models import QuerySet

from backend.accounts.models import User
from backend.plans.models import (
    Hold,
    MassagePlan,
    Proposal,
    SafetyScreen,
    Schedule,
    StretchRoutine,
)
from backend.plans.occurrences import QuietHours, Rule


def massage_plan_of(*, person: User) -> MassagePlan | None:
    return MassagePlan.objects.filter(person=person).prefetch_related("schedules").first()


def stretch_routine_of(*, person: User) -> StretchRoutine | None:
    return (
        StretchRoutine.objects.filter(person=person)
        .prefetch_related("schedules", "stretches")
        .first()
    )


def safety_screen_latest(*, person: User) -> SafetyScreen | None:
    return SafetyScreen.objects.filter(person=person).first()


def held_by_screen(*, person: User) -> bool:
    """The latest safety screen has a "yes": massage reminders wait for a clinician's word."""
    latest = safety_screen_latest(person=person)
    return latest is not None and latest.positive


def people_held_by_screen(*, person_ids: set[int]) -> set[int]:
    """held_by_screen for many people at once."""
    latest: dict[int, bool] = {}
    for screen in SafetyScreen.objects.filter(person_id__in=person_ids).order_by(
        "person_id", "-answered_at", "-id"
    ):
        latest.setdefault(screen.person_id, screen.positive)
    return {person_id for person_id, positive in latest.items() if positive}


def hold_of(*, person: User, kind: str, day: date, screen_holds: bool) -> str:
    """Why the reminder of this kind on this day will not be sent (a Hold), or ""."""
    if person.is_paused_on(day):
        return Hold.PAUSED
    if screen_holds and kind == Schedule.Kind.MASSAGE:
        return Hold.SAFETY_HOLD
    return ""


def proposals_for_person(*, person: User) -> QuerySet[Proposal]:
    return Proposal.objects.filter(person=person).select_related("therapist")


def quiet_hours_of(*, person: User) -> QuietHours | None:
    if person.quiet_hours_start is None or person.quiet_hours_end is None:
        return None
    return QuietHours(start=person.quiet_hours_start, end=person.quiet_hours_end)


def schedule_rule(*, schedule: Schedule, person: User) -> Rule:
    return Rule(
        at=schedule.local_time,
        zone=schedule.time_zone,
        weekday=schedule.weekday,
        quiet=quiet_hours_of(person=person),
    )
