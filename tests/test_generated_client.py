"""A client generated from the schema (openapi-python-client, default settings) drives the
running server: sign up, make a token, make a plan, subscribe a device, check in, read the
trend, export. Were the schema and the server to drift apart, this would fail."""

import importlib
import sys
import uuid

import pytest
from django.test import override_settings

from tests.support.plans import NO, massage_plan
from tests.support.sign_up import sign_up_link
from tests.test_openapi import CLIENT_PACKAGE, generate_client, schema_text

PASSWORD = "calf-stretch-every-morning"  # noqa: S105 (a test person's)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated package, imported from where it was generated."""
    folder = tmp_path_factory.mktemp("generated")
    result = generate_client(schema_text(), folder)
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder / "client"))
    try:
        yield importlib.import_module(CLIENT_PACKAGE)
    finally:
        sys.path.remove(str(folder / "client"))
        for name in [n for n in sys.modules if n.split(".")[0] == CLIENT_PACKAGE]:
            del sys.modules[name]


def module(name: str):
    return importlib.import_module(f"{CLIENT_PACKAGE}.{name}")


# The live server speaks plain HTTP: cookies marked Secure would not come back to it.
@override_settings(CSRF_COOKIE_SECURE=False, SESSION_COOKIE_SECURE=False)
@pytest.mark.django_db(transaction=True)
def test_the_generated_client_does_a_persons_first_week(generated, live_server, receiver):
    api = module("api.v1")
    models = module("models")
    call = {
        name: importlib.import_module(f"{CLIENT_PACKAGE}.api.v1.{name}")
        for name in (
            "v1_accounts_signup_create",
            "v1_accounts_signup_confirm_create",
            "v1_accounts_tokens_create",
            "v1_safety_screen_create",
            "v1_plans_massage_update",
            "v1_devices_create",
            "v1_checkins_create",
            "v1_trends_retrieve",
            "v1_export_retrieve",
            "v1_export_fhir_retrieve",
            "v1_accounts_me_retrieve",
        )
    }
    assert api is not None

    # A browser-like start: signing up logs in, so it is CSRF-checked like the page.
    browser = generated.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    http = browser.get_httpx_client()
    http.get("/accounts/signup/")
    http.headers["X-CSRFToken"] = http.cookies["csrftoken"]
    sent = call["v1_accounts_signup_create"].sync(
        client=browser,
        body=models.SignUpInput.from_dict(
            {"email": "script@example.com", "password": PASSWORD, "time_zone": "Europe/Madrid"}
        ),
    )
    assert isinstance(sent, models.SignUpSent)
    uid, token = sign_up_link("script@example.com").strip("/").split("/")[-2:]
    person = call["v1_accounts_signup_confirm_create"].sync(
        client=browser, body=models.SignUpConfirm.from_dict({"uid": uid, "token": token})
    )
    assert isinstance(person, models.Person)
    assert person.time_zone == "Europe/Madrid"
    http.headers["X-CSRFToken"] = http.cookies["csrftoken"]  # a log-in makes a new one
    made = call["v1_accounts_tokens_create"].sync(
        client=browser,
        body=models.ApiTokenInput.from_dict(
            {"name": "Script", "scope": "read_write", "expires_in_days": 30}
        ),
    )
    assert isinstance(made, models.ApiTokenMade), made

    # From here on, the token alone: no cookie, no CSRF.
    client = generated.AuthenticatedClient(
        base_url=live_server.url, token=made.token, prefix="Token", raise_on_unexpected_status=True
    )
    me = call["v1_accounts_me_retrieve"].sync(client=client)
    assert me.email == "script@example.com"

    screen = call["v1_safety_screen_create"].sync(
        client=client, body=models.SafetyScreenInput.from_dict(NO)
    )
    assert isinstance(screen, models.SafetyScreen), screen
    plan = call["v1_plans_massage_update"].sync(
        client=client, body=models.MassagePlanInput.from_dict(massage_plan())
    )
    assert isinstance(plan, models.MassagePlan), plan
    assert plan.duration_minutes == 15

    device = call["v1_devices_create"].sync(
        client=client,
        body=models.DeviceInput.from_dict(receiver.new_subscription().as_dict()),
    )
    assert isinstance(device, models.Device), device

    checkin = call["v1_checkins_create"].sync(
        client=client,
        body=models.CheckInInput.from_dict(
            {"idempotency_key": str(uuid.uuid4()), "tone": "1+", "pain": 6, "ease": 4}
        ),
    )
    assert isinstance(checkin, models.CheckInResult), checkin
    assert checkin.pain == 6

    trend = call["v1_trends_retrieve"].sync(client=client)
    assert isinstance(trend, models.Trend), trend
    assert [point.pain for point in trend.series] == [6]

    exported = call["v1_export_retrieve"].sync(client=client)
    assert exported.to_dict()["person"]["email"] == "script@example.com"
    bundle = call["v1_export_fhir_retrieve"].sync(client=client).to_dict()
    assert bundle["resourceType"] == "Bundle"
    pain = [
        e["resource"]["valueInteger"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "72514-3"
    ]
    assert pain == [6]
    client.get_httpx_client().close()
    http.close()
