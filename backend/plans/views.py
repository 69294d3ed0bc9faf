from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backend.care.access import THERAPIST, acting_role
from backend.plans.forms import (
    MassagePlanForm,
    ProposalForm,
    SafetyScreenForm,
    StarterPlanForm,
    StretchFormSet,
    StretchTimesForm,
)
from backend.plans.guidance import plan_defaults
from backend.plans.guidance_words import WORDS, guidance_lines, week_advice, week_lines
from backend.plans.onboarding import has_plan, starter_plan_create
from backend.plans.selectors import (
    massage_plan_guidance,
    massage_plan_of,
    person_is_child,
    plan_week,
    proposals_for_person,
    safety_screen_latest,
    stretch_routine_of,
)
from backend.plans.services import (
    SessionTime,
    StretchInput,
    massage_plan_save,
    proposal_create,
    proposal_decide,
    safety_screen_record,
    stretch_routine_save,
)
from backend.plans.stretches import built_in
from backend.shared.access import Allow, allows


def _overview(request, proposal_form=None, status=200):
    person = request.person
    is_therapist = acting_role(request) == THERAPIST
    plan, routine = massage_plan_of(person=person), stretch_routine_of(person=person)
    week = plan_week(person=person) if plan or routine else None
    return render(
        request,
        "plans/overview.html",
        {
            "plan": plan,
            "guidance": guidance_lines(massage_plan_guidance(plan=plan)) if plan else None,
            "week": week_lines(week) if week else None,
            "week_advice": week_advice(week) if week else None,
            "routine": routine,
            "screen": safety_screen_latest(person=person),
            "proposals": proposals_for_person(person=person)[:10],
            "proposal_form": proposal_form or (ProposalForm() if is_therapist else None),
        },
        status=status,
    )


def _child_cue(child: bool) -> str | None:
    return str(WORDS["child_gentle"]) if child else None


def _new_plan_initial(child: bool) -> dict:
    """A child's first plan starts shorter and gentler; an adult's keeps the form's own choice
    of technique."""
    defaults = plan_defaults(child=child)
    initial = {"duration_minutes": defaults.minutes}
    if child:
        initial |= {"technique": defaults.technique, "given_by": "caregiver"}
    return initial


def _warn_outside_guideline(request, plan) -> None:
    """A plan outside the guideline is saved (a therapist may have a reason), and says so."""
    for line in guidance_lines(massage_plan_guidance(plan=plan)):
        if line["warning"]:
            messages.warning(request, line["message"])


@allows(Allow.THERAPIST_READS)
@require_http_methods(["GET", "POST"])
def plan_start(request):
    """Onboarding: the suggested first plan and the safety questions on one screen."""
    person = request.person
    if has_plan(person=person):
        return redirect("plans")
    initial = {"time_zone": person.time_zone}
    if person.is_dependent:
        initial["given_by"] = "caregiver"
    child = person_is_child(person=person)
    form = StarterPlanForm(request.POST or None, initial=initial, child=child)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        screen = starter_plan_create(
            person=person,
            time_zone=data["time_zone"],
            sessions=[
                SessionTime(weekday=day, at=data["massage_time"])
                for day in sorted((data["first_day"], data["second_day"]))
            ],
            duration_minutes=data["duration_minutes"],
            given_by=data["given_by"],
            stretch_at=data["stretch_time"],
            answers=form.answers(),
            child=child,
        )
        if screen.positive:
            messages.warning(
                request,
                _(
                    "Your plan is saved. Massage reminders wait until you have talked with your "
                    "clinician; stretch reminders start tomorrow."
                ),
            )
        else:
            messages.success(
                request, _("Your plan is ready. Turn on reminders below to get them on this phone.")
            )
        _warn_outside_guideline(request, massage_plan_of(person=person))
        return redirect(f"{reverse('home')}#reminders")
    status = 400 if form.errors else 200
    return render(
        request, "plans/start.html", {"form": form, "child_cue": _child_cue(child)}, status=status
    )


@allows(Allow.THERAPIST_READS)
def plans_overview(request):
    return _overview(request)


@allows(Allow.THERAPIST_WRITES)
@require_POST
def proposal_new(request):
    form = ProposalForm(request.POST)
    if form.is_valid():
        try:
            proposal_create(person=request.person, therapist=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, _("Suggestion sent. It changes nothing until it is accepted.")
            )
            return redirect("plans")
    return _overview(request, proposal_form=form, status=400)


@allows(Allow.THERAPIST_READS)
@require_POST
def proposal_decision(request, proposal_id: int):
    proposal = proposals_for_person(person=request.person).filter(id=proposal_id).first()
    decision = request.POST.get("decision")
    if proposal is None:
        raise Http404
    if decision not in ("accept", "decline"):
        messages.error(request, _("Choose accept or decline."))
        return _overview(request, status=400)
    try:
        proposal_decide(proposal=proposal, by=request.user, accept=decision == "accept")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Accepted. The plan and its reminders are updated.")
            if decision == "accept"
            else _("Declined. The plan stays as it is."),
        )
    return redirect("plans")


@allows(Allow.THERAPIST_READS)
@require_http_methods(["GET", "POST"])
def massage_plan_edit(request):
    plan = massage_plan_of(person=request.person)
    if plan is None and safety_screen_latest(person=request.person) is None:
        # The safety questions come before the first massage plan.
        return redirect(f"{reverse('safety-screen')}?next={reverse('massage-plan')}")
    child = person_is_child(person=request.person)
    form = MassagePlanForm(
        request.POST or None,
        initial=MassagePlanForm.initial_for(plan) if plan else _new_plan_initial(child),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = massage_plan_save(
                person=request.person,
                sessions=form.sessions(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                technique=form.cleaned_data["technique"],
                target_muscles=form.muscles(),
                given_by=form.cleaned_data["given_by"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Massage plan saved. Your reminders are set."))
            _warn_outside_guideline(request, plan)
            return redirect("plans")
    status = 400 if form.errors else 200
    return render(
        request,
        "plans/massage_form.html",
        {"form": form, "plan": plan, "child_cue": _child_cue(child)},
        status=status,
    )


@allows(Allow.THERAPIST_READS)
@require_http_methods(["GET", "POST"])
def stretch_routine_edit(request):
    routine = stretch_routine_of(person=request.person)
    initial_times, initial_stretches = None, None
    if routine:
        times = [s.local_time for s in routine.schedules.all()]
        initial_times = {f"time_{i + 1}": t for i, t in enumerate(times[:3])}
        initial_stretches = [
            {
                f: getattr(s, f)
                for f in (
                    "catalog_key",
                    "name",
                    "target_muscle",
                    "side",
                    "hold_seconds",
                    "repetitions",
                )
            }
            for s in routine.stretches.all()
        ]
    times_form = StretchTimesForm(request.POST or None, initial=initial_times)
    formset = StretchFormSet(request.POST or None, initial=initial_stretches, prefix="stretch")
    if request.method == "POST" and times_form.is_valid() and formset.is_valid():
        stretches = [StretchInput(**form.cleaned_data) for form in formset if form.has_changed()]
        stretch_routine_save(
            person=request.person, times=times_form.cleaned_data["times"], stretches=stretches
        )
        messages.success(request, _("Stretch routine saved. Your reminders are set."))
        return redirect("plans")
    status = 400 if (times_form.errors or formset.total_error_count()) else 200
    return render(
        request,
        "plans/stretch_form.html",
        {"times_form": times_form, "formset": formset},
        status=status,
    )


@allows(Allow.LOGIN)  # the catalog's instructions: nobody's own data
@require_GET
def stretch_detail(request, key: str):
    stretch = built_in(key)
    if stretch is None:
        raise Http404
    return render(request, "plans/stretch_detail.html", {"stretch": stretch})


@allows(Allow.THERAPIST_READS)
@require_http_methods(["GET", "POST"])
def safety_screen(request):
    form = SafetyScreenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        screen = safety_screen_record(person=request.person, **form.cleaned_data)
        if screen.positive:
            messages.warning(
                request,
                _(
                    "Massage reminders are on hold. Please talk with your clinician before "
                    "massage. Your stretches can go on."
                ),
            )
            return redirect("plans")
        messages.success(request, _("Thank you. Massage can go ahead as planned."))
        next_url = request.GET.get("next")
        return redirect(next_url if next_url == reverse("massage-plan") else "plans")
    status = 400 if form.errors else 200
    return render(
        request,
        "plans/safety_form.html",
        {"form": form, "latest": safety_screen_latest(person=request.person)},
        status=status,
    )
