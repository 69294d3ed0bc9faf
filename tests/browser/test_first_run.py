"""A person's first run of Tonus on an Android phone, from sign-up to the first reminder."""

import json
import struct

import pytest
from django.conf import settings
from playwright.sync_api import expect
from webpush.models import PushInformation, SubscriptionInfo

from backend.accounts.models import User
from backend.plans.models import SafetyScreen, Schedule
from backend.reminders.selectors import devices_for_person
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PERSON = "new.person@example.com"
STRONG_PASSWORD = "slow-stretch-hold-thirty"
TEST_TITLE = "Tonus test reminder"
TEST_BODY = "Reminders work on this device."


def test_a_new_person_signs_up_turns_on_reminders_and_sees_the_test_notification(
    live_server, phone, receiver, celery_worker
):
    page = phone.page
    subscription = receiver.new_subscription()
    phone.fake_push_subscription(subscription.as_dict())

    # Sign-up guesses the zone from the phone, so most people need not scroll 400 zones.
    phone.open("/accounts/signup/")
    expect(page.get_by_label("Time zone", exact=True)).to_have_value("America/New_York")
    phone.screenshot("sign-up")
    phone.sign_up(NEW_PERSON, STRONG_PASSWORD)
    phone.finish_sign_up(NEW_PERSON)

    # Onboarding: the suggested first plan is filled in; five safety answers and one tap.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your first plan")
    expect(page.get_by_label("Time zone", exact=True)).to_have_value("America/New_York")
    expect(page.get_by_label("Massage at")).to_have_value("18:00")
    phone.screenshot("first-plan")
    for question in SafetyScreen.QUESTIONS:
        page.locator(f'input[name="{question}"][value="no"]').check()
    page.get_by_role("button", name="Start my plan").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello")
    expect(page.locator(".messages")).to_contain_text("Your plan is ready")
    expect(page.locator("#today")).to_contain_text("Calf stretch, 3 × 30 s")
    expect(page.locator("#upcoming li").first).to_be_visible()
    phone.screenshot("home")
    person = User.objects.get(email=NEW_PERSON)
    assert str(person.time_zone) == "America/New_York"
    assert Schedule.objects.filter(person=person).count() == 3  # two sessions, one stretch time

    # Someone who set up the phone abroad fixes the zone in settings.
    page.get_by_role("link", name="Settings", exact=True).tap()
    page.get_by_label("Time zone", exact=True).select_option("Europe/Madrid")
    page.get_by_role("button", name="Save", exact=True).tap()
    expect(page.get_by_role("status")).to_have_text("Settings saved.")
    expect(page.get_by_label("Time zone", exact=True)).to_have_value("Europe/Madrid")
    phone.screenshot("settings")
    person.refresh_from_db()
    assert str(person.time_zone) == "Europe/Madrid"

    # Opening the home page must not ask for notifications: only a tap may.
    page.get_by_role("link", name="Tonus", exact=True).tap()
    expect(page.locator("#saved-zone")).to_have_text("Europe/Madrid")
    expect(page.locator("#push-status")).to_have_text("Reminders are off on this phone.")
    turn_on = page.get_by_role("button", name="Turn on reminders")
    expect(turn_on).to_be_visible()
    assert page.evaluate("window.__tonusCalls") == {"requestPermission": 0, "subscribe": []}
    assert devices_for_person(user=person).count() == 0

    turn_on.tap()
    expect(page.locator("#push-status")).to_have_text("Reminders are on for this phone.")
    phone.screenshot("reminders-on")
    calls = page.evaluate("window.__tonusCalls")
    assert calls["requestPermission"] == 1
    assert calls["subscribe"] == [
        {
            "userVisibleOnly": True,
            "applicationServerKey": settings.WEBPUSH_SETTINGS["VAPID_PUBLIC_KEY"],
        }
    ]
    device = SubscriptionInfo.objects.get(endpoint=subscription.endpoint)
    assert (device.p256dh, device.auth) == (subscription.p256dh, subscription.auth)
    assert PushInformation.objects.filter(user=person, subscription=device).exists()
    assert list(devices_for_person(user=person)) == [device]

    # The real path: API, Celery worker, encryption with the phone's keys, push service.
    page.get_by_role("button", name="Send me a test reminder").tap()
    expect(page.locator("#push-status")).to_have_text(
        "Test reminder sent. It should appear in a few seconds."
    )
    [message] = receiver.wait_for(1, timeout=30)
    assert message.endpoint == subscription.endpoint
    assert message.json()["title"] == TEST_TITLE
    assert message.json()["body"] == TEST_BODY

    # Hand what the push service received to the phone's service worker, as Chrome would.
    [notification] = phone.receive_push(message.payload.decode())
    assert (notification["title"], notification["body"]) == (TEST_TITLE, TEST_BODY)
    assert notification["tag"] == "tonus-test"
    # Tapping it opens the home page.
    assert notification["data"]["url"] == "/"
    phone.screenshot("test-reminder-sent")
    # Sent once, not once per retry or per worker.
    assert len(receiver.messages) == 1


def png_size(image: bytes) -> tuple[int, int]:
    assert image[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", image[16:24])


def test_the_manifest_makes_tonus_installable(live_server, phone, make_person):
    person = make_person("installer@example.com")
    phone.log_in(person.email, PASSWORD)
    phone.wait_for_service_worker_control()
    cdp = phone.context.new_cdp_session(phone.page)

    manifest = cdp.send("Page.getAppManifest")

    assert manifest["url"] == phone.origin + "/manifest.webmanifest"
    assert manifest["errors"] == []
    parsed = manifest["manifest"]
    assert parsed["name"] == "Tonus"
    assert parsed["display"] == "kStandalone"  # Chromium's name for "standalone"
    assert parsed["startUrl"].startswith(phone.origin + "/")
    assert parsed["scope"] == phone.origin + "/"
    assert {icon["sizes"] for icon in parsed["icons"]} >= {"192x192", "512x512"}
    # The parsed form leaves out each icon's purpose: read it from the text Chromium fetched.
    declared = json.loads(manifest["data"])["icons"]
    assert any(icon.get("purpose") == "maskable" for icon in declared)
    for icon in parsed["icons"]:
        response = phone.page.request.get(icon["url"])
        assert response.ok, icon["url"]
        width, height = png_size(response.body())
        assert f"{width}x{height}" == icon["sizes"], icon["url"]

    # Playwright's browser contexts are incognito profiles, and Chromium never offers to
    # install from incognito; any other reason would be the app's.
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []
    phone.screenshot("installable-home")


def test_sign_up_shows_what_is_wrong_next_to_the_field(live_server, phone):
    page = phone.page
    phone.open("/accounts/signup/")

    phone.sign_up("not-an-email", "password")

    email_field = page.locator(".field", has=page.get_by_label("Email address", exact=True))
    password_field = page.locator(".field", has=page.get_by_label("Password", exact=True))
    expect(email_field.locator(".error")).to_have_text("Enter a valid email address.")
    expect(password_field.locator(".error")).to_contain_text("This password is too common.")
    expect(page.get_by_label("Email address", exact=True)).to_have_value("not-an-email")
    phone.screenshot("sign-up-errors")
    assert not User.objects.exists()


def test_a_screen_reader_reads_the_error_with_the_field(live_server, phone):
    page = phone.page
    phone.open("/accounts/signup/")

    phone.sign_up("not-an-email", "password")

    email = page.get_by_label("Email address", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    # What a screen reader announces on entering the field, after its label.
    expect(email).to_have_accessible_description("Enter a valid email address.", timeout=2_000)
