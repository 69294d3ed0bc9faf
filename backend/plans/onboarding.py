"""The first plan, from a template that follows the clinical guidance, made in one step."""

import zoneinfo
from datetime import time

from django.db import transaction

from backend.accounts.models import User
from backend.accounts.services import user_update
from backend.plans.guidance import plan_defaults
from backend.plans.models import MassagePlan, SafetyScreen, StretchRoutine
from backend.plans.services import (
    SessionTime,
    StretchInput,
    massage_plan_save,
    safety_screen_record,
    stretch_routine_save,
)
from backend.plans.stretches import STARTER_KEYS

# Gentle and short to start (plans.guidance has the technique and minutes, a child's gentler):
# the calves and hamstrings, two sessions a week, the same muscles stretched every day.
STARTER_MUSCLES = ["gastrocnemius", "hamstrings"]


def starter_stretches() -> list[StretchInput]:
    # Built-in: their names and steps follow the reader's language.
    return [
        StretchInput(
            catalog_key=key, name="", target_muscle="", side="both", hold_seconds=30, repetitions=3
        )
        for key in STARTER_KEYS
    ]


def has_plan(*, person: User) -> bool:
    return (
        MassagePlan.objects.filter(person=person).exists()
        or StretchRoutine.objects.filter(person=person).exists()
    )


@transaction.atomic
def starter_plan_create(
    *,
    person: User,
    time_zone: zoneinfo.ZoneInfo,
    sessions: list[SessionTime],
    duration_minutes: int,
    given_by: str,
    stretch_at: time,
    answers: dict[str, bool],
    child: bool = False,
) -> SafetyScreen:
    """Time zone, safety answers, massage sessions and daily stretches, all or nothing.

    A yes on the safety screen still saves the plan: its massage reminders wait (see the
    dispatcher) while the stretches go on.
    """
    if person.time_zone != time_zone:
        user_update(user=person, time_zone=time_zone)
    screen = safety_screen_record(person=person, **answers)
    massage_plan_save(
        person=person,
        sessions=sessions,
        duration_minutes=duration_minutes,
        technique=plan_defaults(child=child).technique,
        target_muscles=STARTER_MUSCLES,
        given_by=given_by,
    )
    stretch_routine_save(person=person, times=[stretch_at], stretches=starter_stretches())
    return screen
