"""Logging out on a shared phone, or switching to another person, leaves no health data of the
previous person on screen: not behind the back button, not in the service worker's copies."""

from datetime import time

import pytest
from playwright.sync_api import expect

from backend.care.services import dependent_create
from backend.plans.services import StretchInput, stretch_routine_save
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE_ONE = """
() => self.tonusOutbox.add({
  key: crypto.randomUUID(), person: 0, csrfToken: "", queuedAt: new Date().toISOString(),
  body: { tone: "1", pain: 3, ease: 5 },
})
"""
WAITING = "() => self.tonusOutbox.waiting().then((items) => items.length)"


def test_logging_out_asks_about_unsent_check_ins_and_then_clears_them(
    live_server, phone, make_person
):
    page = phone.page
    person = make_person("shared@example.com")
    phone.log_in(person.email, PASSWORD)
    phone.open("/checkins/new/")
    page.evaluate(QUEUE_ONE)
    assert page.evaluate(WAITING) == 1
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="Log out").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert questions == [
        "1 check-in has not been sent yet. Log out anyway? It will be deleted from this phone."
    ]
    assert page.evaluate(WAITING) == 0


CALF = StretchInput(
    name="Calf stretch", target_muscle="gastrocnemius", side="both", hold_seconds=30, repetitions=3
)


def test_after_logging_out_the_back_button_shows_nothing_of_the_person(
    live_server, phone, make_person
):
    person = make_person("sam@example.com", name="Sam")
    stretch_routine_save(person=person, times=[time(8, 0)], stretches=[CALF])
    page = phone.page
    phone.log_in(person.email, PASSWORD)
    phone.wait_for_service_worker_control()
    phone.open("/plans/")
    expect(page.locator("#stretch-times")).to_have_text("08:00")

    page.get_by_role("button", name="Log out").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.go_back()

    # Asked again, the server sends the log-in page: no copy of the plan comes back.
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.locator("#stretch-times")).to_have_count(0)
    phone.context.set_offline(True)
    page.go_back()
    expect(page.locator("#stretch-times")).to_have_count(0)
    assert "Sam" not in page.content()


def test_after_switching_to_a_child_neither_back_nor_offline_shows_the_parents_data(
    live_server, phone, make_person
):
    parent = make_person("sam@example.com", name="Sam")
    stretch_routine_save(person=parent, times=[time(8, 0)], stretches=[CALF])
    child = dependent_create(caregiver=parent, name="Emily", time_zone="America/New_York")
    stretch_routine_save(person=child, times=[time(19, 30)], stretches=[CALF])
    page = phone.page
    phone.log_in(parent.email, PASSWORD)
    phone.wait_for_service_worker_control()
    for path in ("/checkins/trend/", "/plans/"):
        phone.open(path)  # seen online as the parent: the worker keeps a copy of each
    expect(page.locator("#stretch-times")).to_have_text("08:00")

    phone.open("/care/")
    page.get_by_role("button", name="Emily").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emily's day")
    page.go_back()  # the people page
    page.go_back()  # the plan page: now Emily's, asked again

    expect(page.locator("#stretch-times")).to_have_text("19:30")
    expect(page.locator("#acting-for")).to_contain_text("Emily")
    # Offline, the worker has Emily's copies only: the parent's trend is gone with the switch.
    phone.context.set_offline(True)
    phone.open("/plans/")
    expect(page.locator("#stretch-times")).to_have_text("19:30")
    phone.open("/checkins/trend/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    phone.screenshot("switched-offline-trend")
