from django.db.models import QuerySet

from backend.accounts.models import User
from backend.plans.models import MassagePlan, Proposal, SafetyScreen, Schedule, StretchRoutine
from backend.reminders.occurrences import QuietHours, Rule


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


def proposals_for_person(*, person: User) -> QuerySet[Proposal]:
    return Proposal.objects.filter(person=person).select_related("therapist")


def quiet_hours_of(person: User) -> QuietHours | None:
    if person.quiet_hours_start is None or person.quiet_hours_end is None:
        return None
    return QuietHours(start=person.quiet_hours_start, end=person.quiet_hours_end)


def schedule_rule(schedule: Schedule, person: User) -> Rule:
    return Rule(
        at=schedule.local_time,
        zone=schedule.time_zone,
        weekday=schedule.weekday,
        quiet=quiet_hours_of(person),
    )
