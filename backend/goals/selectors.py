from datetime import datetime

from django.db.models import Prefetch, QuerySet

from backend.accounts.models import User
from backend.goals.models import Goal, GoalRating


def goals_for_person(*, person: User) -> QuerySet[Goal]:
    return Goal.objects.filter(person=person)


def _current_ratings() -> Prefetch:
    return Prefetch(
        "ratings",
        queryset=GoalRating.objects.filter(superseded_at__isnull=True).order_by("rated_at", "id"),
        to_attr="current_ratings",
    )


def goals_with_ratings(*, person: User, active_only: bool = False) -> list[Goal]:
    """Goals with `current_ratings` (one a window, oldest first) and `latest_rating`."""
    goals = goals_for_person(person=person)
    if active_only:
        goals = goals.filter(status=Goal.Status.ACTIVE)
    found = list(goals.prefetch_related(_current_ratings()))
    for goal in found:
        goal.latest_rating = goal.current_ratings[-1] if goal.current_ratings else None
    return found


def ratings_between(*, person: User, start: datetime, end: datetime) -> list[GoalRating]:
    """The ratings in force that were given in [start, end), with their goal."""
    return list(
        GoalRating.objects.filter(
            goal__person=person,
            superseded_at__isnull=True,
            rated_at__gte=start,
            rated_at__lt=end,
        ).select_related("goal")
    )
