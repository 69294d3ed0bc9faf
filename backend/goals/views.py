from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.care.access import THERAPIST, acting_role
from backend.goals.forms import GoalChangeForm, GoalForm
from backend.goals.models import MAX_ACTIVE, Goal
from backend.goals.selectors import goals_for_person, goals_with_ratings
from backend.goals.services import goal_create, goal_update
from backend.shared.access import Allow, allows


def _page(request, form, status=200):
    goals = goals_with_ratings(person=request.person)
    active = [g for g in goals if g.status == Goal.Status.ACTIVE]
    return render(
        request,
        "goals/goals.html",
        {
            "active": active,
            "closed": [g for g in goals if g.status != Goal.Status.ACTIVE],
            "form": form if len(active) < MAX_ACTIVE or form.errors else None,
            "writes": acting_role(request) != THERAPIST,
        },
        status=status,
    )


@allows(Allow.THERAPIST_READS)
@require_http_methods(["GET", "POST"])
def goals_page(request):
    """The person's goals, their latest ratings, and a form for a new one."""
    form = GoalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            goal_create(person=request.person, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error.message_dict["text"])
        else:
            messages.success(request, _("Goal saved. You rate it at each reassessment."))
            return redirect("goals")
    return _page(request, form, status=400 if form.errors else 200)


@allows(Allow.THERAPIST_READS)
@require_POST
def goal_change(request, goal_id: int):
    """New wording, or achieved / retired / active again."""
    goal = get_object_or_404(goals_for_person(person=request.person), id=goal_id)
    form = GoalChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            goal_update(goal=goal, text=data["text"] or None, status=data["status"] or None)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _page(request, GoalForm(), status=400)
        messages.success(request, _("Goal updated."))
        return redirect("goals")
    messages.error(request, _("Write the goal in up to 120 characters."))
    return _page(request, GoalForm(), status=400)
