import uuid
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backend.care.access import THERAPIST, acting_role, manages
from backend.checkins.cycles import Point, injection_cycles
from backend.checkins.forms import (
    AlertResolveForm,
    CheckInCorrectionForm,
    CheckInDeleteForm,
    CheckInForm,
    CheckInImportForm,
    NoteForm,
    OverstimulationDismissForm,
    PlanCheckForm,
)
from backend.checkins.imports import checkin_import_start, import_size_check
from backend.checkins.models import CheckIn, CheckInChange, Flag, Tone
from backend.checkins.selectors import (
    alerts_of_person,
    checkin_history,
    checkin_imports_of,
    checkins_for_person,
    notes_for_person,
    reassessment_window_start,
    trend_for_person,
    with_changes,
)
from backend.checkins.services import (
    CORRECTABLE_FIELDS,
    OVERSTIMULATION_ADVICE,
    alert_resolve,
    baseline_reset,
    checkin_correct,
    checkin_create,
    checkin_delete,
    correctable,
    note_add,
    note_read,
    overstimulation_dismiss,
)
from backend.checkins.tasks import checkin_import_queue
from backend.goals.models import Attainment
from backend.goals.selectors import goals_for_person, goals_with_ratings, ratings_between
from backend.goals.services import goal_rate
from backend.plans.guidance_words import guidance_lines
from backend.plans.selectors import massage_plan_of, plan_guidance_for, proposals_for_person
from backend.plans.services import proposal_read
from backend.reminders.selectors import occurrences_for_person
from backend.shared.access import Allow, allows
from backend.treatments.selectors import injections_for_person, treatments_for_person


def _occurrence_from_query(request):
    """The reminder named by ?occurrence=, which must be the person's own (else 404)."""
    value = request.GET.get("occurrence")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return get_object_or_404(
        occurrences_for_person(user=request.person).select_related("schedule"), id=int(value)
    )


@allows(Allow.THERAPIST_READS)
@require_http_methods(["GET", "POST"])
def checkin_new(request):
    """Tone, pain and ease in three taps. With JavaScript the page posts JSON to the API
    (queued on the phone while offline); this POST path serves phones without it."""
    occurrence = _occurrence_from_query(request)
    form = CheckInForm(
        request.POST if request.method == "POST" else None,
        initial={"idempotency_key": uuid.uuid4()},
    )
    if request.method == "POST" and form.is_valid():
        result = checkin_create(
            person=request.person,
            occurrence=occurrence,
            recorded_by=request.user,
            **form.checkin_fields(),
        )
        return redirect("checkin-saved", checkin_id=result.checkin.id)
    return render(
        request,
        "checkins/new.html",
        {"form": form, "occurrence": occurrence},
        status=400 if form.errors else 200,
    )


@allows(Allow.THERAPIST_READS)
@require_GET
def checkin_saved(request, checkin_id: int):
    return _checkin_page(request, checkin_id)


def _checkin_page(request, checkin_id: int, delete_form=None, status=200):
    checkin = get_object_or_404(
        with_changes(checkins_for_person(person=request.person)), id=checkin_id
    )
    overstimulated = Flag.objects.filter(
        checkin=checkin, kind=Flag.Kind.OVERSTIMULATION, person=request.person
    ).exists()
    changes = checkin_history(person=request.person, checkin_id=checkin.id)
    may_change = manages(acting_role(request))
    return render(
        request,
        "checkins/saved.html",
        {
            "checkin": checkin,
            "advice": OVERSTIMULATION_ADVICE if overstimulated else [],
            "history": [_change_view(change) for change in changes],
            "may_change": may_change,
            "delete_form": (delete_form or CheckInDeleteForm())
            if may_change and correctable(checkin)
            else None,
        },
        status=status,
    )


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "–"
    if name == "tone":
        return Tone(value).label
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    field = CheckIn._meta.get_field(name)
    return str(dict(field.choices).get(value, value)) if field.choices else str(value)


def _change_view(change: CheckInChange) -> dict:
    """One history entry: who, when, and each value before → after."""
    after = change.after or {}
    lines = [
        {
            "label": CheckIn._meta.get_field(name).verbose_name,
            "before": _shown(name, change.before.get(name)),
            "after": _shown(name, after.get(name)),
        }
        for name in CORRECTABLE_FIELDS
        if change.after is not None and change.before.get(name) != after.get(name)
    ]
    return {"change": change, "lines": lines}


@allows(Allow.MANAGE)
@require_http_methods(["GET", "POST"])
def checkin_correct_page(request, checkin_id: int):
    """The person or a caregiver corrects a check-in: freely within 7 days, later with a
    reason, as an amendment everyone who reads the check-ins sees."""
    checkin = get_object_or_404(checkins_for_person(person=request.person), id=checkin_id)
    initial = {name: getattr(checkin, name) for name in CORRECTABLE_FIELDS}
    initial["tone"] = checkin.tone_label
    form = CheckInCorrectionForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        changes = form.checkin_fields()
        reason = changes.pop("reason")
        try:
            checkin_correct(checkin=checkin, by=request.user, changes=changes, reason=reason)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Check-in corrected. The earlier values are kept."))
            return redirect("checkin-saved", checkin_id=checkin.id)
    return render(
        request,
        "checkins/correct.html",
        {"checkin": checkin, "form": form, "within": correctable(checkin)},
        status=400 if form.errors else 200,
    )


@allows(Allow.MANAGE)
@require_POST
def checkin_delete_page(request, checkin_id: int):
    checkin = get_object_or_404(checkins_for_person(person=request.person), id=checkin_id)
    form = CheckInDeleteForm(request.POST)
    if form.is_valid():
        try:
            checkin_delete(checkin=checkin, by=request.user)
        except ValidationError as error:
            form.add_error(None, error.message_dict["checkin"])
        else:
            messages.success(request, _("Check-in deleted. Its history is kept."))
            return redirect("checkins-trend")
    return _checkin_page(request, checkin_id, delete_form=form, status=400)


TONE_LABELS = [tone.label for tone in Tone]
# An overstimulation flag this recent still shows its advice on the trend page.
RECENT_FLAG = timedelta(days=14)


def _chart_context(person, trend) -> dict:
    zone = person.time_zone
    series = trend.series
    events = list(treatments_for_person(person=person))
    # Each chart's table carries the treatments too: the text equivalent of their marks.
    event_rows = [
        {
            "when": datetime.combine(e.started_on, time.min, tzinfo=zone),
            "value": e.summary,
            "event": True,
        }
        for e in events
    ]

    def rows(metric, value=lambda p, m: p[m]):
        points = [
            {"when": p["recorded_at"].astimezone(zone), "value": value(p, metric)} for p in series
        ]
        return sorted(points + event_rows, key=lambda r: r["when"]) if event_rows else points

    return {
        "series": series,
        "pain_rows": rows("pain"),
        "tone_rows": rows("tone", lambda p, m: TONE_LABELS[p[m]]),
        "ease_rows": rows("ease"),
        # No range of motion recorded: no chart for it, treatments or not.
        "rom_rows": [r for r in rows("rom_degrees") if r["value"] is not None]
        if any(p["rom_degrees"] is not None for p in series)
        else [],
        "plan_changes": trend.plan_changes,
        "treatments": events,
        "chart_data": {
            "series": [
                {
                    "recorded_at": p["recorded_at"].isoformat(),
                    "tone": TONE_LABELS[p["tone"]],
                    "pain": p["pain"],
                    "ease": p["ease"],
                    "rom_degrees": p["rom_degrees"],
                }
                for p in series
            ],
            "plan_changes": [
                {"changed_at": c["changed_at"].isoformat()} for c in trend.plan_changes
            ],
            "treatments": [
                {
                    "on": datetime.combine(e.started_on, time.min, tzinfo=zone).isoformat(),
                    "kind": e.kind,
                }
                for e in events
            ],
        },
    }


def _card_context(card) -> dict:
    if card is None or card.latest_tone is None:
        return {"card": card}
    percent = None if card.pain_change is None else round(-card.pain_change * 100)
    # A rise in pain is said as a rise, not as a negative fall.
    rise = -percent if percent is not None and percent < 0 else None
    return {
        "card": card,
        "tone_now": TONE_LABELS[card.latest_tone],
        "pain_percent": None if rise else percent,
        "pain_rise_percent": rise,
    }


def _plan_check_context(request) -> dict:
    """Guidance for the numbers asked about, or else for the current massage plan."""
    person = request.person
    plan = massage_plan_of(person=person)
    initial = (
        {
            "sessions_per_week": plan.schedules.count(),
            "minutes": plan.duration_minutes,
            "technique": plan.technique,
        }
        if plan
        else {"sessions_per_week": 1, "minutes": 15}
    )
    form = PlanCheckForm(
        request.GET if "sessions_per_week" in request.GET else None, initial=initial
    )
    numbers = (
        form.cleaned_data if form.is_valid() else (initial if plan and not form.is_bound else None)
    )
    if numbers is None:
        return {"form": form}
    guidance = plan_guidance_for(
        person=person,
        sessions_per_week=numbers["sessions_per_week"],
        minutes=numbers["minutes"],
        technique=numbers.get("technique", ""),
    )
    return {"form": form, "guidance": guidance_lines(guidance)}


@allows(Allow.THERAPIST_READS)
def trend_page(request):
    return _trend(request)


def _trend(request, dismiss_form=None):
    person = request.person
    therapist = acting_role(request) == THERAPIST
    trend = trend_for_person(person=person, today=timezone.localdate(timezone=person.time_zone))
    recent_flag = any(f.created_at > timezone.now() - RECENT_FLAG for f in trend.open_flags)
    context = {
        **_chart_context(person, trend),
        **_card_context(trend.reassessment),
        "adherence": trend.adherence[-8:][::-1],
        "outcome": trend.adherence_outcome,
        "plan_check": _plan_check_context(request),
        "recent_flag": recent_flag,
        "baseline": trend.baseline,
        "overstimulation_advice": OVERSTIMULATION_ADVICE,
        "recent_checkins": with_changes(checkins_for_person(person=person))
        .select_related("recorded_by")
        .prefetch_related("therapist_notes")
        .order_by("-recorded_at", "-id")[:5],
        "note_form": NoteForm() if therapist else None,
        "dismiss_form": None if therapist else dismiss_form or OverstimulationDismissForm(),
        **_goals_context(request),
        "cycles": _cycles(person, trend.series),
    }
    status = 400 if context["plan_check"]["form"].errors or dismiss_form else 200
    return render(request, "checkins/trend.html", context, status=status)


def _cycles(person, series: list[dict]) -> list[dict]:
    """Each injection with its cycle: the medians and counts of its three windows."""
    zone = person.time_zone
    injections = list(injections_for_person(person=person))
    if not injections:
        return []
    points = [
        Point(on=p["recorded_at"].astimezone(zone).date(), tone=p["tone"], pain=p["pain"])
        for p in series
    ]
    cycles = {
        c.injected_on: c for c in injection_cycles(points, [e.started_on for e in injections])
    }
    found = []
    for event in injections:
        cycle = cycles[event.started_on]
        windows = [
            {
                "weeks": (w.start_day // 7, w.end_day // 7),
                "count": w.count,
                "tone": None if w.tone is None else TONE_LABELS[w.tone],
                "pain": w.pain,
            }
            for w in cycle.windows
        ]
        found.append({"event": event, "cycle": cycle, "windows": windows})
    return found


def _goals_context(request) -> dict:
    """The active goals; while a reassessment is due, the person or a caregiver rates each."""
    person = request.person
    window = reassessment_window_start(
        person=person, today=timezone.localdate(timezone=person.time_zone)
    )
    goals = goals_with_ratings(person=person, active_only=True)
    for goal in goals:
        rating = goal.latest_rating
        goal.rated_now = rating if rating and rating.window_start == window else None
    return {
        "goals": goals,
        "rate_goals": acting_role(request) != THERAPIST,
        "attainment": Attainment.choices,
    }


@allows(Allow.THERAPIST_READS)
@require_POST
def goal_rating_new(request, goal_id: int):
    """One tap on the reassessment card: the goal's rating for this window."""
    person = request.person
    goal = get_object_or_404(goals_for_person(person=person), id=goal_id)
    value = request.POST.get("score", "")
    score = int(value) if value.lstrip("-").isdigit() else None
    if score not in Attainment.values:
        messages.error(request, _("Choose one of the five ratings, from −2 to +2."))
        response = _trend(request)
        response.status_code = 400
        return response
    window = reassessment_window_start(
        person=person, today=timezone.localdate(timezone=person.time_zone)
    )
    try:
        goal_rate(goal=goal, score=score, window_start=window, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Rating saved."))
    return redirect(f"{reverse('checkins-trend')}#reassessment")


# Nothing is recorded before 1900 or after this month; and the page's links to the months on
# either side must stay within what a date holds (years 1 to 9999).
FIRST_MONTH = date(1900, 1, 1)


def _month(value: str | None, today: date) -> date:
    try:
        month = datetime.strptime(value, "%Y-%m").date() if value else today.replace(day=1)
    except ValueError as error:
        raise Http404(_("No such month.")) from error
    if not FIRST_MONTH <= month <= today.replace(day=1):
        raise Http404(_("No such month."))
    return month


@allows(Allow.THERAPIST_READS)
def summary_page(request):
    """One month on a page, to print and bring to the therapist."""
    person = request.person
    zone = person.time_zone
    today = timezone.localdate(timezone=zone)
    month = _month(request.GET.get("month"), today)
    following = (month + timedelta(days=32)).replace(day=1)
    start = datetime.combine(month, time.min, tzinfo=zone)
    end = datetime.combine(following, time.min, tzinfo=zone)
    trend = trend_for_person(
        person=person, today=min(today, following - timedelta(days=1)), since=start, until=end
    )
    context = {
        **_chart_context(person, trend),
        **_card_context(trend.reassessment),
        "month": month,
        "previous": (month - timedelta(days=1)).replace(day=1),
        "next": following if following <= today else None,
        "adherence": [
            w
            for w in trend.adherence
            if month <= w.week_start + timedelta(days=6) and w.week_start < following
        ],
        "checkins": checkins_for_person(person=person)
        .filter(recorded_at__gte=start, recorded_at__lt=end)
        .select_related("recorded_by"),
        "goals": goals_with_ratings(person=person, active_only=True),
        "month_ratings": ratings_between(person=person, start=start, end=end),
    }
    return render(request, "checkins/summary.html", context)


@allows(Allow.THERAPIST_READS)
def cycles_report_page(request):
    """One printed page per botulinum toxin cycle, for the clinic."""
    person = request.person
    zone = person.time_zone
    today = timezone.localdate(timezone=zone)
    trend = trend_for_person(person=person, today=today)
    cycles = _cycles(person, trend.series)
    for found in cycles:
        cycle = found["cycle"]
        start = datetime.combine(cycle.injected_on, time.min, tzinfo=zone)
        end = datetime.combine(cycle.ends_on, time.min, tzinfo=zone)
        weeks = [
            w
            for w in trend.adherence
            if cycle.injected_on <= w.week_start + timedelta(days=6)
            and w.week_start < cycle.ends_on
        ]
        found["adherence"] = {
            "weeks": len(weeks),
            "massage_done": sum(w.massage_done for w in weeks),
            "massage_planned": sum(w.massage_planned for w in weeks),
            "stretch_done": sum(w.stretch_days_done for w in weeks),
            "stretch_planned": sum(w.stretch_days_planned for w in weeks),
        }
        found["ratings"] = ratings_between(person=person, start=start, end=end)
        found["notes"] = [
            c
            for c in checkins_for_person(person=person)
            .filter(recorded_at__gte=start, recorded_at__lt=end)
            .exclude(notes="", milestone="")
            .order_by("recorded_at", "id")
        ]
        found["last_day"] = cycle.ends_on - timedelta(days=1)
    return render(request, "checkins/cycles.html", {"cycles": cycles[::-1]})


@allows(Allow.THERAPIST_READS)
@require_POST
def baseline_reset_page(request):
    baseline_reset(person=request.person)
    messages.success(request, _("Your next check-in becomes the new starting point."))
    return redirect("checkins-trend")


@allows(Allow.THERAPIST_WRITES)
@require_POST
def note_new(request, checkin_id: int):
    checkin = get_object_or_404(checkins_for_person(person=request.person), id=checkin_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        note_add(checkin=checkin, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Note saved. They will see it under this check-in."))
        return redirect(f"{reverse('checkins-trend')}#recent-checkins")
    # Refused, not dropped: the page comes back with the reason and nothing is saved.
    messages.error(request, _("Write a note of up to 1,000 characters."))
    response = _trend(request)
    response.status_code = 400
    return response


@allows(Allow.THERAPIST_READS)
@require_POST
def overstimulation_dismiss_page(request):
    """The person or a caregiver takes the overstimulation card down, saying why."""
    form = OverstimulationDismissForm(request.POST)
    if form.is_valid():
        overstimulation_dismiss(
            person=request.person, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Dismissed. Your therapist sees your reason."))
        return redirect("checkins-trend")
    # Refused, not dropped: the page comes back with the reason and nothing is saved.
    return _trend(request, dismiss_form=form)


@allows(Allow.THERAPIST_WRITES)
@require_http_methods(["GET", "POST"])
def alert_page(request, flag_id: int):
    """One alert about the person; a therapist with access resolves it with a reason."""
    flag = get_object_or_404(alerts_of_person(person=request.person), id=flag_id)
    therapist = acting_role(request) == THERAPIST
    form = AlertResolveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            alert_resolve(flag=flag, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Alert resolved."))
            return redirect("patients")
    context = {"flag": flag, "form": form if therapist and flag.resolved_at is None else None}
    return render(request, "checkins/alert.html", context, status=400 if form.errors else 200)


@allows(Allow.MANAGE)
@require_POST
def therapist_message_read(request, kind: str, message_id: int):
    """The Home card's Open and Read: the first opening is what the therapist sees as read."""
    person = request.person
    if kind == "note":
        note = get_object_or_404(notes_for_person(person=person), id=message_id)
        note_read(note=note, by=request.user)
        target = f"{reverse('checkins-trend')}#recent-checkins"
    elif kind == "suggestion":
        proposal = get_object_or_404(proposals_for_person(person=person), id=message_id)
        proposal_read(proposal=proposal, by=request.user)
        target = f"{reverse('plans')}#proposals"
    else:
        raise Http404
    return redirect(target if request.POST.get("open") else "home")


@allows(Allow.MANAGE)
@require_http_methods(["GET", "POST"])
def import_page(request):
    """Upload a CSV of check-ins; it is checked and stored in the background."""
    form = CheckInImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = checkin_import_start(
                person=request.person, by=request.user, text=_upload_text(form.files["file"])
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            checkin_import_queue(job.id)
            return redirect("checkins-import-status", import_id=job.id)
    imports = checkin_imports_of(person=request.person)[:5]
    status = 400 if form.errors else 200
    return render(
        request, "checkins/import.html", {"form": form, "imports": imports}, status=status
    )


def _upload_text(upload) -> str:
    import_size_check(upload.size)  # before reading it into memory
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError({"file": _("The file must be UTF-8 text.")}) from error


@allows(Allow.MANAGE)
@require_GET
def import_status_page(request, import_id: int):
    job = get_object_or_404(checkin_imports_of(person=request.person), id=import_id)
    rows = sorted(job.errors.get("rows", {}).items(), key=lambda item: int(item[0]))
    return render(
        request,
        "checkins/import_status.html",
        {"job": job, "rows": rows, "file_errors": job.errors.get("file", [])},
    )
