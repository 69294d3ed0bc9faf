"""Logging out on a shared phone leaves no health data behind."""

import pytest
from playwright.sync_api import expect

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
