"""The installed app without a network, and a new version arriving."""

from datetime import time

import pytest
from playwright.sync_api import expect

from backend.plans.services import StretchInput, stretch_routine_save
from backend.web import views as web_views
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALF = StretchInput(
    name="Calf stretch", target_muscle="gastrocnemius", side="both", hold_seconds=30, repetitions=3
)
CACHE_NAMES = "caches.keys()"


def test_offline_the_last_seen_today_plan_and_trend_open_and_other_pages_get_the_shell(
    live_server, phone, make_person
):
    person = make_person("offline@example.com", name="Sam")
    stretch_routine_save(person=person, times=[time(8, 0)], stretches=[CALF])
    page = phone.page
    phone.log_in(person.email, PASSWORD)
    phone.wait_for_service_worker_control()
    for path in ("/plans/", "/checkins/trend/", "/"):
        phone.open(path)  # seen once online: each keeps its last copy
    online_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert online_background != "rgba(0, 0, 0, 0)", "the stylesheet did not load online"

    phone.context.set_offline(True)
    for step, path, heading in (
        ("home", "/", "Hello, Sam"),
        ("plan", "/plans/", "Your plan"),
        ("trend", "/checkins/trend/", "Your trend"),
    ):
        phone.open(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("#offline-copy")).to_be_visible()
        expect(page.locator("#offline-copy")).to_contain_text("You are offline")
        # Styled from the worker's cache, so it looks like Tonus and not a browser error.
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == online_background, path
        phone.screenshot(f"offline-{step}")
    expect(page.locator("#stretch-times")).to_have_count(0)  # the trend page, not the plan
    phone.open("/plans/")
    expect(page.locator("#stretch-times")).to_have_text("08:00")

    # A page never kept: the shell says so, at the address the person opened.
    phone.open("/accounts/settings/")
    expect(page).to_have_url(phone.origin + "/accounts/settings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    phone.screenshot("offline-settings")

    # Logging out deletes the copies: the next person on this phone sees none of it.
    phone.context.set_offline(False)
    phone.open("/")
    page.get_by_role("button", name="Log out").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    phone.context.set_offline(True)
    phone.open("/plans/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")


def test_a_new_version_waits_until_the_person_taps_update_and_old_caches_go(
    live_server, phone, make_person, monkeypatch
):
    person = make_person("update@example.com")
    page = phone.page
    phone.log_in(person.email, PASSWORD)
    phone.wait_for_service_worker_control()
    before = page.evaluate(CACHE_NAMES)
    assert any(name.startswith("tonus-shell-") for name in before)

    # A release changes a static file: its hashed name, and so the worker's version, change.
    monkeypatch.setattr(
        web_views, "SHELL_ASSETS", [*web_views.SHELL_ASSETS, "icons/icon-maskable-512.png"]
    )
    web_views._shell_urls.cache_clear()
    phone.open("/plans/")  # a navigation makes the browser check for a new worker
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")

    banner = page.locator("#update-ready")
    expect(banner).to_be_visible(timeout=15_000)
    expect(banner).to_contain_text("A new version of Tonus is ready.")
    # Still the old version until the person says so: its caches are all there.
    assert set(before) <= set(page.evaluate(CACHE_NAMES)), "updated before the person chose"
    phone.screenshot("update-ready")
    page.get_by_role("button", name="Update now").tap()

    page.wait_for_function("navigator.serviceWorker.controller !== null")
    expect(page.locator("#update-ready")).to_be_hidden()
    after = page.evaluate(CACHE_NAMES)
    assert not set(before) & set(after), f"old caches left: {before} -> {after}"
    assert any(name.startswith("tonus-shell-") for name in after)
