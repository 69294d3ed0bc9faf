"""Writes to plans: massage sessions, stretch routines, the safety screen, and their schedules."""

from dataclasses import dataclass
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.plans.models import (
    MassagePlan,
    PlanChange,
    Proposal,
    SafetyScreen,
    Schedule,
    Stretch,
    StretchRoutine,
    Technique,
)
from backend.plans.occurrences import first_after
from backend.plans.selectors import safety_screen_latest, schedule_rule
from backend.plans.signals import proposal_made
from backend.plans.stretches import built_in
from backend.shared.reads import first_read


@dataclass(frozen=True)
class SessionTime:
    weekday: int  # Monday is 0
    at: time


@dataclass(frozen=True)
class StretchInput:
    """A stretch typed in, or a built-in one by its catalog key (then name and muscle are the
    catalog's, whatever is given)."""

    name: str
    target_muscle: str
    side: str
    hold_seconds: int
    repetitions: int
    catalog_key: str | None = None


def _stretch_row(*, routine: StretchRoutine, position: int, stretch: StretchInput) -> Stretch:
    fields = vars(stretch)
    entry = built_in(stretch.catalog_key)
    if entry is not None:
        # The row keeps an English name for exports; pages show the catalog's in each language.
        with translation.override("en"):
            fields |= {"name": str(entry.name), "target_muscle": entry.muscle}
    return Stretch(
        routine=routine, position=position, **fields | {"catalog_key": entry and entry.key}
    )


def schedule_plan_next(*, schedule: Schedule, person: User, now: datetime) -> None:
    """Point a schedule at its first occurrence after now (no save)."""
    schedule.next_day, schedule.next_due_at = first_after(
        schedule_rule(schedule=schedule, person=person), now
    )


def _schedules_replace(
    *, person: User, kind: str, owner: dict, slots: list[tuple[int | None, time]], now: datetime
) -> None:
    # Existing rows are updated in place, in order: a moved time keeps its occurrence key, so
    # a reminder already sent today is not sent again for the same day.
    existing = list(Schedule.objects.filter(person=person, kind=kind, **owner).order_by("id"))
    for index, (weekday, at) in enumerate(slots):
        schedule = (
            existing[index]
            if index < len(existing)
            else Schedule(person=person, kind=kind, **owner)
        )
        schedule.weekday, schedule.local_time, schedule.time_zone = weekday, at, person.time_zone
        schedule_plan_next(schedule=schedule, person=person, now=now)
        schedule.save()
    for schedule in existing[len(slots) :]:
        schedule.delete()


@transaction.atomic
def massage_plan_save(
    *,
    person: User,
    sessions: list[SessionTime],
    duration_minutes: int,
    technique: str,
    target_muscles: list[str],
    given_by: str,
    now: datetime | None = None,
) -> MassagePlan:
    """Create or replace the person's massage plan. Input is validated by the caller."""
    if (
        not MassagePlan.objects.filter(person=person).exists()
        and safety_screen_latest(person=person) is None
    ):
        raise ValidationError(
            {"safety_screen": _("Answer the safety questions before the first massage plan.")}
        )
    plan, _created = MassagePlan.objects.update_or_create(
        person=person,
        defaults={
            "duration_minutes": duration_minutes,
            "technique": technique,
            "target_muscles": target_muscles,
            "given_by": given_by,
        },
    )
    PlanChange.objects.create(
        person=person,
        summary=_("Massage: %(count)d a week, %(minutes)d min, %(technique)s")
        % {
            "count": len(sessions),
            "minutes": duration_minutes,
            "technique": str(Technique(technique).label).lower(),
        },
    )
    slots = [
        (session.weekday, session.at)
        for session in sorted(sessions, key=lambda s: (s.weekday, s.at))
    ]
    _schedules_replace(
        person=person,
        kind=Schedule.Kind.MASSAGE,
        owner={"massage_plan": plan},
        slots=slots,
        now=now or timezone.now(),
    )
    return plan


def massage_plan_delete(*, person: User) -> bool:
    deleted, _rows = MassagePlan.objects.filter(person=person).delete()
    return deleted > 0


@transaction.atomic
def stretch_routine_save(
    *, person: User, times: list[time], stretches: list[StretchInput], now: datetime | None = None
) -> StretchRoutine:
    routine, _created = StretchRoutine.objects.get_or_create(person=person)
    routine.save(update_fields=["updated_at"])
    routine.stretches.all().delete()
    rows = Stretch.objects.bulk_create(
        _stretch_row(routine=routine, position=position, stretch=stretch)
        for position, stretch in enumerate(stretches)
    )
    PlanChange.objects.create(
        person=person,
        summary=_("Stretches: %(count)d a day, %(stretches)s")
        % {"count": len(times), "stretches": ", ".join(row.display_name for row in rows)},
    )
    _schedules_replace(
        person=person,
        kind=Schedule.Kind.STRETCH,
        owner={"stretch_routine": routine},
        slots=[(None, at) for at in sorted(times)],
        now=now or timezone.now(),
    )
    return routine


def stretch_routine_delete(*, person: User) -> bool:
    deleted, _rows = StretchRoutine.objects.filter(person=person).delete()
    return deleted > 0


def safety_screen_record(*, person: User, **answers: bool) -> SafetyScreen:
    return SafetyScreen.objects.create(person=person, **answers)


@transaction.atomic
def schedules_follow_person(*, person: User, now: datetime | None = None) -> None:
    """After a move to another zone or new quiet hours: same wall times, new instants."""
    now = now or timezone.now()
    for schedule in Schedule.objects.select_for_update().filter(person=person):
        schedule.time_zone = person.time_zone
        schedule_plan_next(schedule=schedule, person=person, now=now)
        schedule.save(update_fields=["time_zone", "next_day", "next_due_at"])


def proposal_create(
    *,
    person: User,
    therapist: User,
    message: str,
    duration_minutes: int | None = None,
    technique: str = "",
) -> Proposal:
    if (duration_minutes is not None or technique) and not MassagePlan.objects.filter(
        person=person
    ).exists():
        field = "duration_minutes" if duration_minutes is not None else "technique"
        raise ValidationError({field: _("There is no massage plan to change yet.")})
    proposal = Proposal.objects.create(
        person=person,
        therapist=therapist,
        message=message,
        duration_minutes=duration_minutes,
        technique=technique,
    )
    proposal_made.send(sender=Proposal, proposal=proposal)
    return proposal


def proposal_read(*, proposal: Proposal, by: User, now: datetime | None = None) -> Proposal:
    return first_read(proposal, by=by, now=now)


@transaction.atomic
def proposal_decide(
    *, proposal: Proposal, by: User, accept: bool, now: datetime | None = None
) -> Proposal:
    """Accepting applies the change at once (reminders move with it); declining keeps the plan."""
    proposal = Proposal.objects.select_for_update().get(id=proposal.id)
    if proposal.status != Proposal.Status.PENDING:
        raise ValidationError({"decision": _("This suggestion was already answered.")})
    now = now or timezone.now()
    if accept and proposal.changes_plan:
        plan = MassagePlan.objects.filter(person=proposal.person).first()
        if plan is None:
            raise ValidationError({"decision": _("There is no massage plan to change any more.")})
        massage_plan_save(
            person=proposal.person,
            sessions=[
                SessionTime(weekday=s.weekday, at=s.local_time) for s in plan.schedules.all()
            ],
            duration_minutes=proposal.duration_minutes or plan.duration_minutes,
            technique=proposal.technique or plan.technique,
            target_muscles=plan.target_muscles,
            given_by=plan.given_by,
            now=now,
        )
    elif accept:
        PlanChange.objects.create(
            person=proposal.person,
            summary=_("Therapist's suggestion: %(message)s") % {"message": proposal.message[:150]},
        )
    proposal.status = Proposal.Status.ACCEPTED if accept else Proposal.Status.DECLINED
    proposal.decided_at, proposal.decided_by = now, by
    proposal.save(update_fields=["status", "decided_at", "decided_by"])
    return proposal
