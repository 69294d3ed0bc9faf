from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.goals.models import MAX_ACTIVE, Goal, GoalRating


def _lock(person: User) -> None:
    # One writer at a time per person, so two requests cannot both add a third goal.
    User.objects.select_for_update().filter(id=person.id).first()


def _room_for_one_more(person: User) -> None:
    if Goal.objects.filter(person=person, status=Goal.Status.ACTIVE).count() >= MAX_ACTIVE:
        raise ValidationError(
            {
                "text": _(
                    "Up to three goals at a time. Mark one achieved or retire it to add another."
                )
            }
        )


@transaction.atomic
def goal_create(*, person: User, text: str) -> Goal:
    _lock(person)
    _room_for_one_more(person)
    return Goal.objects.create(person=person, text=text.strip())


@transaction.atomic
def goal_update(*, goal: Goal, text: str | None = None, status: str | None = None) -> Goal:
    """New wording (the old one is kept), or achieved / retired / active again."""
    _lock(goal.person)
    goal = Goal.objects.select_for_update().get(id=goal.id)
    now = timezone.now()
    if text is not None and text.strip() != goal.text:
        goal.earlier_texts = [*goal.earlier_texts, {"text": goal.text, "until": now.isoformat()}]
        goal.text = text.strip()
    if status is not None and status != goal.status:
        if status == Goal.Status.ACTIVE:
            _room_for_one_more(goal.person)
            goal.closed_at = None
        else:
            goal.closed_at = now
        goal.status = status
    goal.save()
    return goal


@transaction.atomic
def goal_rate(*, goal: Goal, score: int, window_start: date, by: User | None) -> GoalRating:
    """The goal's rating for this reassessment window; an earlier one in it is kept as
    superseded."""
    if goal.status != Goal.Status.ACTIVE:
        raise ValidationError({"score": _("Only an active goal is rated.")})
    Goal.objects.select_for_update().filter(id=goal.id).first()
    now = timezone.now()
    GoalRating.objects.filter(
        goal=goal, window_start=window_start, superseded_at__isnull=True
    ).update(superseded_at=now)
    return GoalRating.objects.create(
        goal=goal, score=score, window_start=window_start, rated_at=now, rated_by=by
    )
