from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backend.care.access import SUPPORT, acting_role, manages
from backend.reminders.calendar import (
    calendar_feed_disable,
    calendar_feed_enable,
    calendar_feed_for_token,
    calendar_render,
)
from backend.reminders.models import CalendarFeed
from backend.reminders.selectors import devices_with_info, occurrences_for_person
from backend.reminders.services import device_remove, device_rename, occurrence_done
from backend.shared.access import Allow, allows


class DeviceRenameForm(forms.Form):
    name = forms.CharField(max_length=60, required=False)


@allows(Allow.ANYONE)
@require_GET
def calendar_feed(request, token: str):
    # The unguessable token is the only key: calendar apps send no cookies.
    feed = calendar_feed_for_token(token)
    if feed is None:
        raise Http404
    # Calendar apps send no useful Accept-Language: the feed is in the person's language.
    with translation.override(feed.person.language):
        body = calendar_render(person=feed.person, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # The person's plan times: kept by no cache, as every page is.
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="tonus.ics"'
    return response


@allows(Allow.SUPPORT_ACTS)
@require_http_methods(["GET", "POST"])
def occurrence_page(request, occurrence_id: int):
    """A reminder: Done, and the way to its check-in."""
    occurrence = get_object_or_404(
        occurrences_for_person(user=request.person).select_related("schedule", "done_by"),
        id=occurrence_id,
    )
    together = acting_role(request) == SUPPORT
    if request.method == "POST":
        occurrence_done(occurrence=occurrence, done_by=request.user)
        if together:
            messages.success(request, _("Marked as done together."))
        else:
            messages.success(request, _("Marked as done. Well done."))
        return redirect("occurrence", occurrence_id=occurrence.id)
    context = {"occurrence": occurrence, "together": together}
    return render(request, "reminders/occurrence.html", context)


def _devices(request, *, feed_url=None, status=200):
    # The calendar is only for those who manage the person: a therapist never sees it.
    managing = manages(acting_role(request))
    context = {
        "devices": devices_with_info(user=request.user),
        "managing": managing,
        "feed": CalendarFeed.objects.filter(person=request.person).first() if managing else None,
        "feed_url": feed_url,
    }
    return render(request, "reminders/devices.html", context, status=status)


@allows(Allow.THERAPIST_READS)
def devices_page(request):
    return _devices(request)


@allows(Allow.LOGIN)
@require_POST
def device_change(request, device_id: int):
    device = get_object_or_404(devices_with_info(user=request.user), id=device_id)
    if "remove" in request.POST:
        device_remove(user=request.user, device_id=device.id)
        messages.success(request, _("Device removed. It gets no more reminders."))
    else:
        form = DeviceRenameForm(request.POST)
        if not form.is_valid():
            # Said, not cut short or dropped: the page comes back with the reason.
            for error in form.errors["name"]:
                messages.error(request, f"{_('Name')}: {error}")
            response = devices_page(request)
            response.status_code = 400
            return response
        if form.cleaned_data["name"]:
            device_rename(subscription=device, name=form.cleaned_data["name"])
            messages.success(request, _("Device renamed."))
    return redirect("devices")


@allows(Allow.THERAPIST_READS)
@require_POST
def calendar_change(request):
    if "off" in request.POST:
        calendar_feed_disable(person=request.person)
        messages.success(request, _("Calendar feed turned off."))
        return redirect("devices")
    _feed, token = calendar_feed_enable(person=request.person)
    # Shown on this answer only: the address is not stored, so it is never shown again.
    feed_url = request.build_absolute_uri(reverse("calendar-feed", kwargs={"token": token}))
    return _devices(request, feed_url=feed_url)
