import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from backend.accounts.models import User
from backend.care.access import acting_role, manages
from backend.care.selectors import people_for
from backend.checkins.selectors import unread_therapist_messages
from backend.plans.models import Schedule
from backend.reminders.messages import massage_text, stretch_text
from backend.reminders.selectors import today_for, upcoming_reminders
from backend.shared.access import Allow, allows

# What the service worker stores on install, so the app shell opens with no network.
SHELL_ASSETS = [
    "css/app.css",
    "js/app.js",
    "js/api.js",
    "js/i18n.js",
    "js/push.js",
    "js/timezone.js",
    "js/checkin.js",
    "js/outbox.js",
    "js/logout.js",
    "js/trend.js",
    "js/dates.js",
    "vendor/uplot/uPlot.iife.min.js",
    "vendor/uplot/uPlot.min.css",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/badge-96.png",
    # The modules' texts, every language: the copy of the check-in page kept for offline use
    # names the catalog of the language it was shown in.
    *(f"jsi18n/{code}/djangojs.js" for code, _name in settings.LANGUAGES),
]


def _shell_version(urls: list[str]) -> str:
    fingerprint = hashlib.sha256(json.dumps(urls).encode())
    if settings.DEBUG:
        # Names carry no hashes while developing: fingerprint the contents instead.
        for name in SHELL_ASSETS:
            fingerprint.update(Path(finders.find(name)).read_bytes())
    return fingerprint.hexdigest()[:12]


@cache
def _shell_urls() -> tuple[str, ...]:
    return ("/offline/", *(static(name) for name in SHELL_ASSETS))


def _shell() -> tuple[list[str], str]:
    # Static names carry content hashes in production, so the version changes with any asset
    # and browsers install the new worker.
    urls = list(_shell_urls())
    return urls, _shell_version(urls)


def _day_of(person, now):
    """The person's today: each item with the words that say what it is."""
    return [
        (
            item,
            massage_text(item.schedule.massage_plan)
            if item.schedule.kind == Schedule.Kind.MASSAGE
            else stretch_text(item.schedule.stretch_routine),
        )
        for item in today_for(person=person, now=now)
    ]


@dataclass(frozen=True)
class PersonDay:
    """One person a caregiver looks after, on the caregiver's home."""

    person: User
    day: list

    @property
    def done(self) -> int:
        return sum(1 for item, _detail in self.day if item.done)


@allows(Allow.SUPPORT_ACTS)
def home(request):
    """Home fits the person: a patient's Today; a caregiver's people, each with their day; a
    therapist's patients (the dashboard). Someone with several roles sees each part."""
    now, user, person = timezone.now(), request.user, request.person
    for_self = person.id == user.id
    if for_self and user.is_therapist and not (user.practises or user.looks_after):
        return redirect("patients")
    context = {"now": now, "for_self": for_self}
    if for_self and user.looks_after:
        others = people_for(user=user)[1:]
        context["people_days"] = [PersonDay(other, _day_of(other, now)) for other in others]
    if not for_self or user.practises:
        context["today"] = _day_of(person, now)
        context["upcoming"] = upcoming_reminders(user=person, now=now, days=7)[:6]
        context["shows_day"] = True
    # The card of notes and suggestions not yet read, for the person and their caregivers.
    if manages(acting_role(request)):
        context["therapist_messages"] = unread_therapist_messages(person=person)
    return render(request, "web/home.html", context)


@allows(Allow.ANYONE)
def offline(request):
    return render(request, "web/offline.html")


@allows(Allow.ANYONE)
@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    urls, version = _shell()
    return render(
        request,
        "sw.js",
        {"precache_json": json.dumps(urls), "version": version},
        content_type="text/javascript",
    )


@allows(Allow.ANYONE)
@require_GET
@cache_control(max_age=60 * 60)
def manifest(request):
    return render(request, "manifest.webmanifest", content_type="application/manifest+json")
