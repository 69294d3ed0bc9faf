"""Checking in on a phone: from a reminder's notification, and with no signal at all."""

from datetime import datetime, time

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from backend.checkins.models import CheckIn
from backend.plans.models import Schedule
from backend.plans.services import stretch_routine_save
from backend.reminders.models import Occurrence
from tests.browser.conftest import poll
from tests.conftest import PASSWORD
from tests.reminders.test_dispatch import CALF
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP_CHECK_IN = """
async () => {
  // The worker's own notificationclick handler with the Check in action, given the
  // notification on display: what Chrome runs when the person taps Check in. Chrome lets
  // a worker open a window only inside a real click, so the window it asks for is noted
  // here and the test opens it.
  const opened = [];
  self.clients.openWindow = async (url) => { opened.push(url); return null; };
  const [notification] = await self.registration.getNotifications();
  await handleNotificationClick(notification, "checkin");
  return opened;
}
"""
WAITING = "() => self.tonusOutbox.waiting()"


def choose(page, group: str, value: str) -> None:
    page.get_by_role("group", name=group).get_by_role("button", name=value, exact=True).tap()


def allow_background_sync(phone) -> None:
    # Chrome allows it by default; Playwright's fresh profiles deny it until granted.
    phone.context.grant_permissions(["background-sync"], origin=phone.origin)


def check_in_three_taps(page, tone="1+", pain="3", ease="7") -> None:
    choose(page, "Muscle tone (MAS)", tone)
    choose(page, "Pain", pain)
    choose(page, "Ease of daily tasks", ease)


def test_a_reminder_opens_its_check_in_and_three_taps_save_it(
    live_server, phone, receiver, celery_worker, make_person
):
    page = phone.page
    person = make_person("checker@example.com", time_zone="America/New_York")
    stretch_routine_save(person=person, times=[time(8, 0)], stretches=[CALF], now=timezone.now())
    subscription = receiver.new_subscription()
    phone.fake_push_subscription(subscription.as_dict())
    phone.log_in(person.email, PASSWORD)
    page.get_by_role("button", name="Turn on reminders").tap()
    expect(page.locator("#push-status")).to_have_text("Reminders are on for this phone.")
    phone.wait_for_service_worker_control()

    schedule = Schedule.objects.get(person=person)
    call_command("dispatch_reminders", "--at", schedule.next_due_at.isoformat())
    [message] = receiver.wait_for(1, timeout=30)
    occurrence = Occurrence.objects.get(person=person)
    assert message.json()["url"] == f"/checkins/new/?occurrence={occurrence.id}"
    [notification] = phone.receive_push(message.payload.decode())
    assert notification["data"]["url"] == f"/checkins/new/?occurrence={occurrence.id}"

    # Tapping Check in on the notification opens the reminder's check-in.
    worker = next(w for w in phone.context.service_workers if w.url.startswith(phone.origin))
    [url] = worker.evaluate(TAP_CHECK_IN)
    assert url == f"{phone.origin}/checkins/new/?occurrence={occurrence.id}"
    page.goto(url)
    local = timezone.localtime(occurrence.due_at, person.time_zone)
    expect(page.locator("#checkin-for")).to_have_text(
        f"For your reminder: Stretches, {local:%A} 08:00"
    )
    tone_one_plus = page.get_by_role("group", name="Muscle tone (MAS)").get_by_role(
        "button", name="1+", exact=True
    )
    expect(tone_one_plus).to_have_accessible_description(
        "Slight increase: a catch, then slight resistance through under half"
    )
    expect(page.locator("#outbox-status")).to_have_text("No check-ins waiting to sync")
    phone.screenshot("check-in")

    choose(page, "Muscle tone (MAS)", "1+")
    choose(page, "Pain", "3")
    expect(tone_one_plus).to_have_attribute("aria-pressed", "true")
    phone.screenshot("two-taps")
    assert not CheckIn.objects.exists()
    choose(page, "Ease of daily tasks", "7")

    expect(page.get_by_role("heading", name="Check-in saved")).to_be_visible()
    phone.screenshot("saved")
    checkin = CheckIn.objects.get(person=person)
    assert (checkin.tone_label, checkin.pain, checkin.ease) == ("1+", 3, 7)
    assert checkin.occurrence_id == occurrence.id
    assert Occurrence.objects.get(id=occurrence.id).status == "done"
    assert abs((timezone.now() - checkin.recorded_at).total_seconds()) < 60

    # With More details open the third tap does not save: the person adds more, then saves.
    page.get_by_role("link", name="Check in again").tap()
    page.locator("summary", has_text="More details").tap()
    page.get_by_label("Soreness or spasms were worse after the session").check()
    page.get_by_label("Minutes done").fill("20")
    page.get_by_role("button", name="Save check-in").tap()
    expect(page.locator("#checkin-error")).to_have_text("Choose muscle tone, pain and ease first.")
    check_in_three_taps(page, tone="2", pain="6", ease="5")
    expect(page.locator("#checkin-done")).to_be_hidden()
    page.get_by_role("button", name="Save check-in").tap()
    advice = page.locator("#checkin-advice li")
    expect(advice).to_have_text(
        [
            "Next time, use lighter pressure.",
            "Keep the session shorter.",
            "Warm up first with light, slow strokes.",
        ]
    )
    expect(page.locator("#checkin-advice")).to_contain_text("not medical advice")
    phone.screenshot("advice")
    second = CheckIn.objects.filter(person=person).latest("id")
    assert (second.worse_after, second.minutes, second.occurrence_id) == (True, 20, None)
    assert not phone.page_errors


def test_a_check_in_made_offline_waits_on_the_phone_and_is_sent_once_when_back_online(
    live_server, phone, make_person
):
    page = phone.page
    person = make_person("offline.checker@example.com")
    now = timezone.now()
    occurrence = Occurrence.objects.create(
        person=person, kind="stretch", local_date=now.date(), due_at=now, status="issued"
    )
    phone.log_in(person.email, PASSWORD)
    # The first visit online lets the worker keep a copy of the page.
    phone.open("/checkins/new/")
    phone.wait_for_service_worker_control()

    # Out of signal, the reminder's check-in opens from that copy.
    phone.context.set_offline(True)
    phone.open(f"/checkins/new/?occurrence={occurrence.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check in")
    expect(page.locator("#checkin-for-other")).to_have_text("For the reminder you opened")
    expect(page.locator("#offline-note")).to_be_visible()
    phone.screenshot("offline-check-in")
    check_in_three_taps(page, tone="2", pain="5", ease="4")

    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    expect(page.locator("#outbox-status")).to_have_text("1 check-in waiting to sync")
    phone.screenshot("offline-waiting")
    [item] = page.evaluate(WAITING)
    assert not CheckIn.objects.exists()

    # Background Sync is not allowed in this profile, as in browsers without it (Safari,
    # Firefox): the open page sends it when the connection returns.
    phone.context.set_offline(False)
    expect(page.locator("#outbox-status")).to_have_text("No check-ins waiting to sync")
    expect(page.get_by_role("heading", name="Check-in saved")).to_be_visible()
    expect(page.locator("#offline-note")).to_be_hidden()
    phone.screenshot("offline-synced")
    checkin = CheckIn.objects.get(person=person)
    assert str(checkin.idempotency_key) == item["key"]
    assert (checkin.tone_label, checkin.pain, checkin.ease) == ("2", 5, 4)
    assert checkin.recorded_at == datetime.fromisoformat(item["body"]["recorded_at"])
    assert checkin.occurrence_id == occurrence.id
    assert Occurrence.objects.get(id=occurrence.id).status == "done"
    assert not phone.page_errors

    # The same check-in sent again (an answer lost on the way back) is not stored twice.
    page.evaluate("(item) => self.tonusOutbox.add(item)", item)
    page.reload()
    expect(page.locator("#outbox-status")).to_have_text("No check-ins waiting to sync")
    assert CheckIn.objects.filter(person=person).count() == 1


def test_the_service_worker_sends_a_waiting_check_in_by_background_sync(
    live_server, phone, make_person
):
    page = phone.page
    allow_background_sync(phone)
    person = make_person("sync.checker@example.com")
    phone.log_in(person.email, PASSWORD)
    phone.open("/checkins/new/")
    phone.wait_for_service_worker_control()

    phone.context.set_offline(True)
    check_in_three_taps(page)
    expect(page.locator("#outbox-status")).to_have_text("1 check-in waiting to sync")
    [item] = page.evaluate(WAITING)
    tags = page.evaluate("navigator.serviceWorker.ready.then((r) => r.sync.getTags())")
    assert "tonus-checkins" in tags
    # No page of Tonus stays open: only the worker can send it now.
    page.goto("about:blank")
    phone.context.set_offline(False)

    cdp = phone.context.new_cdp_session(page)
    registrations = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update(
            {r["scopeURL"]: r["registrationId"] for r in event["registrations"]}
        ),
    )
    cdp.send("ServiceWorker.enable")
    registration_id = poll(
        lambda: registrations.get(phone.origin + "/"),
        bool,
        page=page,
        what="the service worker registration",
    )
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": phone.origin,
            "registrationId": registration_id,
            "tag": "tonus-checkins",
            "lastChance": False,
        },
    )
    wait_until(lambda: CheckIn.objects.filter(person=person).exists(), what="the sync")
    assert str(CheckIn.objects.get(person=person).idempotency_key) == item["key"]

    phone.open("/checkins/new/")
    expect(phone.page.locator("#outbox-status")).to_have_text("No check-ins waiting to sync")
