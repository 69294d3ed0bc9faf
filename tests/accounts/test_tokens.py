"""Access tokens: made once and shown once, stored hashed, scoped, expiring, revocable,
throttled, acting as their owner by the same rules as a session."""

import io
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from knox.crypto import hash_token
from rest_framework.test import APIClient

from backend.accounts.models import ApiToken
from backend.accounts.services import api_token_create
from backend.care.models import AccessLogEntry

CHECKIN = {"tone": "1", "pain": 3, "ease": 6}


def checkin_body() -> dict:
    return CHECKIN | {"idempotency_key": str(uuid.uuid4())}


def with_token(secret: str, **headers) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}", **headers)
    return client


def make(user, scope="read_write", days=90, name="Clinic system") -> str:
    return api_token_create(user=user, name=name, scope=scope, expires_in_days=days)[1]


@pytest.mark.django_db
def test_a_token_is_shown_once_and_stored_hashed(api_as, person):
    made = api_as.post(
        "/api/v1/accounts/tokens/",
        {"name": "Clinic system", "scope": "read", "expires_in_days": 30},
        format="json",
    )

    assert made.status_code == 201
    secret = made.json()["token"]
    stored = ApiToken.objects.get()
    assert stored.digest == hash_token(secret)
    row = ApiToken.objects.filter(id=stored.id).values().get()
    assert not any(secret in str(value) for value in row.values()), "the token itself is stored"
    listed = api_as.get("/api/v1/accounts/tokens/").json()
    assert [t["name"] for t in listed] == ["Clinic system"]
    assert secret not in str(listed)
    assert set(listed[0]) == {"id", "name", "scope", "created", "expiry"}
    assert with_token(secret).get("/api/v1/accounts/me/").json()["email"] == person.email


@pytest.mark.django_db
def test_a_token_lives_at_most_a_year(api_as):
    too_long = api_as.post(
        "/api/v1/accounts/tokens/",
        {"name": "Forever", "scope": "read", "expires_in_days": 366},
        format="json",
    )
    default = api_as.post(
        "/api/v1/accounts/tokens/", {"name": "Script", "scope": "read"}, format="json"
    )

    assert too_long.status_code == 400 and "expires_in_days" in too_long.json()
    expiry = ApiToken.objects.get().expiry
    assert timedelta(days=89) < expiry - timezone.now() <= timedelta(days=90)
    assert default.status_code == 201


@pytest.mark.django_db
def test_an_expired_token_is_refused_with_401(person):
    secret = make(person, days=1)
    client = with_token(secret)
    assert client.get("/api/v1/trends/").status_code == 200

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        response = client.get("/api/v1/trends/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_read_token_reads_and_never_writes(person):
    client = with_token(make(person, scope="read"))

    assert client.get("/api/v1/checkins/").status_code == 200
    refused = client.post("/api/v1/checkins/", checkin_body(), format="json")
    assert refused.status_code == 403
    assert client.patch("/api/v1/accounts/me/", {"name": "X"}, format="json").status_code == 403
    assert not person.checkins.exists()


@pytest.mark.django_db
def test_a_read_write_token_writes_without_csrf(person):
    client = with_token(make(person, scope="read_write"))

    response = client.post("/api/v1/checkins/", checkin_body(), format="json")

    assert response.status_code == 201
    assert person.checkins.count() == 1


@pytest.mark.django_db
def test_revoking_works_at_once_and_only_on_ones_own(api_as, person, outsider):
    secret = make(person)
    token = ApiToken.objects.get()
    client = with_token(secret)
    assert client.get("/api/v1/trends/").status_code == 200

    someone_else = APIClient()
    someone_else.force_login(outsider)
    assert someone_else.delete(f"/api/v1/accounts/tokens/{token.id}/").status_code == 404
    assert client.get("/api/v1/trends/").status_code == 200

    assert api_as.delete(f"/api/v1/accounts/tokens/{token.id}/").status_code == 204
    refused = client.get("/api/v1/trends/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_a_token_revokes_itself_but_makes_no_tokens(person):
    client = with_token(make(person))
    token = ApiToken.objects.get()

    made = client.post("/api/v1/accounts/tokens/", {"name": "Next", "scope": "read"}, format="json")
    assert made.status_code == 403
    assert client.delete(f"/api/v1/accounts/tokens/{token.id}/").status_code == 204
    assert client.get("/api/v1/trends/").status_code == 401


@pytest.mark.django_db
def test_a_wrong_token_is_401_and_no_header_keeps_403(api):
    wrong = with_token("tonus_" + "0" * 64).get("/api/v1/trends/")
    bearer = api.get("/api/v1/trends/", HTTP_AUTHORIZATION="Bearer abc")
    nothing = api.get("/api/v1/trends/")

    assert (wrong.status_code, wrong["WWW-Authenticate"]) == (401, "Token")
    assert (bearer.status_code, bearer["WWW-Authenticate"]) == (401, "Token")
    assert nothing.status_code == 403 and "WWW-Authenticate" not in nothing


@pytest.mark.django_db
@override_settings(
    REST_FRAMEWORK={
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"test_reminder": "10/hour", "token": "3/minute"},
    }
)
def test_tokens_are_throttled_each_on_its_own(person, api_as):
    first, second = with_token(make(person)), with_token(make(person, name="Second"))

    answers = [first.get("/api/v1/trends/").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert "Retry-After" in first.get("/api/v1/trends/")
    assert second.get("/api/v1/trends/").status_code == 200
    assert api_as.get("/api/v1/trends/").status_code == 200, "a session is not counted"


@pytest.mark.django_db
def test_a_token_acts_for_the_circle_by_the_same_rules(person, child, outsider):
    # person is the child's caregiver (the `child` fixture)
    client = with_token(make(person))

    for_child = client.post(
        "/api/v1/checkins/", checkin_body(), format="json", HTTP_X_TONUS_PERSON=str(child.id)
    )
    stranger = with_token(make(outsider)).get(
        "/api/v1/checkins/", HTTP_X_TONUS_PERSON=str(child.id)
    )

    assert for_child.status_code == 201
    assert child.checkins.count() == 1 and not person.checkins.exists()
    assert stranger.status_code == 404


@pytest.mark.django_db
def test_a_therapists_token_only_reads_whatever_its_scope(person, therapist, with_therapist):
    session = APIClient()
    session.force_login(therapist)
    client = with_token(make(therapist, scope="read_write"))
    as_patient = {"HTTP_X_TONUS_PERSON": str(person.id)}
    made = with_token(make(person)).post("/api/v1/checkins/", checkin_body(), format="json")
    checkin_id = made.json()["id"]
    logged = AccessLogEntry.objects.count()

    assert client.get("/api/v1/trends/", **as_patient).status_code == 200
    assert AccessLogEntry.objects.count() == logged + 1, "a token's look is logged"
    note = {"text": "Well done"}
    path = f"/api/v1/checkins/{checkin_id}/notes/"
    assert client.post(path, note, format="json", **as_patient).status_code == 403
    assert (
        client.post("/api/v1/checkins/", checkin_body(), format="json", **as_patient).status_code
        == 403
    )
    assert session.post(path, note, format="json", **as_patient).status_code == 201
    # Their own things stay theirs to change.
    assert client.patch("/api/v1/accounts/me/", {"name": "Dr T"}, format="json").status_code == 200


@pytest.mark.django_db
def test_tokens_are_made_and_revoked_on_the_settings_page(client, person):
    client.force_login(person)

    made = client.post(
        "/accounts/tokens/",
        {"token-name": "Clinic", "token-scope": "read", "token-expires_in_days": "365"},
    )

    assert made.status_code == 200
    token = ApiToken.objects.get()
    secret = made.context["new_token_secret"]
    assert token.digest == hash_token(secret) and secret in made.content.decode()
    assert (token.name, token.scope) == ("Clinic", "read")
    assert timedelta(days=364) < token.expiry - timezone.now() <= timedelta(days=365)
    page = client.get("/accounts/settings/").content.decode()
    assert "Clinic" in page and secret not in page
    refused = client.post(
        "/accounts/tokens/",
        {"token-name": "Long", "token-scope": "read", "token-expires_in_days": "400"},
    )
    assert refused.status_code == 400

    revoked = client.post(f"/accounts/tokens/{token.id}/revoke/")

    assert revoked.status_code == 302
    assert not ApiToken.objects.exists()
    assert with_token(secret).get("/api/v1/trends/").status_code == 401


@pytest.mark.django_db
def test_the_token_table_has_its_migration():
    out = io.StringIO()
    call_command(
        "makemigrations",
        "accounts",
        "care",
        "plans",
        "reminders",
        "checkins",
        check=True,
        dry_run=True,
        stdout=out,
    )
