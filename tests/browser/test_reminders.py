"""Planning on a phone, and a reminder marked done from its notification."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from backend.plans.models import SafetyScreen, Schedule
from backend.reminders.models import Occurrence
from tests.conftest import PASSWORD
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP_DONE = """
async () => {
  // The worker's own notificationclick handler, given the notification on display and the
  // Done action: what Chrome runs when the person taps Done on a locked phone.
  const [notification] = await self.registration.getNotifications();
  await handleNotificationClick(notification, "done");
}
"""


def test_a_person_plans_sessions_and_stretches_and_ticks_a_reminder_done_from_the_notification(
    live_server, phone, receiver, celery_worker, make_person
):
    page = phone.page
    person = make_person("planner@example.com", time_zone="America/New_York")
    subscription = receiver.new_subscription()
    phone.fake_push_subscription(subscription.as_dict())
    phone.log_in(person.email, PASSWORD)

    # The first massage plan starts with the safety questions.
    page.get_by_role("link", name="Plan", exact=True).tap()
    page.get_by_role("link", name="Plan massage sessions").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Before massage")
    for question in SafetyScreen.QUESTIONS:
        page.locator(f'input[name="{question}"][value="no"]').check()
    phone.screenshot("safety")
    page.get_by_role("button", name="Save answers").tap()

    page.get_by_label("First session: day").select_option(label="Tuesday")
    page.get_by_label("First session: time").fill("18:30")
    page.get_by_label("Second session: day").select_option(label="Saturday")
    page.get_by_label("Second session: time").fill("10:00")
    page.get_by_label("gastrocnemius").check()
    page.get_by_label("A caregiver at home").check()
    phone.screenshot("massage")
    page.get_by_role("button", name="Save and set reminders").tap()
    expect(page.locator("#massage-sessions li")).to_have_text(["Tuesday 18:30", "Saturday 10:00"])

    page.get_by_role("link", name="Plan daily stretches").tap()
    page.get_by_label("Stretch at").fill("08:00")
    page.locator("#id_stretch-0-name").fill("Calf stretch")
    page.locator("#id_stretch-0-target_muscle").fill("gastrocnemius")
    page.locator("#id_stretch-0-hold_seconds").fill("30")
    page.locator("#id_stretch-0-repetitions").fill("3")
    page.get_by_role("button", name="Save and set reminders").tap()
    expect(page.locator("#stretch-times")).to_have_text("08:00")
    phone.screenshot("plan")

    # Home lists what comes next, at New York wall-clock times.
    page.get_by_role("link", name="Tonus", exact=True).tap()
    upcoming = page.locator("#upcoming li")
    expect(upcoming.first).to_contain_text("08:00")
    assert Schedule.objects.filter(person=person).count() == 3
    page.get_by_role("button", name="Turn on reminders").tap()
    expect(page.locator("#push-status")).to_have_text("Reminders are on for this phone.")
    phone.wait_for_service_worker_control()
    phone.screenshot("home")

    # The stretch reminder falls due: one dispatcher pass, the worker sends it.
    stretch = Schedule.objects.get(person=person, kind="stretch")
    call_command("dispatch_reminders", "--at", stretch.next_due_at.isoformat())
    [message] = receiver.wait_for(1, timeout=30)
    assert message.json()["title"] == "Stretches"
    assert message.json()["body"] == "Calf stretch, 3 × 30 s"

    shown = phone.receive_push(message.payload.decode())
    assert [(n["title"], n["body"]) for n in shown] == [("Stretches", "Calf stretch, 3 × 30 s")]

    worker = next(w for w in phone.context.service_workers if w.url.startswith(phone.origin))
    worker.evaluate(TAP_DONE)
    occurrence = Occurrence.objects.get(person=person)
    wait_until(lambda: Occurrence.objects.get(id=occurrence.id).status == "done", what="Done")

    phone.open(f"/occurrences/{occurrence.id}/")
    expect(page.locator("#occurrence-status")).to_contain_text("Done")
    phone.screenshot("done")
