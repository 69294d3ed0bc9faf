"""Hostile and bad input at every API write and every form.

Each row sends one bad value (too long, the wrong type, a field the endpoint does not take, a
time zone that does not exist, a date far in the past or future) inside an otherwise valid
request. The answer must be a 400 that names the field, and no row of any table may change:
nothing is partly saved.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

import pytest
from django.apps import apps
from django.forms import BaseForm, BaseFormSet
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from webpush.models import SubscriptionInfo

from backend.accounts.services import user_update
from backend.care.models import AccessLogEntry
from backend.checkins.api import CheckInApi
from backend.checkins.export import checkins_to_csv
from backend.checkins.forms import CheckInForm
from backend.checkins.models import CheckInImport
from backend.checkins.services import checkin_create, note_add
from backend.goals.services import goal_create
from backend.plans.services import StretchInput, proposal_create, stretch_routine_save
from backend.reminders.services import device_rename
from backend.treatments.services import treatment_record
from tests.conftest import PASSWORD
from tests.support.household import Household, household_build
from tests.support.imports import import_csv
from tests.support.plans import MASSAGE_FORM, NO, STRETCH_FORM, massage_plan, stretch_routine

pytestmark = pytest.mark.django_db

# Names that are no IANA time zone: made up, a folder of zones, a file beside them, a path
# out of the zone folder, a NUL byte, and far too long.
BAD_ZONES = [
    "Mars/Olympus_Mons",
    "America",
    "zone.tab",
    "../../etc/passwd",
    "UTC\x00",
    "Europe/" + "x" * 300,
]
DATA_APPS = {"accounts", "plans", "reminders", "checkins", "care", "goals", "treatments", "webpush"}
# Written on purpose whatever the input: the access log (by a therapist's request), and the
# record of an import, which says which lines failed.
AUDIT = {AccessLogEntry, CheckInImport}


def _rows() -> dict:
    """Every row of every table holding people's data."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.app_label in DATA_APPS and model not in AUDIT
    }


@pytest.fixture
def household(make_person, receiver) -> Household:
    return household_build(make_person, receiver)


# --- the API -----------------------------------------------------------------------------


class Replace:
    """A whole body that is not an object at all."""

    def __init__(self, body):
        self.body = body


def _changed(body, change):
    if isinstance(change, Replace):
        return change.body
    if callable(change):
        return change(json.loads(json.dumps(body)))
    return body | change


def _nested(path: str, value):
    """A change to one value inside lists and objects: "stretches.0.name"."""

    def change(body):
        *parents, last = path.split(".")
        target = body
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
        return body

    return change


def _named(errors, path: str) -> bool:
    for part in path.split("."):
        if isinstance(errors, list) and part.isdigit() and int(part) < len(errors):
            errors = errors[int(part)]
        elif isinstance(errors, dict) and part in errors:
            errors = errors[part]
        else:
            return False
    return True


@dataclass(frozen=True)
class Write:
    name: str
    method: str
    path: str  # formatted with the household's ids
    body: Callable[[Household, object], object]
    cases: tuple  # (what, change, field path named in the answer)
    who: str = "parent"  # "parent", "anonymous", or "therapist" acting for the parent


TEXT = "x"


def too_long(length: int) -> str:
    return TEXT * (length + 1)


def checkin(household, receiver):
    return {"idempotency_key": str(uuid.uuid4()), "tone": "1+", "pain": 3, "ease": 6}


WRITES = [
    Write(
        "sign up",
        "post",
        "/api/v1/accounts/signup/",
        lambda h, r: {
            "email": "new@example.com",
            "password": PASSWORD,
            "time_zone": "Europe/Madrid",
            "roles": ["practise"],
        },
        (
            ("email too long", {"email": too_long(254) + "@example.com"}, "email"),
            ("email not an address", {"email": "not-an-address"}, "email"),
            ("email a number", {"email": 42}, "email"),
            ("roles not a list", {"roles": "practise"}, "roles"),
            ("a role unknown", {"roles": ["astronaut"]}, "roles"),
            ("a therapist with no name", {"roles": ["therapist"]}, "name"),
            ("name too long", {"name": too_long(100)}, "name"),
            ("password too long", {"password": too_long(128)}, "password"),
            ("password a list", {"password": [PASSWORD]}, "password"),
            ("language unknown", {"language": "xx"}, "language"),
            *((f"time zone {zone[:12]!r}", {"time_zone": zone}, "time_zone") for zone in BAD_ZONES),
        ),
        who="anonymous",
    ),
    Write(
        "finish sign-up",
        "post",
        "/api/v1/accounts/signup/confirm/",
        lambda h, r: {"uid": "MQ", "token": "not-a-token"},
        (
            ("uid too long", {"uid": too_long(50)}, "uid"),
            ("uid a list", {"uid": ["MQ"]}, "uid"),
            ("token too long", {"token": too_long(100)}, "token"),
            ("token a number", {"token": {"a": 1}}, "token"),
            ("a token that is no link's", {}, "token"),
        ),
        who="anonymous",
    ),
    Write(
        "settings",
        "patch",
        "/api/v1/accounts/me/",
        lambda h, r: {"name": "Sam B"},
        (
            ("roles empty", {"roles": []}, "roles"),
            ("a therapist with no name", {"roles": ["therapist"], "name": ""}, "name"),
            ("profession too long", {"profession": too_long(100)}, "profession"),
            ("name too long", {"name": too_long(100)}, "name"),
            ("name an object", {"name": {"first": "Sam"}}, "name"),
            ("quiet hours past midnight", {"quiet_hours_start": "24:00"}, "quiet_hours_start"),
            ("quiet hours a number", {"quiet_hours_start": 22}, "quiet_hours_start"),
            ("paused until long ago", {"paused_until": "1900-01-01"}, "paused_until"),
            ("paused until far ahead", {"paused_until": "9999-12-31"}, "paused_until"),
            ("paused until not a date", {"paused_until": "next week"}, "paused_until"),
            ("paused a word", {"reminders_paused": "perhaps"}, "reminders_paused"),
            ("language unknown", {"language": "tlh"}, "language"),
            ("window too short", {"escalate_after": 29}, "escalate_after"),
            ("window too long", {"escalate_after": 241}, "escalate_after"),
            ("window a word", {"escalate_after": "soon"}, "escalate_after"),
            *((f"time zone {zone[:12]!r}", {"time_zone": zone}, "time_zone") for zone in BAD_ZONES),
        ),
    ),
    Write(
        "account delete",
        "post",
        "/api/v1/accounts/delete/",
        lambda h, r: {"password": PASSWORD},
        (
            ("password too long", {"password": too_long(128)}, "password"),
            ("password a number", {"password": 12345678}, "password"),
        ),
    ),
    Write(
        "access token",
        "post",
        "/api/v1/accounts/tokens/",
        lambda h, r: {"name": "Clinic system", "scope": "read", "expires_in_days": 30},
        (
            ("name too long", {"name": too_long(100)}, "name"),
            ("name empty", {"name": ""}, "name"),
            ("scope unknown", {"scope": "admin"}, "scope"),
            ("expiry over a year", {"expires_in_days": 366}, "expires_in_days"),
            ("expiry zero", {"expires_in_days": 0}, "expires_in_days"),
            ("expiry a word", {"expires_in_days": "forever"}, "expires_in_days"),
            ("field unknown", {"expiry": "2099-01-01"}, "expiry"),
        ),
    ),
    Write(
        "massage plan",
        "put",
        "/api/v1/plans/massage/",
        lambda h, r: massage_plan(),
        (
            ("duration too long", {"duration_minutes": 61}, "duration_minutes"),
            ("duration a word", {"duration_minutes": "ten"}, "duration_minutes"),
            ("duration huge", {"duration_minutes": 10**30}, "duration_minutes"),
            ("technique unknown", {"technique": "<b>shiatsu</b>"}, "technique"),
            ("muscle too long", {"target_muscles": [too_long(60)]}, "target_muscles.0"),
            ("muscles a string", {"target_muscles": "calf"}, "target_muscles"),
            ("too many muscles", {"target_muscles": ["calf"] * 13}, "target_muscles"),
            ("weekday unknown", _nested("sessions.0.weekday", "funday"), "sessions.0.weekday"),
            ("time past 23:59", _nested("sessions.0.time", "24:30"), "sessions.0.time"),
            ("session field unknown", _nested("sessions.0.room", "gym"), "sessions.0.room"),
            ("sessions an object", {"sessions": {"weekday": "monday"}}, "sessions"),
            ("given by a number", {"given_by": 3}, "given_by"),
        ),
    ),
    Write(
        "stretch routine",
        "put",
        "/api/v1/plans/stretches/",
        lambda h, r: stretch_routine(),
        (
            ("time past 23:59", {"times": ["25:00"]}, "times"),
            ("times a string", {"times": "08:00"}, "times"),
            ("too many times", {"times": [f"0{n}:00" for n in range(7)]}, "times"),
            ("name too long", _nested("stretches.0.name", too_long(80)), "stretches.0.name"),
            ("hold too long", _nested("stretches.0.hold_seconds", 301), "stretches.0.hold_seconds"),
            (
                "repetitions a word",
                _nested("stretches.0.repetitions", "3x"),
                "stretches.0.repetitions",
            ),
            ("side unknown", _nested("stretches.0.side", "middle"), "stretches.0.side"),
            (
                "built-in stretch unknown",
                _nested("stretches.0.catalog_key", "ankle-circles"),
                "stretches.0.catalog_key",
            ),
            ("custom stretch unnamed", _nested("stretches.0.name", ""), "stretches.0.name"),
            ("stretch field unknown", _nested("stretches.0.colour", "red"), "stretches.0.colour"),
            ("too many stretches", lambda b: b | {"stretches": b["stretches"] * 11}, "stretches"),
        ),
    ),
    Write(
        "safety screen",
        "post",
        "/api/v1/safety-screen/",
        lambda h, r: dict(NO),
        (
            ("answer a word", {"open_wounds": "perhaps"}, "open_wounds"),
            ("answer a list", {"open_wounds": [True]}, "open_wounds"),
            (
                "answer missing",
                lambda b: {k: v for k, v in b.items() if k != "open_wounds"},
                "open_wounds",
            ),
        ),
    ),
    Write(
        "suggestion",
        "post",
        "/api/v1/plans/proposals/",
        lambda h, r: {"message": "Try 20 minutes", "duration_minutes": 20, "technique": "swedish"},
        (
            ("message too long", {"message": too_long(500)}, "message"),
            ("duration too long", {"duration_minutes": 61}, "duration_minutes"),
            ("technique unknown", {"technique": "bogus"}, "technique"),
            ("status set by the sender", {"status": "accepted"}, "status"),
        ),
        who="therapist",
    ),
    Write(
        "suggestion decision",
        "post",
        "/api/v1/plans/proposals/{proposal_id}/decision/",
        lambda h, r: {"decision": "accept"},
        (
            ("decision unknown", {"decision": "maybe"}, "decision"),
            ("decision a boolean", {"decision": True}, "decision"),
        ),
    ),
    Write(
        "device on",
        "post",
        "/api/v1/devices/",
        lambda h, r: r.new_subscription().as_dict(),
        (
            (
                "endpoint too long",
                {"endpoint": "https://push.example.com/" + too_long(500)},
                "endpoint",
            ),
            ("endpoint a script", {"endpoint": "javascript:alert(1)"}, "endpoint"),
            ("endpoint a number", {"endpoint": 5}, "endpoint"),
            ("key too short", _nested("keys.p256dh", "BBBB"), "keys.p256dh"),
            ("key not base64url", _nested("keys.auth", "!" * 22), "keys.auth"),
            ("key field unknown", _nested("keys.extra", "x"), "keys.extra"),
            ("keys a string", {"keys": "p256dh"}, "keys"),
            ("browser too long", {"browser": too_long(100)}, "browser"),
            ("user agent too long", {"user_agent": too_long(500)}, "user_agent"),
        ),
    ),
    Write(
        "device off",
        "delete",
        "/api/v1/devices/",
        lambda h, r: {"endpoint": "https://push.example.com/abc"},
        (
            ("endpoint not a URL", {"endpoint": "not a url"}, "endpoint"),
            (
                "endpoint too long",
                {"endpoint": "https://push.example.com/" + too_long(500)},
                "endpoint",
            ),
        ),
    ),
    Write(
        "device name",
        "patch",
        "/api/v1/devices/{device_id}/",
        lambda h, r: {"name": "Kitchen tablet"},
        (
            ("name too long", {"name": too_long(60)}, "name"),
            ("name empty", {"name": ""}, "name"),
            ("name null", {"name": None}, "name"),
        ),
    ),
    Write(
        "child added",
        "post",
        "/api/v1/care/dependents/",
        lambda h, r: {"name": "Leo", "birth_year": 2019, "time_zone": "Europe/London"},
        (
            ("name too long", {"name": too_long(100)}, "name"),
            ("name a list", {"name": ["Leo"]}, "name"),
            ("born long ago", {"birth_year": 1800}, "birth_year"),
            ("born next century", {"birth_year": 2999}, "birth_year"),
            ("born next year", {"birth_year": 2100}, "birth_year"),
            ("birth year a word", {"birth_year": "2019x"}, "birth_year"),
            ("window too long", {"escalate_after": 500}, "escalate_after"),
            *((f"time zone {zone[:12]!r}", {"time_zone": zone}, "time_zone") for zone in BAD_ZONES),
        ),
    ),
    Write(
        "child changed",
        "patch",
        "/api/v1/care/dependents/{person_id}/",
        lambda h, r: {"name": "Emily R"},
        (
            ("name too long", {"name": too_long(100)}, "name"),
            ("born in the future", {"birth_year": 2100}, "birth_year"),
            ("window too short", {"escalate_after": 5}, "escalate_after"),
            *((f"time zone {zone[:12]!r}", {"time_zone": zone}, "time_zone") for zone in BAD_ZONES),
        ),
    ),
    Write(
        "invitation",
        "post",
        "/api/v1/care/invitations/",
        lambda h, r: {"role": "caregiver"},
        (
            ("role unknown", {"role": "admin"}, "role"),
            ("role a list", {"role": ["caregiver"]}, "role"),
        ),
    ),
    Write(
        "invitation code",
        "post",
        "/api/v1/care/invitations/accept/",
        lambda h, r: {"code": "ABCDE-FGHJK"},
        (
            ("code too long", {"code": too_long(40)}, "code"),
            ("code an object", {"code": {"value": "ABCDE"}}, "code"),
        ),
    ),
    Write(
        "check-in",
        "post",
        "/api/v1/checkins/",
        checkin,
        (
            ("tone unknown", {"tone": "5"}, "tone"),
            ("tone a list", {"tone": ["1"]}, "tone"),
            ("pain above 10", {"pain": 11}, "pain"),
            ("pain a word", {"pain": "three"}, "pain"),
            ("pain a fraction", {"pain": 2.5}, "pain"),
            ("ease below 0", {"ease": -1}, "ease"),
            ("recorded long ago", {"recorded_at": "1900-01-01T08:00:00Z"}, "recorded_at"),
            ("recorded far ahead", {"recorded_at": "2999-01-01T08:00:00Z"}, "recorded_at"),
            ("recorded before year 1", {"recorded_at": "0001-01-01T00:00:00+01:00"}, "recorded_at"),
            ("recorded a number", {"recorded_at": 1700000000}, "recorded_at"),
            ("notes too long", {"notes": too_long(2000)}, "notes"),
            ("milestone too long", {"milestone": too_long(200)}, "milestone"),
            ("joint too long", {"rom_joint": too_long(60)}, "rom_joint"),
            ("degrees above 360", {"rom_degrees": 361}, "rom_degrees"),
            ("minutes above 240", {"minutes": 241}, "minutes"),
            ("stress above 10", {"stress": 11}, "stress"),
            ("reminder unknown", {"occurrence": 10**12}, "occurrence"),
            ("key not a UUID", {"idempotency_key": "key-1"}, "idempotency_key"),
            ("technique unknown", {"technique": "bogus"}, "technique"),
            ("change unknown", {"rom_change": "sideways"}, "rom_change"),
            ("NUL in notes", {"notes": "stiff\x00"}, "notes"),
        ),
    ),
    Write(
        "check-in correction",
        "patch",
        "/api/v1/checkins/{checkin_id}/",
        lambda h, r: {"pain": 2, "reason": "Typed the wrong number."},
        (
            ("tone unknown", {"tone": "5"}, "tone"),
            ("pain above 10", {"pain": 11}, "pain"),
            ("pain a word", {"pain": "three"}, "pain"),
            ("notes too long", {"notes": too_long(2000)}, "notes"),
            ("reason too long", {"reason": too_long(200)}, "reason"),
            ("reason a list", {"reason": ["why"]}, "reason"),
            ("time changed", {"recorded_at": "2026-01-01T08:00:00Z"}, "recorded_at"),
            ("key changed", {"idempotency_key": str(uuid.uuid4())}, "idempotency_key"),
        ),
    ),
    Write(
        "therapist note",
        "post",
        "/api/v1/checkins/{checkin_id}/notes/",
        lambda h, r: {"text": "Keep the stretches slow."},
        (
            ("text too long", {"text": too_long(1000)}, "text"),
            ("text null", {"text": None}, "text"),
            ("author set by the sender", {"author": "Someone else"}, "author"),
        ),
        who="therapist",
    ),
    Write(
        "alert resolution",
        "post",
        "/api/v1/alerts/{flag_id}/resolve/",
        lambda h, r: {"reason": "Seen at the visit."},
        (
            ("reason missing", {"reason": ""}, "reason"),
            ("reason blank", {"reason": "   "}, "reason"),
            ("reason too long", {"reason": too_long(200)}, "reason"),
            ("reason null", {"reason": None}, "reason"),
        ),
        who="therapist",
    ),
    Write(
        "reminder action",
        "post",
        "/api/v1/reminders/action/",
        lambda h, r: {"token": "not-a-real-token", "action": "done"},
        (
            ("action unknown", {"action": "explode"}, "action"),
            ("token too long", {"token": too_long(200)}, "token"),
        ),
        who="anonymous",
    ),
]

WRITES += [
    Write(
        "goal added",
        "post",
        "/api/v1/goals/",
        lambda h, r: {"text": "Climb stairs"},
        (
            ("text too long", {"text": too_long(120)}, "text"),
            ("text empty", {"text": ""}, "text"),
            ("text a list", {"text": ["Climb stairs"]}, "text"),
        ),
    ),
    Write(
        "goal changed",
        "patch",
        "/api/v1/goals/{goal_id}/",
        lambda h, r: {"text": "Put on both shoes"},
        (
            ("text too long", {"text": too_long(120)}, "text"),
            ("status unknown", {"status": "forgotten"}, "status"),
        ),
    ),
    Write(
        "goal rated",
        "post",
        "/api/v1/goals/{goal_id}/ratings/",
        lambda h, r: {"score": 1},
        (
            ("score above +2", {"score": 3}, "score"),
            ("score below -2", {"score": -3}, "score"),
            ("score a word", {"score": "great"}, "score"),
            ("score a fraction", {"score": 1.5}, "score"),
        ),
    ),
]

WRITES += [
    Write(
        "treatment recorded",
        "post",
        "/api/v1/treatments/",
        lambda h, r: {"kind": "casting", "started_on": "2026-11-01", "ended_on": "2026-11-20"},
        (
            ("kind unknown", {"kind": "surgery"}, "kind"),
            ("started long ago", {"started_on": "1800-01-01"}, "started_on"),
            ("started far ahead", {"started_on": "9999-12-31"}, "started_on"),
            ("started not a date", {"started_on": "last week"}, "started_on"),
            ("ends before it starts", {"ended_on": "2026-10-01"}, "ended_on"),
            ("ends far ahead", {"ended_on": "9999-12-31"}, "ended_on"),
            ("muscles too long", {"muscles": too_long(200)}, "muscles"),
            ("medicine too long", {"medicine": too_long(80)}, "medicine"),
            ("change unknown", {"change": "doubled"}, "change"),
            ("note too long", {"note": too_long(500)}, "note"),
            ("a dose", {"dose": "10 mg"}, "dose"),
            ("medicine unnamed", {"kind": "medicine", "change": "started"}, "medicine"),
        ),
    ),
]

# Every write also refuses a field it does not take, and a body that is not an object.
COMMON = (
    ("field unknown", {"colour": "red"}, "colour"),
    ("field misspelt", {"pian": 3}, "pian"),
    ("a list, not an object", Replace([1, 2]), "non_field_errors"),
    ("a string, not an object", Replace("hello"), "non_field_errors"),
)
API_CASES = [
    pytest.param(write, change, field, id=f"{write.name}: {what}")
    for write in WRITES
    for what, change, field in (*write.cases, *COMMON)
]


def _client(household, who: str) -> APIClient:
    client = APIClient()
    if who == "parent":
        client.force_login(household.parent)
    elif who == "therapist":
        client.force_login(household.therapist)
        client.credentials(HTTP_X_TONUS_PERSON=str(household.parent.id))
    return client


@pytest.mark.parametrize(("write", "change", "field"), API_CASES)
def test_bad_api_input_is_refused_naming_the_field_and_nothing_is_saved(
    household, receiver, write, change, field
):
    client = _client(household, write.who)
    body = _changed(write.body(household, receiver), change)
    before = _rows()

    response = getattr(client, write.method)(
        write.path.format(**household.ids), body, format="json"
    )

    assert response.status_code == 400, response.content
    assert _named(response.json(), field), response.json()
    assert _rows() == before


def test_every_api_write_is_in_the_table():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    with_json_body = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    }
    assert with_json_body <= {(write.method, write.path) for write in WRITES}


def test_unknown_fields_are_all_named_along_with_other_errors(api_as):
    response = api_as.post(
        "/api/v1/checkins/",
        {"idempotency_key": str(uuid.uuid4()), "tone": "9", "pain": 3, "ease": 6, "a": 1, "b": 2},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"tone", "a", "b"}
    assert response.json()["a"] == ["Unknown field."]


def test_a_browser_subscription_as_it_comes_is_taken(api_as, receiver):
    # PushSubscription.toJSON() carries expirationTime: the one field the API ignores.
    body = receiver.new_subscription().as_dict() | {"expirationTime": None}

    response = api_as.post("/api/v1/devices/", body, format="json")

    assert response.status_code == 201


def test_the_check_in_page_sends_only_fields_the_api_takes():
    # The page queues check-ins offline and sends its form's fields to the API as they are.
    taken = set(CheckInApi.CheckInInputSerializer().fields)
    assert set(CheckInForm().fields) <= taken


@pytest.mark.parametrize(
    ("who", "path"),
    [("parent", "/api/v1/checkins/"), ("anonymous", "/api/v1/accounts/signup/")],
)
def test_a_body_over_the_size_limit_is_refused_before_it_is_read(household, who, path):
    client = _client(household, who)
    body = json.dumps({"notes": "x" * 3_000_000})
    before = _rows()

    response = client.post(path, body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large."}
    assert _rows() == before


@pytest.mark.parametrize(
    ("who", "path", "depth"),
    [
        ("anonymous", "/api/v1/reminders/action/", 100_000),  # no log-in needed to send it
        ("anonymous", "/api/v1/reminders/action/", 40),
        ("parent", "/api/v1/checkins/", 100_000),
        ("parent", "/api/v1/checkins/", 40),
    ],
)
def test_a_body_nested_too_deeply_is_refused(household, who, path, depth):
    client = _client(household, who)
    body = '{"token": ' + "[" * depth + "]" * depth + "}"
    before = _rows()

    response = client.post(path, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is nested too deeply."}
    assert _rows() == before


@pytest.mark.django_db(transaction=True)
def test_a_check_in_file_with_one_bad_row_stores_none_of_it(household, bulk_worker):
    client = _client(household, "parent")
    rows = checkins_to_csv(household.parent.checkins.all()).splitlines()
    good = rows[1].replace(rows[1].split(",")[0], str(uuid.uuid4()))
    bad = good.replace(good.split(",")[0], str(uuid.uuid4())).replace(",5,5,", ",5,11,")
    before = _rows()

    job = import_csv(client, "\n".join([rows[0], good, bad]))

    assert job["status"] == "failed"
    assert job["errors"] == {
        "rows": {"3": {"ease": ["Ensure this value is less than or equal to 10."]}}
    }
    assert _rows() == before


def test_a_check_in_file_with_no_rows_is_a_400_naming_the_file(household):
    client = _client(household, "parent")
    before = _rows()

    response = client.post("/api/v1/checkins/import/", "tone,pain\n", content_type="text/csv")

    assert response.status_code == 400
    assert response.json() == {"file": ["No check-ins found in the file."]}
    assert _rows() == before


# --- the pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    data: Callable[[Household], dict]
    cases: tuple  # (what, change, field: a form field, or "message:<text on the page>")
    who: str = "parent"  # "parent", "child" (the parent managing the child), "therapist",
    # "newcomer" (signed in, no plan yet) or "anonymous"


SETTINGS_FORM = {"name": "Sam", "language": "en", "time_zone": "Europe/Madrid"}
STARTER_FORM = {
    "time_zone": "Europe/Madrid",
    "first_day": "1",
    "second_day": "4",
    "massage_time": "18:00",
    "duration_minutes": "15",
    "given_by": "self",
    "stretch_time": "08:00",
    **dict.fromkeys(NO, "no"),
}


def zones(field: str) -> tuple:
    return tuple((f"time zone {zone[:12]!r}", {field: zone}, field) for zone in BAD_ZONES)


PAGES = [
    Page(
        "sign up",
        "/accounts/signup/",
        lambda h: {
            "email": "new@example.com",
            "password": PASSWORD,
            "time_zone": "Europe/Madrid",
            "roles": ["practise"],
        },
        (
            ("email too long", {"email": too_long(254) + "@example.com"}, "email"),
            ("email not an address", {"email": "not-an-address"}, "email"),
            ("email empty", {"email": ""}, "email"),
            ("no role", {"roles": []}, "roles"),
            ("a role unknown", {"roles": ["astronaut"]}, "roles"),
            ("password too long", {"password": too_long(128)}, "password"),
            *zones("time_zone"),
        ),
        who="anonymous",
    ),
    Page(
        "settings",
        "/accounts/settings/",
        lambda h: SETTINGS_FORM,
        (
            ("name too long", {"name": too_long(100)}, "name"),
            (
                "quiet hours past midnight",
                {"quiet_hours_start": "25:00", "quiet_hours_end": "07:00"},
                "quiet_hours_start",
            ),
            ("paused until long ago", {"paused_until": "1900-01-01"}, "paused_until"),
            ("paused until far ahead", {"paused_until": "9999-12-31"}, "paused_until"),
            ("paused until past year 9999", {"paused_until": "10000-01-01"}, "paused_until"),
            ("language unknown", {"language": "tlh"}, "language"),
            ("window too short", {"escalate_after": "29"}, "escalate_after"),
            ("window huge", {"escalate_after": "9" * 30}, "escalate_after"),
            *zones("time_zone"),
        ),
    ),
    Page(
        "account delete",
        "/accounts/delete/",
        lambda h: {"delete-password": PASSWORD},
        (("password wrong", {"delete-password": too_long(1000)}, "password"),),
    ),
    Page(
        "child added",
        "/care/",
        lambda h: {"name": "Leo", "birth_year": "2019", "time_zone": "Europe/London"},
        (
            ("name too long", {"name": too_long(100)}, "name"),
            ("born long ago", {"birth_year": "1800"}, "birth_year"),
            ("born far ahead", {"birth_year": "2999"}, "birth_year"),
            ("birth year huge", {"birth_year": "9" * 30}, "birth_year"),
            ("birth year a word", {"birth_year": "twenty"}, "birth_year"),
            ("window too long", {"escalate_after": "241"}, "escalate_after"),
            *zones("time_zone"),
        ),
    ),
    Page(
        "child changed",
        "/care/profile/",
        lambda h: {
            "profile-name": "Emily",
            "profile-birth_year": "2018",
            "profile-time_zone": "Europe/London",
        },
        (
            ("name too long", {"profile-name": too_long(100)}, "name"),
            ("born far ahead", {"profile-birth_year": "2999"}, "birth_year"),
            ("window a word", {"profile-escalate_after": "soon"}, "escalate_after"),
            *(
                (what, {f"profile-{name}": value for name, value in change.items()}, field)
                for what, change, field in zones("time_zone")
            ),
        ),
        who="child",
    ),
    Page(
        "invitation",
        "/care/invite/",
        lambda h: {"role": "caregiver"},
        (("role unknown", {"role": "admin"}, "message:Choose who to invite"),),
    ),
    Page(
        "first plan",
        "/plans/start/",
        lambda h: STARTER_FORM,
        (
            ("day unknown", {"first_day": "9"}, "first_day"),
            ("time past 23:59", {"massage_time": "24:30"}, "massage_time"),
            ("duration not offered", {"duration_minutes": "999"}, "duration_minutes"),
            ("stretch time a word", {"stretch_time": "morning"}, "stretch_time"),
            ("answer a word", {"open_wounds": "perhaps"}, "open_wounds"),
            *zones("time_zone"),
        ),
        who="newcomer",
    ),
    Page(
        "massage plan",
        "/plans/massage/",
        lambda h: MASSAGE_FORM,
        (
            ("duration too long", {"duration_minutes": "61"}, "duration_minutes"),
            ("duration huge", {"duration_minutes": "9" * 30}, "duration_minutes"),
            ("duration a word", {"duration_minutes": "ten"}, "duration_minutes"),
            ("technique unknown", {"technique": "<b>shiatsu</b>"}, "technique"),
            ("time past 23:59", {"first_time": "24:30"}, "first_time"),
            ("other muscles too long", {"other_muscles": too_long(200)}, "other_muscles"),
        ),
    ),
    Page(
        "stretch routine",
        "/plans/stretches/",
        lambda h: STRETCH_FORM,
        (
            ("name too long", {"stretch-0-name": too_long(80)}, "name"),
            ("hold too long", {"stretch-0-hold_seconds": "301"}, "hold_seconds"),
            ("hold huge", {"stretch-0-hold_seconds": "9" * 30}, "hold_seconds"),
            ("side unknown", {"stretch-0-side": "middle"}, "side"),
            ("time a word", {"time_1": "dawn"}, "time_1"),
            (
                "a hundred stretches",
                {"stretch-TOTAL_FORMS": "100"}
                | {
                    f"stretch-{n}-{name}": STRETCH_FORM[f"stretch-0-{name}"]
                    for n in range(100)
                    for name in ("name", "target_muscle", "side", "hold_seconds", "repetitions")
                },
                "formset",
            ),
        ),
    ),
    Page(
        "safety questions",
        "/plans/safety/",
        lambda h: dict.fromkeys(NO, "no"),
        (("answer a word", {"open_wounds": "perhaps"}, "open_wounds"),),
    ),
    Page(
        "suggestion",
        "/plans/proposals/",
        lambda h: {"message": "Try 20 minutes", "duration_minutes": "20", "technique": "swedish"},
        (
            ("message too long", {"message": too_long(500)}, "message"),
            ("duration too long", {"duration_minutes": "61"}, "duration_minutes"),
            ("technique unknown", {"technique": "bogus"}, "technique"),
        ),
        who="therapist",
    ),
    Page(
        "suggestion decision",
        "/plans/proposals/{proposal_id}/decision/",
        lambda h: {"decision": "accept"},
        (("decision unknown", {"decision": "maybe"}, "message:Choose accept or decline"),),
    ),
    Page(
        "check-in",
        "/checkins/new/",
        lambda h: {"idempotency_key": str(uuid.uuid4()), "tone": "1+", "pain": "3", "ease": "6"},
        (
            ("tone unknown", {"tone": "5"}, "tone"),
            ("pain above 10", {"pain": "11"}, "pain"),
            ("notes too long", {"notes": too_long(2000)}, "notes"),
            ("milestone too long", {"milestone": too_long(200)}, "milestone"),
            ("degrees above 360", {"rom_degrees": "361"}, "rom_degrees"),
            ("degrees huge", {"rom_degrees": "9" * 30}, "rom_degrees"),
            ("minutes a word", {"minutes": "twenty"}, "minutes"),
            ("key not a UUID", {"idempotency_key": "key-1"}, "idempotency_key"),
        ),
    ),
    Page(
        "check-in correction",
        "/checkins/{checkin_id}/correct/",
        lambda h: {"tone": "1", "pain": "2", "ease": "6", "reason": "Typed the wrong number."},
        (
            ("tone unknown", {"tone": "5"}, "tone"),
            ("pain above 10", {"pain": "11"}, "pain"),
            ("reason too long", {"reason": too_long(200)}, "reason"),
        ),
    ),
    Page(
        "therapist note",
        "/checkins/{checkin_id}/notes/",
        lambda h: {"text": "Keep the stretches slow."},
        (("text too long", {"text": too_long(1000)}, "message:Write a note of up to 1,000"),),
        who="therapist",
    ),
    Page(
        "alert resolution",
        "/checkins/alerts/{flag_id}/",
        lambda h: {"reason": "Seen at the visit."},
        (
            ("reason missing", {"reason": ""}, "reason"),
            ("reason too long", {"reason": too_long(200)}, "reason"),
        ),
        who="therapist",
    ),
    Page(
        "overstimulation dismissal",
        "/checkins/overstimulation/dismiss/",
        lambda h: {"reason": "A long walk, not the massage."},
        (
            ("reason missing", {"reason": ""}, "reason"),
            ("reason too long", {"reason": too_long(200)}, "reason"),
        ),
    ),
    Page(
        "device name",
        "/devices/{device_id}/",
        lambda h: {"name": "Kitchen tablet"},
        (("name too long", {"name": too_long(60)}, "message:Name: "),),
    ),
]
PAGES += [
    Page(
        "goal added",
        "/goals/",
        lambda h: {"text": "Climb stairs"},
        (("text too long", {"text": too_long(120)}, "text"), ("text empty", {"text": ""}, "text")),
    ),
]
PAGES += [
    Page(
        "treatment recorded",
        "/treatments/",
        lambda h: {"kind": "casting", "started_on": "2026-11-01", "ended_on": "2026-11-20"},
        (
            ("kind unknown", {"kind": "surgery"}, "kind"),
            ("started far ahead", {"started_on": "9999-12-31"}, "started_on"),
            ("ends before it starts", {"ended_on": "2026-10-01"}, "ended_on"),
            ("note too long", {"note": too_long(500)}, "note"),
            ("medicine unnamed", {"kind": "medicine", "change": "started"}, "medicine"),
        ),
    ),
]
PAGE_CASES = [
    pytest.param(page, change, field, id=f"{page.name}: {what}")
    for page in PAGES
    for what, change, field in page.cases
]


def _browser(client, household, who: str, make_person):
    if who in ("parent", "child"):
        client.force_login(household.parent)
    elif who == "therapist":
        client.force_login(household.therapist)
    elif who == "newcomer":
        client.force_login(make_person("newcomer@example.com"))
    if who == "child":
        client.post(f"/care/switch/{household.child.id}/")
    elif who == "therapist":
        client.post(f"/care/switch/{household.parent.id}/")


def _form_errors(response) -> set[str]:
    named = set()
    contexts = response.context if isinstance(response.context, list) else [response.context]
    values = [v for context in contexts if context for v in context.flatten().values()]
    for value in values:
        if isinstance(value, BaseForm):
            named |= set(value.errors)
        elif isinstance(value, BaseFormSet):
            for form in value.forms:
                named |= set(form.errors)
            if value.non_form_errors():
                named.add("formset")
    return named


@pytest.mark.parametrize(("page", "change", "field"), PAGE_CASES)
def test_a_bad_form_is_refused_naming_the_field_and_nothing_is_saved(
    client, household, make_person, page, change, field
):
    _browser(client, household, page.who, make_person)
    before = _rows()

    response = client.post(
        page.path.format(**household.ids), page.data(household) | change, follow=False
    )

    assert response.status_code == 400
    if field.startswith("message:"):
        assert field.removeprefix("message:") in response.content.decode()
    else:
        assert field in _form_errors(response)
        assert 'role="alert"' in response.content.decode()
    assert _rows() == before


# --- markup in text ----------------------------------------------------------------------

MARKUP = "<script>alert(1)</script><img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
RAW = ("<script>alert(1)", "<img src=x onerror")


def _marked(tag: str) -> str:
    return MARKUP + tag


def _store_markup(household) -> list[str]:
    """Markup in every free-text field a person or a therapist can fill in; returns the tags."""
    parent, child, therapist = household.parent, household.child, household.therapist
    user_update(user=parent, name=_marked("parent"))
    user_update(user=child, name=_marked("child"))
    for person in (parent, child):
        checkin = checkin_create(
            person=person,
            idempotency_key=uuid.uuid4(),
            tone=2,
            pain=4,
            ease=5,
            notes=_marked("notes"),
            milestone=_marked("milestone"),
            rom_joint=_marked("joint"),
            rom_degrees=40,
        ).checkin
        note_add(checkin=checkin, author=therapist, text=_marked("tnote"))
        proposal_create(person=person, therapist=therapist, message=_marked("proposal"))
        stretch_routine_save(
            person=person,
            times=[time(8, 0)],
            stretches=[StretchInput(_marked("stretch"), _marked("muscle"), "both", 30, 3)],
        )
        goal_create(person=person, text=_marked("goal"))
        treatment_record(
            person=person,
            kind="botulinum_toxin",
            started_on=date(2026, 11, 1),
            muscles=_marked("injected"),
            note=_marked("rxnote"),
        )
    user_update(user=therapist, name=_marked("therapist"))
    device = SubscriptionInfo.objects.get(id=household.ids["device_id"])
    device_rename(subscription=device, name=_marked("device"))
    # The joint is stored too, though no page shows it (the API and exports do).
    return ["parent", "child", "notes", "milestone", "tnote", "proposal", "stretch", "muscle",
            "therapist", "device", "goal", "injected", "rxnote"]  # fmt: skip


def _pages(household, ids) -> list[str]:
    pages = [
        "/", "/accounts/settings/", "/care/", "/care/patients/", "/care/join/", "/plans/",
        "/plans/massage/", "/plans/stretches/", "/plans/safety/", "/checkins/new/",
        "/checkins/trend/", "/checkins/summary/", "/devices/", "/goals/",
        "/treatments/", "/checkins/summary/cycles/",
    ]  # fmt: skip
    return [*pages, f"/checkins/{ids['checkin_id']}/", f"/occurrences/{ids['occurrence_id']}/"]


def test_markup_in_any_text_is_shown_as_text_on_every_page(client, household):
    tags = _store_markup(household)
    latest = {
        person.id: person.checkins.order_by("-id").first().id
        for person in (household.parent, household.child)
    }
    shown: set[str] = set()
    # The parent, the parent managing the child, and the therapist of both.
    visits = [
        (household.parent, None, household.ids | {"checkin_id": latest[household.parent.id]}),
        (household.parent, household.child, household.child_ids | {"checkin_id": latest[household.child.id]}),
        (household.therapist, household.parent, household.ids | {"checkin_id": latest[household.parent.id]}),
    ]  # fmt: skip
    for login, acting_for, ids in visits:
        client.force_login(login)
        if acting_for is not None:
            client.post(f"/care/switch/{acting_for.id}/")
        responses = [client.get(path, follow=True) for path in _pages(household, ids)]
        if login == household.parent:
            responses.append(client.post("/care/invite/", {"role": "caregiver"}))
        for response in responses:
            html = response.content.decode()
            where = response.request["PATH_INFO"]
            assert response.status_code in (200, 201), where
            for raw in RAW:
                assert raw not in html, f"unescaped markup on {where}"
            shown |= {tag for tag in tags if ESCAPED + tag in html}

    # Each text was found, as text, on some page: the search above looked where it shows.
    assert shown == set(tags)
