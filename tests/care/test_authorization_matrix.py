"""Who may read, change and delete what: every API operation and every page, for every role.

Two subjects carry data: a patient with their own login, and a child with none. Around them:
the patient themself (owner), a caregiver of both, the patient's support person (their day
alone: today's reminders, marking one done), a caregiver of someone else, a therapist both
granted access to, a therapist whose access was revoked, a therapist of someone else,
another patient, and someone not signed in. Each cell is the exact status expected, and the
body of every answer to someone outside the circle is searched for the subject's data.

Adding an endpoint or a page without a row here fails test_the_matrix_covers_every_*.
"""

import copy
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from backend.accounts.services import api_token_create
from backend.care.models import AccessLogEntry, CareRelation, SupportRelation, TherapistAccess
from backend.care.services import dependent_create, invitation_create
from backend.checkins.export import checkins_to_csv
from backend.checkins.models import CheckInImport
from backend.checkins.services import alert_raise, checkin_create, note_add
from backend.export.person_data import person_data
from backend.goals.services import goal_create
from backend.plans.models import Schedule
from backend.plans.services import (
    SessionTime,
    StretchInput,
    massage_plan_save,
    proposal_create,
    safety_screen_record,
    stretch_routine_save,
)
from backend.reminders.calendar import calendar_feed_enable
from backend.reminders.messages import action_token
from backend.reminders.models import CalendarFeed, Occurrence
from backend.reminders.services import device_subscribe
from backend.treatments.services import treatment_record
from tests.conftest import PASSWORD
from tests.support.plans import MASSAGE_FORM, NO, STRETCH_FORM, massage_plan, stretch_routine

OWNER, CAREGIVER, THERAPIST, SUPPORT = "owner", "caregiver", "therapist", "support"
OUTSIDERS = ("other_caregiver", "revoked_therapist", "other_therapist", "other_patient")
ANONYMOUS = "anonymous"
ROLES = {
    # A support person is chosen by an adult for themself: a child has none.
    "patient": (OWNER, CAREGIVER, SUPPORT, THERAPIST, *OUTSIDERS, ANONYMOUS),
    "child": (CAREGIVER, THERAPIST, *OUTSIDERS, ANONYMOUS),  # a child has no login
}
# What must never reach someone outside the circle.
MARK = "zq7"
LOGIN = "login"  # a page's answer to someone signed out: a redirect to the log-in page
API_ANON = 403  # DRF with session auth: not authenticated


def grid(*, owner, caregiver, therapist, outsider, anonymous, support=None) -> dict[str, object]:
    """A support person is answered as an outsider unless a row says otherwise."""
    return {
        OWNER: owner,
        CAREGIVER: caregiver,
        SUPPORT: outsider if support is None else support,
        THERAPIST: therapist,
        **dict.fromkeys(OUTSIDERS, outsider),
        ANONYMOUS: anonymous,
    }


def read(ok=200, anonymous=API_ANON):
    """The subject's data: their circle reads, everyone else finds nothing."""
    return grid(owner=ok, caregiver=ok, therapist=ok, outsider=404, anonymous=anonymous)


def write(ok, anonymous=API_ANON):
    """Changes to the subject's plans and records: never a therapist."""
    return grid(owner=ok, caregiver=ok, therapist=403, outsider=404, anonymous=anonymous)


def manage(ok, anonymous=API_ANON):
    """The care circle itself, and the private calendar address: the person and caregivers."""
    return grid(owner=ok, caregiver=ok, therapist=404, outsider=404, anonymous=anonymous)


def day(ok, anonymous=API_ANON, therapist=None):
    """The person's day: today's reminders, marking one done. Support people too; a
    therapist reads (a write is refused them: therapist=403)."""
    return grid(
        owner=ok,
        caregiver=ok,
        support=ok,
        therapist=ok if therapist is None else therapist,
        outsider=404,
        anonymous=anonymous,
    )


def adult_decides(ok, anonymous=API_ANON):
    """Taking someone out of the circle: an adult decides their own (their caregiver is
    refused), a child's caregivers decide the child's."""
    return per_subject(
        patient=grid(owner=ok, caregiver=403, therapist=404, outsider=404, anonymous=anonymous),
        child=grid(owner=ok, caregiver=ok, therapist=404, outsider=404, anonymous=anonymous),
    )


def therapist_only(ok, anonymous=API_ANON):
    """Notes and suggestions: a therapist with access writes them, no one else."""
    return grid(owner=403, caregiver=403, therapist=ok, outsider=404, anonymous=anonymous)


def everyone(ok, anonymous=API_ANON):
    """About the signed-in login itself, whoever they are."""
    return grid(owner=ok, caregiver=ok, therapist=ok, outsider=ok, anonymous=anonymous)


def only_holder(ok, anonymous=API_ANON):
    """An object of the patient's own login (a phone): the patient alone."""
    return grid(owner=ok, caregiver=404, therapist=404, outsider=404, anonymous=anonymous)


def per_subject(patient, child):
    return {"patient": patient, "child": child}


def caregiver_step(ok, anonymous=API_ANON):
    """Leaving a circle, editing a child's details: only as a caregiver of the subject."""
    return grid(owner=404, caregiver=ok, therapist=404, outsider=404, anonymous=anonymous)


def dependents_only(ok, anonymous=API_ANON):
    # A person with a login manages their own details: no one edits or deletes them here.
    return per_subject(patient=caregiver_step(404, anonymous), child=caregiver_step(ok, anonymous))


def join(ok, anonymous=API_ANON):
    """A code is the key: whoever holds it joins, but not the person themself nor anyone
    already in their circle (the code stays for the one it was meant for)."""
    return grid(
        owner=400, caregiver=400, support=400, therapist=400, outsider=ok, anonymous=anonymous
    )


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # as the schema or the URL pattern writes it
    expect: dict
    data: object = None  # a dict, or a function of (world, subject)
    acting: bool = True  # sent with X-Tonus-Person: the subject
    subjects: tuple = ("patient", "child")
    body: str = "json"  # json, form or csv
    capability: bool = False  # a secret token is the key: no leak check
    page: bool = False
    changes: bool = True  # an allowed write changes the subject's data
    notes: str = field(default="", compare=False)

    def expected(self, subject: str) -> dict:
        table = self.expect.get(subject, self.expect)
        return {role: table[role] for role in ROLES[subject]}


def checkin_body(world, subject):
    return {"idempotency_key": str(uuid.uuid4()), "tone": "1+", "pain": 3, "ease": 6}


def page_checkin_body(world, subject):
    return {"idempotency_key": str(uuid.uuid4()), "tone": "1+", "pain": "3", "ease": "6"}


API = [
    Op("GET", "/api/v1/accounts/me/", everyone(200), acting=False, subjects=("patient",)),
    Op(
        "PATCH",
        "/api/v1/accounts/me/",
        everyone(200),
        {"name": "Renamed"},
        acting=False,
        subjects=("patient",),
    ),
    # Deleting one's own account: any signed-in login, with its password.
    Op(
        "POST",
        "/api/v1/accounts/delete/",
        everyone(204),
        {"password": PASSWORD},
        acting=False,
        subjects=("patient",),
    ),
    Op("GET", "/api/v1/accounts/tokens/", everyone(200), acting=False, subjects=("patient",)),
    Op(
        "POST",
        "/api/v1/accounts/tokens/",
        everyone(201),
        {"name": "Clinic system", "scope": "read"},
        acting=False,
        subjects=("patient",),
    ),
    Op(
        "DELETE",
        "/api/v1/accounts/tokens/{token_id}/",
        only_holder(204),
        acting=False,
        subjects=("patient",),
    ),
    Op("GET", "/api/v1/export/", manage(200)),
    Op("GET", "/api/v1/export/", manage(200), {"file": "csv"}, notes="the zip of CSV files"),
    # The check-ins for a clinic's system: the circle reads, a therapist's look is logged.
    Op("GET", "/api/v1/export/fhir/", read(200)),
    Op("GET", "/api/v1/export/fhir/", read(200), {"month": "2026-11"}),
    # The same answer for any address, whoever asks: an email says the rest.
    Op(
        "POST",
        "/api/v1/accounts/signup/",
        everyone(202, anonymous=202),
        {
            "email": "new@example.com",
            "password": "calf-stretch-every-morning",
            "time_zone": "Europe/Madrid",
        },
        acting=False,
        subjects=("patient",),
    ),
    # A link that is not good is refused alike, whoever sends it.
    Op(
        "POST",
        "/api/v1/accounts/signup/confirm/",
        everyone(400, anonymous=400),
        {"uid": "MQ", "token": "not-a-token"},
        acting=False,
        subjects=("patient",),
    ),
    # The therapist's own alerts, about whoever granted them access: others get an empty list.
    Op("GET", "/api/v1/alerts/", everyone(200), acting=False, subjects=("patient",)),
    Op("POST", "/api/v1/alerts/{flag_id}/resolve/", therapist_only(200), {"reason": "Seen"}),
    Op("GET", "/api/v1/calendar/", manage(200)),
    Op("POST", "/api/v1/calendar/", write(201)),
    Op("DELETE", "/api/v1/calendar/", write(204)),
    Op("GET", "/api/v1/care/access-log/", manage(200)),
    Op("GET", "/api/v1/care/circle/", manage(200)),
    Op("DELETE", "/api/v1/care/caregivers/{caregiver_id}/", adult_decides(204)),
    Op(
        "DELETE",
        "/api/v1/care/support-people/{supporter_id}/",
        adult_decides(204),
        subjects=("patient",),
    ),
    Op(
        "POST",
        "/api/v1/care/dependents/",
        everyone(201),
        {"name": "New child", "time_zone": "Europe/London"},
        acting=False,
        subjects=("patient",),
    ),
    Op("GET", "/api/v1/care/dependents/{person_id}/", dependents_only(200), acting=False),
    Op(
        "PATCH",
        "/api/v1/care/dependents/{person_id}/",
        dependents_only(200),
        {"birth_year": 2017},
        acting=False,
    ),
    Op("DELETE", "/api/v1/care/dependents/{person_id}/", dependents_only(204), acting=False),
    Op("POST", "/api/v1/care/invitations/", manage(201), {"role": "caregiver"}),
    Op("GET", "/api/v1/care/invitations/", manage(200)),
    Op("DELETE", "/api/v1/care/invitations/{invitation_id}/", manage(204)),
    Op(
        "POST",
        "/api/v1/care/invitations/accept/",
        join(200),
        lambda world, subject: {"code": world.code(subject)},
        acting=False,
        capability=True,
    ),
    Op("GET", "/api/v1/care/people/", everyone(200), acting=False, subjects=("patient",)),
    Op("POST", "/api/v1/care/people/{person_id}/leave/", caregiver_step(204), acting=False),
    Op("GET", "/api/v1/care/therapists/", manage(200)),
    Op("DELETE", "/api/v1/care/therapists/{therapist_id}/", adult_decides(204)),
    Op("GET", "/api/v1/checkins/", read(200)),
    Op("POST", "/api/v1/checkins/", write(201), checkin_body),
    # Corrections and deletions: the person and caregivers; every change kept, read by all.
    Op("PATCH", "/api/v1/checkins/{checkin_id}/", write(200), {"pain": 1}),
    Op("DELETE", "/api/v1/checkins/{checkin_id}/", write(204)),
    Op("GET", "/api/v1/checkins/{checkin_id}/history/", read(200)),
    Op("GET", "/api/v1/checkins/{checkin_id}/notes/", read(200)),
    Op("POST", "/api/v1/checkins/{checkin_id}/notes/", therapist_only(201), {"text": "Well done"}),
    Op("POST", "/api/v1/checkins/baseline/reset/", write(204)),
    Op("GET", "/api/v1/checkins/export/", read(200)),
    Op(
        "POST",
        "/api/v1/checkins/import/",
        manage(202),
        lambda world, subject: world.csv(subject),
        body="csv",
    ),
    Op("GET", "/api/v1/checkins/imports/{import_id}/", manage(200)),
    Op("GET", "/api/v1/devices/", everyone(200), acting=False, subjects=("patient",)),
    Op(
        "POST",
        "/api/v1/devices/",
        everyone(201),
        lambda world, subject: world.new_device_body(),
        acting=False,
        subjects=("patient",),
    ),
    Op(
        "DELETE",
        "/api/v1/devices/",
        only_holder(204),
        lambda world, subject: {"endpoint": world.device.endpoint},
        acting=False,
        subjects=("patient",),
    ),
    Op(
        "PATCH",
        "/api/v1/devices/{device_id}/",
        only_holder(200),
        {"name": "Kitchen tablet"},
        acting=False,
        subjects=("patient",),
    ),
    Op(
        "DELETE",
        "/api/v1/devices/{device_id}/",
        only_holder(204),
        acting=False,
        subjects=("patient",),
    ),
    Op("POST", "/api/v1/occurrences/{occurrence_id}/done/", day(200, therapist=403)),
    Op("GET", "/api/v1/plan-check/", read(200), {"sessions_per_week": 2, "minutes": 20}),
    Op("GET", "/api/v1/plans/massage/", read(200)),
    Op("PUT", "/api/v1/plans/massage/", write(200), massage_plan()),
    Op("DELETE", "/api/v1/plans/massage/", write(204)),
    Op("GET", "/api/v1/plans/proposals/", read(200)),
    Op("POST", "/api/v1/plans/proposals/", therapist_only(201), {"message": "Shorter sessions"}),
    Op(
        "POST",
        "/api/v1/plans/proposals/{proposal_id}/decision/",
        write(200),
        {"decision": "accept"},
    ),
    # Opening a note or a suggestion: the person or a caregiver; the therapist sees it read.
    Op("POST", "/api/v1/notes/{note_id}/read/", manage(200)),
    Op("POST", "/api/v1/plans/proposals/{proposal_id}/read/", manage(200)),
    Op("GET", "/api/v1/plans/stretches/", read(200)),
    Op("PUT", "/api/v1/plans/stretches/", write(200), stretch_routine()),
    Op("DELETE", "/api/v1/plans/stretches/", write(204)),
    # From a notification on a locked phone: the signed token for one reminder is the key.
    Op(
        "POST",
        "/api/v1/reminders/action/",
        everyone(200, anonymous=200),
        lambda world, subject: {"token": world.token(subject), "action": "done"},
        acting=False,
        capability=True,
    ),
    Op(
        "POST",
        "/api/v1/reminders/test/",
        only_holder(202)
        | {CAREGIVER: 400, SUPPORT: 400, THERAPIST: 400, **dict.fromkeys(OUTSIDERS, 400)},
        acting=False,
        subjects=("patient",),
        notes="a test push to the login's own phones; no phone, a 400 that says so",
    ),
    Op("GET", "/api/v1/reminders/upcoming/", read(200)),
    Op("GET", "/api/v1/safety-screen/", read(200)),
    Op("POST", "/api/v1/safety-screen/", write(201), NO),
    Op("GET", "/api/v1/trends/", read(200)),
    Op("GET", "/api/v1/goals/", read(200)),
    Op("POST", "/api/v1/goals/", write(201), {"text": "Open a jar"}),
    Op("PATCH", "/api/v1/goals/{goal_id}/", write(200), {"text": "Put on both shoes"}),
    Op("DELETE", "/api/v1/goals/{goal_id}/", write(204), notes="retires it; history kept"),
    Op("POST", "/api/v1/goals/{goal_id}/ratings/", write(201), {"score": 1}),
    Op("GET", "/api/v1/treatments/", read(200)),
    Op(
        "POST",
        "/api/v1/treatments/",
        write(201),
        {
            "kind": "medicine",
            "started_on": "2026-11-01",
            "medicine": "baclofen",
            "change": "started",
        },
    ),
    Op("DELETE", "/api/v1/treatments/{event_id}/", write(204)),
]


def page(method, path, expect, data=None, **options):
    return Op(method, path, expect, data, page=True, body="form", **options)


PAGE_ANON = {"anonymous": LOGIN}
PAGES = [
    page("GET", "", day(200, anonymous=LOGIN)),
    page("GET", "offline/", everyone(200, anonymous=200), acting=False, subjects=("patient",)),
    # The same answer for everyone, signed in or not (503: no dispatcher pass ran here).
    page("GET", "healthz", everyone(503, anonymous=503), acting=False, subjects=("patient",)),
    page("GET", "sw.js", everyone(200, anonymous=200), acting=False, subjects=("patient",)),
    page(
        "GET",
        "manifest.webmanifest",
        everyone(200, anonymous=200),
        acting=False,
        subjects=("patient",),
    ),
    page(
        "GET", "accounts/signup/", everyone(302, anonymous=200), acting=False, subjects=("patient",)
    ),
    page(
        "GET",
        "accounts/signup/confirm/<str:uid>/<str:token>/",
        everyone(200, anonymous=200),
        acting=False,
        subjects=("patient",),
    ),
    page(
        "POST",
        "accounts/signup/confirm/<str:uid>/<str:token>/",
        everyone(400, anonymous=400),
        acting=False,
        subjects=("patient",),
    ),
    page(
        "GET",
        "accounts/settings/",
        everyone(200, anonymous=LOGIN),
        acting=False,
        subjects=("patient",),
    ),
    page(
        "POST",
        "accounts/settings/",
        everyone(302, anonymous=LOGIN),
        {"name": "Renamed", "time_zone": "Europe/Madrid"},
        acting=False,
        subjects=("patient",),
    ),
    page(
        "POST",
        "accounts/delete/",
        everyone(LOGIN, anonymous=LOGIN),
        {"delete-password": PASSWORD},
        acting=False,
        subjects=("patient",),
    ),
    page(
        "POST",
        "accounts/tokens/",
        everyone(200, anonymous=LOGIN),
        {"token-name": "Clinic", "token-scope": "read", "token-expires_in_days": "90"},
        acting=False,
        subjects=("patient",),
    ),
    page(
        "POST",
        "accounts/tokens/<int:token_id>/revoke/",
        only_holder(302, anonymous=LOGIN),
        acting=False,
        subjects=("patient",),
    ),
    page(
        "GET", "accounts/login/", everyone(302, anonymous=200), acting=False, subjects=("patient",)
    ),
    page(
        "POST",
        "accounts/logout/",
        everyone(LOGIN, anonymous=LOGIN),
        acting=False,
        subjects=("patient",),
    ),
    page(
        "GET",
        "accounts/password_change/",
        everyone(200, anonymous=LOGIN),
        acting=False,
        subjects=("patient",),
    ),
    page(
        "GET",
        "accounts/password_change/done/",
        everyone(200, anonymous=LOGIN),
        acting=False,
        subjects=("patient",),
    ),
    page(
        "GET",
        "accounts/password_reset/",
        everyone(200, anonymous=200),
        acting=False,
        subjects=("patient",),
    ),
    page(
        "GET",
        "accounts/password_reset/done/",
        everyone(200, anonymous=200),
        acting=False,
        subjects=("patient",),
    ),
    page(
        "GET",
        "accounts/reset/<uidb64>/<token>/",
        everyone(200, anonymous=200),
        acting=False,
        subjects=("patient",),
    ),
    page(
        "GET",
        "accounts/reset/done/",
        everyone(200, anonymous=200),
        acting=False,
        subjects=("patient",),
    ),
    page("GET", "plans/", read(200, anonymous=LOGIN)),
    # Onboarding: someone who already has a plan (as both subjects do) is sent to it.
    page("GET", "plans/start/", read(302, anonymous=LOGIN)),
    page(
        "POST",
        "plans/start/",
        write(302, anonymous=LOGIN),
        {"time_zone": "Europe/Madrid"},
        changes=False,
    ),
    page("GET", "plans/massage/", read(200, anonymous=LOGIN)),
    page("POST", "plans/massage/", write(302, anonymous=LOGIN), MASSAGE_FORM),
    page("GET", "plans/stretches/", read(200, anonymous=LOGIN)),
    page("POST", "plans/stretches/", write(302, anonymous=LOGIN), STRETCH_FORM),
    # How a built-in stretch is done: the catalog's, nobody's own data.
    page(
        "GET",
        "plans/stretches/how/<slug:key>/",
        everyone(200, anonymous=LOGIN),
        acting=False,
        subjects=("patient",),
    ),
    page("GET", "plans/safety/", read(200, anonymous=LOGIN)),
    page("POST", "plans/safety/", write(302, anonymous=LOGIN), dict.fromkeys(NO, "no")),
    page(
        "POST",
        "plans/proposals/",
        therapist_only(302, anonymous=LOGIN),
        {"message": "Shorter sessions"},
    ),
    page(
        "POST",
        "plans/proposals/<int:proposal_id>/decision/",
        write(302, anonymous=LOGIN),
        {"decision": "decline"},
    ),
    page("GET", "care/", everyone(200, anonymous=LOGIN), acting=False),
    page(
        "POST",
        "care/",
        everyone(302, anonymous=LOGIN),
        {"name": "New child", "time_zone": "Europe/London"},
        acting=False,
    ),
    page(
        "POST",
        "care/switch/<int:person_id>/",
        read(302, anonymous=LOGIN) | {SUPPORT: 302},
        acting=False,
    ),
    page("POST", "care/invite/", manage(201, anonymous=LOGIN), {"role": "therapist"}),
    page("POST", "care/invitations/<int:invitation_id>/cancel/", manage(302, anonymous=LOGIN)),
    page("GET", "care/join/", everyone(200, anonymous=LOGIN), acting=False),
    page(
        "POST",
        "care/join/",
        join(302, anonymous=LOGIN),
        lambda world, subject: {"code": world.code(subject)},
        acting=False,
    ),
    page("POST", "care/therapists/<int:therapist_id>/revoke/", adult_decides(302, anonymous=LOGIN)),
    page("POST", "care/caregivers/<int:caregiver_id>/remove/", adult_decides(302, anonymous=LOGIN)),
    page(
        "POST",
        "care/support-people/<int:supporter_id>/remove/",
        adult_decides(302, anonymous=LOGIN),
        subjects=("patient",),
    ),
    page("POST", "care/leave/", caregiver_step(302, anonymous=LOGIN)),
    page(
        "POST",
        "care/profile/",
        dependents_only(302, anonymous=LOGIN),
        {"profile-name": "Renamed", "profile-time_zone": "Europe/London"},
    ),
    page("POST", "care/profile/delete/", dependents_only(302, anonymous=LOGIN), {"confirm": "yes"}),
    page("GET", "care/patients/", everyone(200, anonymous=LOGIN), acting=False),
    page("GET", "care/access-log/", manage(200, anonymous=LOGIN)),
    page("GET", "checkins/new/", read(200, anonymous=LOGIN)),
    page("POST", "checkins/new/", write(302, anonymous=LOGIN), page_checkin_body),
    page("GET", "checkins/<int:checkin_id>/", read(200, anonymous=LOGIN)),
    page(
        "POST",
        "checkins/<int:checkin_id>/notes/",
        therapist_only(302, anonymous=LOGIN),
        {"text": "Well done"},
    ),
    page("GET", "checkins/trend/", read(200, anonymous=LOGIN)),
    page("GET", "checkins/summary/", read(200, anonymous=LOGIN)),
    page("POST", "checkins/baseline/reset/", write(302, anonymous=LOGIN)),
    page("GET", "checkins/import/", manage(200, anonymous=LOGIN)),
    page(
        "POST",
        "checkins/import/",
        manage(302, anonymous=LOGIN),
        lambda world, subject: {"file": world.csv_file(subject)},
    ),
    page("GET", "checkins/import/<int:import_id>/", manage(200, anonymous=LOGIN)),
    page("GET", "checkins/alerts/<int:flag_id>/", read(200, anonymous=LOGIN)),
    page(
        "POST", "checkins/messages/<str:kind>/<int:message_id>/read/", manage(302, anonymous=LOGIN)
    ),
    page(
        "POST",
        "checkins/alerts/<int:flag_id>/",
        therapist_only(302, anonymous=LOGIN),
        {"reason": "Seen"},
    ),
    # The person or a caregiver takes the overstimulation card down, with a reason.
    page(
        "POST",
        "checkins/overstimulation/dismiss/",
        write(302, anonymous=LOGIN),
        {"reason": "A long walk"},
    ),
    page(
        "POST",
        "checkins/goals/<int:goal_id>/rating/",
        write(302, anonymous=LOGIN),
        {"score": "1"},
    ),
    page("GET", "goals/", read(200, anonymous=LOGIN)),
    page("GET", "treatments/", read(200, anonymous=LOGIN)),
    page(
        "POST",
        "treatments/",
        write(302, anonymous=LOGIN),
        {"kind": "casting", "started_on": "2026-11-01", "ended_on": "2026-11-20"},
    ),
    page("POST", "treatments/<int:event_id>/delete/", write(302, anonymous=LOGIN)),
    page("GET", "checkins/summary/cycles/", read(200, anonymous=LOGIN)),
    page("POST", "goals/", write(302, anonymous=LOGIN), {"text": "Open a jar"}),
    page("POST", "goals/<int:goal_id>/", write(302, anonymous=LOGIN), {"status": "achieved"}),
    page("GET", "occurrences/<int:occurrence_id>/", day(200, anonymous=LOGIN)),
    page("POST", "occurrences/<int:occurrence_id>/", day(302, anonymous=LOGIN, therapist=403)),
    page("GET", "devices/", read(200, anonymous=LOGIN)),
    page(
        "POST",
        "devices/<int:device_id>/",
        only_holder(302, anonymous=LOGIN),
        {"name": "Kitchen tablet"},
        acting=False,
        subjects=("patient",),
    ),
    # The new address is shown on the answer itself, once.
    page("POST", "devices/calendar/", write(200, anonymous=LOGIN)),
    page(
        "GET",
        "calendar/<str:token>.ics",
        everyone(200, anonymous=200),
        acting=False,
        capability=True,
    ),
    page("GET", "api/schema/", everyone(200, anonymous=200), acting=False, subjects=("patient",)),
    page("GET", "api/docs/", everyone(200, anonymous=200), acting=False, subjects=("patient",)),
    # Django's admin: staff only, and none of these people is staff.
    page("GET", "admin/", everyone(302, anonymous=302), acting=False, subjects=("patient",)),
]


class World:
    """The people and one of everything for each subject."""

    def __init__(self, make_person, receiver):
        self.receiver = receiver
        person = make_person
        self.users = {
            OWNER: person(f"owner-{MARK}@example.com", name=f"patient-{MARK}"),
            CAREGIVER: person("caregiver@example.com"),
            SUPPORT: person("support@example.com"),
            "other_caregiver": person("other-caregiver@example.com"),
            THERAPIST: person("therapist@example.com"),
            "revoked_therapist": person("revoked@example.com"),
            "other_therapist": person("other-therapist@example.com"),
            "other_patient": person("other-patient@example.com"),
        }
        owner, caregiver = self.users[OWNER], self.users[CAREGIVER]
        CareRelation.objects.create(caregiver=caregiver, person=owner)
        SupportRelation.objects.create(supporter=self.users[SUPPORT], person=owner)
        # One more caregiver each, the one taken out in the removal rows.
        self.removable = {
            "patient": person("adult-second-caregiver@example.com"),
            "child": person("second-parent@example.com"),
        }
        CareRelation.objects.create(caregiver=self.removable["patient"], person=owner)
        child = dependent_create(
            caregiver=caregiver, name=f"child-{MARK}", time_zone="Europe/London"
        )
        # A second parent, so the caregiver in the matrix is not the last one and may leave.
        CareRelation.objects.create(caregiver=self.removable["child"], person=child)
        dependent_create(
            caregiver=self.users["other_caregiver"],
            name="Someone else's child",
            time_zone="Europe/London",
        )
        self.subjects = {"patient": owner, "child": child}
        for subject in self.subjects.values():
            TherapistAccess.objects.create(therapist=self.users[THERAPIST], person=subject)
            TherapistAccess.objects.create(
                therapist=self.users["revoked_therapist"], person=subject, revoked_at=timezone.now()
            )
        TherapistAccess.objects.create(
            therapist=self.users["other_therapist"], person=self.users["other_patient"]
        )
        self.data = {key: self._fill(subject) for key, subject in self.subjects.items()}
        for key, data in self.data.items():
            data["caregiver_id"] = self.removable[key].id
            data["supporter_id"] = self.users[SUPPORT].id
        self.device = device_subscribe(user=owner, **self._subscription())
        # A token for every login and scope, and one revoked, for the anonymous column.
        self.tokens = {
            (role, scope): api_token_create(
                user=user, name=f"{role} {scope}", scope=scope, expires_in_days=30
            )[1]
            for role, user in self.users.items()
            for scope in ("read", "read_write")
        }
        revoked, self.tokens[(ANONYMOUS, "read_write")] = api_token_create(
            user=owner, name="revoked", scope="read_write", expires_in_days=30
        )
        self.tokens[(ANONYMOUS, "read")] = self.tokens[(ANONYMOUS, "read_write")]
        revoked.delete()
        self.owner_token = owner.auth_token_set.filter(scope="read").first()
        # Signed in once, outside the rolled-back requests, so their sessions stay.
        self.clients = {role: APIClient() for role in ROLES["patient"]}
        for role, client in self.clients.items():
            if role != ANONYMOUS:
                client.force_login(self.users[role])

    def _subscription(self) -> dict:
        subscription = self.receiver.new_subscription().as_dict()
        return {
            "endpoint": subscription["endpoint"],
            "p256dh": subscription["keys"]["p256dh"],
            "auth": subscription["keys"]["auth"],
            "browser": "",
            "user_agent": "",
        }

    def new_device_body(self) -> dict:
        return self.receiver.new_subscription().as_dict()

    def _fill(self, subject) -> dict:
        safety_screen_record(person=subject, **NO)
        massage_plan_save(
            person=subject,
            sessions=[SessionTime(weekday=1, at=time(18, 30))],
            duration_minutes=15,
            technique="swedish",
            target_muscles=[f"muscle-{MARK}"],
            given_by="caregiver",
        )
        stretch_routine_save(
            person=subject,
            times=[time(8, 0)],
            stretches=[
                StretchInput(
                    name=f"stretch-{MARK}",
                    target_muscle="gastrocnemius",
                    side="both",
                    hold_seconds=30,
                    repetitions=3,
                )
            ],
        )
        checkin = checkin_create(
            person=subject,
            idempotency_key=uuid.uuid4(),
            tone=2,
            pain=5,
            ease=5,
            notes=f"checkin-note-{MARK}",
        ).checkin
        note = note_add(
            checkin=checkin, author=self.users[THERAPIST], text=f"therapist-note-{MARK}"
        )
        flag = alert_raise(person=subject, kind="pain", checkin=checkin)
        alert_raise(person=subject, kind="overstimulation", checkin=checkin)
        proposal = proposal_create(
            person=subject, therapist=self.users[THERAPIST], message=f"proposal-{MARK}"
        )
        schedule = Schedule.objects.filter(person=subject, kind=Schedule.Kind.STRETCH).first()
        occurrence = Occurrence.objects.create(
            schedule=schedule,
            kind=schedule.kind,
            person=subject,
            local_date=date(2026, 11, 2),
            due_at=datetime(2026, 11, 2, 8, tzinfo=UTC),
            status=Occurrence.Status.ISSUED,
        )
        _feed, feed_token = calendar_feed_enable(person=subject)
        goal = goal_create(person=subject, text=f"goal-{MARK}")
        event = treatment_record(
            person=subject,
            kind="botulinum_toxin",
            started_on=date(2026, 11, 2),
            muscles=f"muscles-{MARK}",
        )
        AccessLogEntry.objects.create(
            therapist=self.users[THERAPIST], person=subject, path="/checkins/trend/"
        )
        return {
            "person_id": subject.id,
            "checkin_id": checkin.id,
            "flag_id": flag.id,
            "import_id": CheckInImport.objects.create(
                person=subject, started_by=subject, total=1, status=CheckInImport.Status.DONE
            ).id,
            "note_id": note.id,
            "kind": "note",
            "message_id": note.id,
            "proposal_id": proposal.id,
            "occurrence_id": occurrence.id,
            "therapist_id": self.users[THERAPIST].id,
            "invitation_id": invitation_create(
                person=subject, role="therapist", created_by=self.users[THERAPIST]
            )[0].id,
            "device_id": self.device.id if hasattr(self, "device") else 0,
            "token": feed_token,
            "uidb64": "MQ",
            "key": "calf",
            "occurrence": occurrence,
            "goal_id": goal.id,
            "event_id": event.id,
        }

    def values(self, subject: str) -> dict:
        return self.data[subject] | {"device_id": self.device.id, "token_id": self.owner_token.id}

    def token_client(self, role: str, scope: str) -> APIClient:
        client = APIClient(enforce_csrf_checks=True)
        client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[(role, scope)]}")
        return client

    def code(self, subject: str) -> str:
        return invitation_create(
            person=self.subjects[subject], role="caregiver", created_by=self.users[CAREGIVER]
        )[1]

    def token(self, subject: str) -> str:
        return action_token(self.data[subject]["occurrence"])

    def csv(self, subject: str) -> str:
        """An export with one more row: a row with a new idempotency key."""
        exported = checkins_to_csv(self.subjects[subject].checkins.all())
        header, row = exported.splitlines()[:2]
        key = str(self.subjects[subject].checkins.get().idempotency_key)
        return "\n".join([header, row, row.replace(key, str(uuid.uuid4()))]) + "\n"

    def csv_file(self, subject: str) -> SimpleUploadedFile:
        return SimpleUploadedFile("checkins.csv", self.csv(subject).encode(), "text/csv")

    def markers(self, subject: str) -> list[str]:
        person = self.subjects[subject]
        found = [
            person.name,
            f"muscle-{MARK}",
            f"checkin-note-{MARK}",
            f"therapist-note-{MARK}",
            f"proposal-{MARK}",
            f"stretch-{MARK}",
            f"goal-{MARK}",
            f"muscles-{MARK}",
        ]
        return found + ([person.email] if person.email else [])

    def client(self, role: str) -> APIClient:
        client = self.clients[role]
        client.credentials()
        return client


def fill(path: str, values: dict) -> str:
    path = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), "x-y")), path)
    return path if path.startswith("/") else f"/{path}"


def outcome(response):
    if response.status_code == 302 and response["Location"].startswith(
        resolve_url(settings.LOGIN_URL)
    ):
        return LOGIN
    return response.status_code


def call(world: World, op: Op, subject: str, role: str, script_name: str = "", client=None):
    client = client or world.client(role)
    path = fill(op.path, world.values(subject))
    data = op.data(world, subject) if callable(op.data) else op.data
    headers = {"HTTP_X_TONUS_PERSON": str(world.subjects[subject].id)} if op.acting else {}
    if script_name:
        # What a same-host proxy passes on as a SCRIPT_NAME header: request.path starts with it.
        headers["SCRIPT_NAME"] = script_name
    method = getattr(client, op.method.lower())
    if op.body == "csv":
        return method(path, data=data, content_type="text/csv", **headers)
    if op.method == "GET":
        return method(path, data, **headers)
    if op.body == "json":
        return method(path, data, format="json", **headers)
    return method(path, data, **headers)


def op_id(op: Op) -> str:
    return f"{op.method} {op.path if op.path.startswith('/') else '/' + op.path}"


@pytest.fixture
def world(make_person, receiver):
    return World(make_person, receiver)


SUCCESS = (200, 201, 202, 204, 302)


def refused_or_outside(op: Op, role: str, expected) -> bool:
    """Whose answers must carry none of the subject's data: those outside the circle, and a
    support person wherever they are answered as one."""
    if op.capability:
        return False
    return role in (*OUTSIDERS, ANONYMOUS) or (role == SUPPORT and expected in (403, 404))


EXPORTED_AT = datetime(2026, 11, 2, tzinfo=UTC)


def fingerprints(world: World, role: str) -> dict[str, str]:
    """Everything held about both subjects and the login acting, as their data export has it."""
    people = {**world.subjects, role: world.users[role]}
    found = {}
    for name, person in people.items():
        current = type(person).objects.filter(id=person.id).first()
        data = "deleted" if current is None else person_data(person=current, now=EXPORTED_AT)
        # Left out of the export on purpose, yet the person's: the calendar address.
        data = [data, list(CalendarFeed.objects.filter(person=person).values("token_hash"))]
        found.setdefault(person.id, (name, json.dumps(data, default=str, sort_keys=True)))
    return dict(found.values())


def lands_on_subject(op: Op, role: str) -> bool:
    """A write for the subject, by someone in their circle: checked to change the subject alone."""
    return (
        op.acting
        and op.changes
        and op.method != "GET"
        and role in (OWNER, CAREGIVER, SUPPORT, THERAPIST)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("op", API + PAGES, ids=op_id)
def test_each_role_gets_exactly_what_it_may(world, op):
    leaks, mismatches, misplaced = [], [], []
    for subject in op.subjects:
        expected = op.expected(subject)
        actual = {}
        for role in ROLES[subject]:
            # Each role sees the world as it was: what one role changed is rolled back.
            cookies = copy.deepcopy(world.clients[role].cookies)
            with transaction.atomic():
                before = fingerprints(world, role) if lands_on_subject(op, role) else None
                response = call(world, op, subject, role)
                if before is not None and outcome(response) in SUCCESS:
                    after = fingerprints(world, role)
                    changed = {name for name in before if before[name] != after[name]}
                    if changed != {subject}:
                        misplaced.append((subject, role, sorted(changed)))
                transaction.set_rollback(True)
            world.clients[role].cookies = cookies  # a log-out or switch is undone too
            actual[role] = outcome(response)
            body = response.content.decode(errors="replace")
            if refused_or_outside(op, role, expected[role]):
                leaks += [(subject, role, m) for m in world.markers(subject) if m in body]
        if actual != expected:
            mismatches.append(
                (subject, {r: (actual[r], expected[r]) for r in actual if actual[r] != expected[r]})
            )
    assert not mismatches, f"(actual, expected) by role: {mismatches}"
    assert not leaks, f"the subject's data reached someone outside the circle: {leaks}"
    assert not misplaced, f"a write changed someone else's data, or nothing: {misplaced}"


def token_expected(op: Op, subject: str, scope: str) -> dict:
    """The token column: a token gets what its owner's session gets, but a read token never
    writes, a token acting as a therapist only reads, a token makes no tokens, and a revoked
    one (the anonymous row) is answered 401."""
    if (op.method, op.path) == ("POST", "/api/v1/reminders/action/"):
        return op.expected(subject)  # the signed reminder token is the key; no login is read
    if (op.method, op.path) == ("POST", "/api/v1/accounts/signup/confirm/"):
        # Finishing a sign-up logs a browser in, so it asks for the CSRF token a script does
        # not have.
        return dict.fromkeys(op.expected(subject), 403)
    expected = {}
    for role, status in op.expected(subject).items():
        writes = op.method != "GET"
        refused = (
            (writes and scope == "read")
            or (op.method == "POST" and op.path == "/api/v1/accounts/tokens/")
            or (writes and role == THERAPIST and op.acting and status != 404)
        )
        expected[role] = 401 if role == ANONYMOUS else 403 if refused else status
    return expected


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["read_write", "read"])
@pytest.mark.parametrize("op", API, ids=op_id)
def test_each_role_with_a_token_gets_what_its_token_may(world, op, scope):
    leaks, mismatches = [], []
    for subject in op.subjects:
        expected = token_expected(op, subject, scope)
        actual = {}
        for role in ROLES[subject]:
            logged = AccessLogEntry.objects.count()
            with transaction.atomic():
                client = world.token_client(role, scope)
                response = call(world, op, subject, role, client=client)
                actual[role] = outcome(response)
                if role == THERAPIST and op.acting and op.method == "GET" and actual[role] == 200:
                    assert AccessLogEntry.objects.count() == logged + 1, "a token's read unlogged"
                transaction.set_rollback(True)
            if actual[role] == 401:
                assert response["WWW-Authenticate"] == "Token"
            body = response.content.decode(errors="replace")
            if role in (*OUTSIDERS, ANONYMOUS) and not op.capability:
                leaks += [(subject, role, m) for m in world.markers(subject) if m in body]
        if actual != expected:
            mismatches.append(
                (subject, {r: (actual[r], expected[r]) for r in actual if actual[r] != expected[r]})
            )
    assert not mismatches, f"(actual, expected) by role: {mismatches}"
    assert not leaks, f"the subject's data reached someone outside the circle: {leaks}"


# A prefix the proxy may pass on, chosen to begin with a path of the login's own things: were
# access decided on request.path, these requests would slip past the therapist's limits.
SCRIPT_NAMES = ("/accounts", "/api/v1/care")


@pytest.mark.django_db
@pytest.mark.parametrize("script_name", SCRIPT_NAMES)
@pytest.mark.parametrize("op", [op for op in API + PAGES if op.acting], ids=op_id)
def test_a_script_name_changes_no_answer(world, op, script_name):
    subject = op.subjects[0]
    expected = op.expected(subject)
    actual = {}
    for role in (THERAPIST, "other_patient", CAREGIVER):
        cookies = copy.deepcopy(world.clients[role].cookies)
        logged = AccessLogEntry.objects.count()
        with transaction.atomic():
            response = call(world, op, subject, role, script_name=script_name)
            actual[role] = outcome(response)
            if role == THERAPIST and op.method == "GET" and actual[role] == 200:
                assert AccessLogEntry.objects.count() == logged + 1, "a therapist's read unlogged"
            transaction.set_rollback(True)
        world.clients[role].cookies = cookies
    assert actual == {role: expected[role] for role in actual}


def _routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/"):
                yield "admin/"
            elif not route.startswith("api/v1/"):
                yield from _routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def test_the_matrix_covers_every_api_operation():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    in_schema = {
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    }
    in_matrix = {(op.method, op.path) for op in API}

    assert in_schema - in_matrix == set(), "endpoints with no row in the matrix"
    assert in_matrix - in_schema == set(), "rows for endpoints that no longer exist"


def test_the_matrix_covers_every_page():
    in_matrix = {op.path for op in PAGES}

    assert set(_routes()) - in_matrix == set(), "pages with no row in the matrix"


def test_a_revoked_therapist_was_a_real_therapist_until_revoked(world):
    """The revoked row is meaningful only if revoking is what took the access away."""
    access = TherapistAccess.objects.get(
        therapist=world.users["revoked_therapist"], person=world.subjects["patient"]
    )
    access.revoked_at = None
    access.save()
    client = world.client("revoked_therapist")
    client.credentials(HTTP_X_TONUS_PERSON=str(world.subjects["patient"].id))
    assert client.get("/api/v1/trends/").status_code == 200
    access.revoked_at = timezone.now() - timedelta(seconds=1)
    access.save()
    assert client.get("/api/v1/trends/").status_code == 404
