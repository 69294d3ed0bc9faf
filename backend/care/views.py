from math import ceil

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backend.accounts.services import user_update
from backend.care.access import (
    CAREGIVER,
    SESSION_KEY,
    SUPPORT,
    THERAPIST,
    acting_role,
    manages,
    person_switch,
    role_for,
)
from backend.care.forms import AccessLogFilterForm, DependentForm
from backend.care.models import Invitation
from backend.care.selectors import (
    access_log_entries,
    access_log_lines,
    access_log_of,
    access_log_who,
    circle_of,
    dependent_in_care_of,
    invitations_pending,
    people_for,
    therapists_of,
)
from backend.care.services import (
    CareError,
    InvitationError,
    RemovalRefused,
    caregiver_leave,
    caregiver_remove,
    dependent_create,
    dependent_delete,
    invitation_accept,
    invitation_cancel,
    invitation_create,
    may_remove_others,
    support_person_remove,
    therapist_revoke,
)
from backend.shared.access import Allow, allows
from backend.shared.throttles import page_throttle_wait

ACCESS_LOG_PAGE = 50


@allows(Allow.LOGIN)
@require_http_methods(["GET", "POST"])
def care_page(request):
    form = DependentForm(request.POST or None, caregiver=request.user)
    if request.method == "POST" and form.is_valid():
        person = dependent_create(caregiver=request.user, **form.cleaned_data)
        person_switch(request, person.id)
        messages.success(
            request, _("%(name)s added. You are now managing their plan.") % {"name": person.name}
        )
        return redirect("plan-start")
    status = 400 if form.errors else 200
    return render(request, "care/people.html", _care_context(request, form=form), status=status)


def _care_context(request, *, form=None, profile_form=None) -> dict:
    person = request.person
    role = acting_role(request)
    managing = manages(role)
    if profile_form is None and person.is_dependent and role == CAREGIVER:
        profile_form = DependentForm(instance=person, prefix="profile")
    return {
        "form": form or DependentForm(caregiver=request.user),
        "people": people_for(user=request.user),
        "managing": managing,
        "role": role,
        "therapists": therapists_of(person=person) if managing else [],
        "access_log": access_log_of(person=person) if managing else [],
        "circle": circle_of(person=person) if managing else [],
        "may_remove": managing and may_remove_others(person=person, by=request.user),
        "invitations": invitations_pending(person=person, now=timezone.now()) if managing else [],
        "profile_form": profile_form,
    }


@allows(Allow.LOGIN)
@require_POST
def switch(request, person_id: int):
    person = person_switch(request, person_id)
    if person.id == request.user.id:
        messages.success(request, _("Back to your own plan."))
    elif role_for(request.user, person) == THERAPIST:
        messages.success(request, _("Viewing %(name)s's plan.") % {"name": person.display_name})
    elif role_for(request.user, person) == SUPPORT:
        messages.success(request, _("Helping %(name)s today.") % {"name": person.display_name})
    else:
        messages.success(request, _("Now managing %(name)s.") % {"name": person.display_name})
    # Only our own pages: the dashboard links straight to a person's trend or summary.
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts=None) and next_url.startswith("/"):
        return redirect(next_url)
    return redirect("home")


@allows(Allow.MANAGE)
@require_POST
def invite(request):
    person = request.person
    role = request.POST.get("role")
    if role not in Invitation.Role.values:
        messages.error(
            request, _("Choose who to invite: a caregiver, a support person or a therapist.")
        )
        return render(request, "care/people.html", _care_context(request), status=400)
    try:
        invitation, code = invitation_create(person=person, role=role, created_by=request.user)
    except CareError as error:
        messages.error(request, str(error))
        return render(request, "care/people.html", _care_context(request), status=400)
    link = request.build_absolute_uri(f"{reverse('care-join')}?{urlencode({'code': code})}")
    context = {"invitation": invitation, "code": code, "link": link, "person": person}
    return render(request, "care/invitation.html", context, status=201)


@allows(Allow.LOGIN)
@require_http_methods(["GET", "POST"])
def join(request):
    """A code typed in, or brought by an invitation link (?code=): a GET only fills it in."""
    error = None
    from_link = request.method == "GET" and "code" in request.GET
    code = (request.POST if request.method == "POST" else request.GET).get("code", "")[:40]
    if request.method == "POST":
        # Counted with the API's tries: a code is short enough to guess at speed.
        wait = page_throttle_wait(request, scope="invitation")
        if wait is not None:
            error = _("Too many tries. Try again in %(minutes)d minutes.") % {
                "minutes": max(1, ceil(wait / 60))
            }
            context = {"error": error, "code": code, "from_link": False}
            return render(request, "care/join.html", context, status=429)
        try:
            invitation = invitation_accept(code=code, user=request.user)
        except InvitationError as exc:
            error = str(exc)
        else:
            person_switch(request, invitation.person_id)
            messages.success(
                request,
                _("You are now in %(name)s's care circle.")
                % {"name": invitation.person.display_name},
            )
            return redirect("patients" if invitation.role == Invitation.Role.THERAPIST else "home")
    context = {"error": error, "code": code, "from_link": from_link}
    return render(request, "care/join.html", context, status=400 if error else 200)


@allows(Allow.MANAGE)
@require_POST
def revoke(request, therapist_id: int):
    person = request.person
    try:
        revoked = therapist_revoke(person=person, therapist_id=therapist_id, by=request.user)
    except RemovalRefused as error:
        raise PermissionDenied(str(error)) from error
    if not revoked:
        raise Http404
    messages.success(request, _("Access removed. The therapist can no longer see this plan."))
    return redirect("care")


def _removed(request, remove, member_id: int):
    """Runs a removal for the acting person; 404 for no such member, 403 when the login may
    not take others out, the reason shown for a child's last caregiver."""
    try:
        removed = remove(person=request.person, by=request.user)
    except RemovalRefused as error:
        raise PermissionDenied(str(error)) from error
    except CareError as error:
        messages.error(request, str(error))
        return redirect("care")
    if not removed:
        raise Http404
    if member_id == request.user.id:
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request, _("You left %(name)s's circle.") % {"name": request.person.display_name}
        )
    else:
        messages.success(request, _("Removed. They no longer have access, from now on."))
    return redirect("care")


@allows(Allow.MANAGE)
@require_POST
def caregiver_remove_page(request, caregiver_id: int):
    return _removed(
        request,
        lambda **kw: caregiver_remove(caregiver_id=caregiver_id, **kw),
        caregiver_id,
    )


@allows(Allow.MANAGE)
@require_POST
def support_person_remove_page(request, supporter_id: int):
    return _removed(
        request,
        lambda **kw: support_person_remove(supporter_id=supporter_id, **kw),
        supporter_id,
    )


@allows(Allow.MANAGE)
@require_GET
def access_log_page(request):
    """The person's whole access log, a page at a time, optionally one therapist's."""
    person = request.person
    form = AccessLogFilterForm(request.GET, names=access_log_who(person=person))
    if not form.is_valid():
        return render(request, "care/access_log.html", {"form": form}, status=400)
    who = form.cleaned_data["who"]
    entries = access_log_entries(person=person, who=who)
    page = Paginator(entries, ACCESS_LOG_PAGE).get_page(form.cleaned_data["page"])
    context = {
        "form": form,
        "page": page,
        "lines": access_log_lines(page),
        "who_query": urlencode({"who": who}) if who else "",
    }
    return render(request, "care/access_log.html", context)


@allows(Allow.MANAGE)
@require_POST
def leave(request):
    """The caregiver steps out of the circle of the person they are managing."""
    person = request.person
    if acting_role(request) != CAREGIVER:
        raise Http404
    try:
        caregiver_leave(caregiver=request.user, person=person)
    except CareError as error:
        messages.error(request, str(error))
        return redirect("care")
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("You left %(name)s's care circle.") % {"name": person.display_name})
    return redirect("care")


@allows(Allow.MANAGE)
@require_POST
def profile(request):
    """A caregiver corrects a dependent's name, birth year or time zone."""
    person = dependent_in_care_of(user=request.user, person_id=request.person.id)
    if person is None:
        raise Http404
    form = DependentForm(request.POST, instance=person, prefix="profile")
    if form.is_valid():
        # Through the service: a new time zone moves the reminders too.
        user_update(user=person, **{f: form.cleaned_data[f] for f in form.changed_data})
        messages.success(request, _("Saved."))
        return redirect("care")
    context = _care_context(request, profile_form=form)
    return render(request, "care/people.html", context, status=400)


@allows(Allow.MANAGE)
@require_POST
def profile_delete(request):
    person = dependent_in_care_of(user=request.user, person_id=request.person.id)
    if person is None:
        raise Http404
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm deleting the profile."))
        return redirect("care")
    name = person.display_name
    dependent_delete(person=person)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("%(name)s's profile and records are deleted.") % {"name": name})
    return redirect("care")


@allows(Allow.MANAGE)
@require_POST
def invitation_cancel_page(request, invitation_id: int):
    person = request.person
    if not invitation_cancel(person=person, invitation_id=invitation_id):
        raise Http404
    messages.success(request, _("Invitation cancelled. Its code no longer works."))
    return redirect("care")
