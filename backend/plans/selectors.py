from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from backend.accounts.models import User
from backend.plans.coverage import Week, week_coverage
from backend.plans.guidance import FIRST_WEEKS_DAYS, Guidance, is_child, plan_guidance
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


def person_is_child(*, person: User, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return is_child(
        is_dependent=person.is_dependent,
        birth_year=person.birth_year,
        this_year=timezone.localdate(now, timezone=person.time_zone).year,
    )


def plan_in_first_weeks(*, plan: MassagePlan | None, now: datetime | None = None) -> bool:
    """A plan not yet made, or first saved less than two weeks ago (see plans.guidance)."""
    now = now or timezone.now()
    return plan is None or plan.created_at > now - timedelta(days=FIRST_WEEKS_DAYS)


def plan_guidance_for(
    *,
    person: User,
    sessions_per_week: int,
    minutes: int,
    technique: str = "",
    first_weeks: bool | None = None,
    now: datetime | None = None,
) -> Guidance:
    """Numbers for this person's plan against the guideline; first weeks from their plan
    unless asked about explicitly."""
    if first_weeks is None:
        first_weeks = plan_in_first_weeks(plan=massage_plan_of(person=person), now=now)
    return plan_guidance(
        sessions_per_week=sessions_per_week,
        minutes=minutes,
        first_weeks=first_weeks,
        technique=technique,
        child=person_is_child(person=person, now=now),
    )


def massage_plan_guidance(*, plan: MassagePlan, now: datetime | None = None) -> Guidance:
    return plan_guidance_for(
        person=plan.person,
        sessions_per_week=len(plan.schedules.all()),
        minutes=plan.duration_minutes,
        technique=plan.technique,
        first_weeks=plan_in_first_weeks(plan=plan, now=now),
        now=now,
    )


def plan_week(*, person: User) -> Week:
    """Which days the person's massage sessions and daily stretches reach."""
    massage_days = Schedule.objects.filter(
        person=person, kind=Schedule.Kind.MASSAGE, weekday__isnull=False
    ).values_list("weekday", flat=True)
    return week_coverage(
        massage_weekdays=set(massage_days),
        daily_stretches=Schedule.objects.filter(person=person, kind=Schedule.Kind.STRETCH).exists(),
    )


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
