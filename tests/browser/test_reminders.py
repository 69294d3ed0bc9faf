"""Planning on a phone, and a reminder marked done from its notification."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from backend.plans.models import SafetyScreen, Schedule
from backend.reminders.models import Occurrence
from tests.conftest import PASSWORD
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def first_stretch(now: datetime) -> datetime:
    """A daily stretch time that comes round at least three hours from now, between 06:00 and
    18:00 New York time.

    The live server and the browser read the real clock, so the plan is made relative to it:
    each reminder lies hours from now, and their order cannot change while the test runs.
    Daytime hours keep the massage sessions (two and four hours later) on the same day and
    away from the night-time clock changes, so each falls on its wall time every day.
    """
    at = (now + timedelta(hours=3)).replace(second=0, microsecond=0)
    if 6 <= at.hour < 18:
        return at
    morning = at.replace(hour=8, minute=0)
    return morning if morning > at else morning + timedelta(days=1)


def upcoming_rows(now: datetime, plan: list[tuple[str, int | None, time]]) -> list[str]:
    """What the home page should list: the next six reminders within a week, soonest first,
    as New York wall-clock times, worked out here from the plan alone."""
    today = now.date()
    rows = []
    for offset in range(9):
        day = today + timedelta(days=offset)
        for kind, weekday, at in plan:
            if weekday not in (None, day.weekday()):
                continue
            due = datetime.combine(day, at, tzinfo=NEW_YORK)
            if now < due <= now + timedelta(days=7):
                rows.append((due, f"{kind} {due:%a} {due.day} {due:%b}, {due:%H:%M}"))
    return [row for _due, row in sorted(rows)][:6]


def weekday_name(day: date) -> str:
    return WEEKDAYS[day.weekday()]


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

    # Stretches come first, then daily; massage the day after and three days after, later in
    # the day than the stretch, so both sessions land among the six reminders listed.
    now = datetime.now(NEW_YORK)
    stretch_at = first_stretch(now)
    first = stretch_at + timedelta(days=1, hours=2)
    second = stretch_at + timedelta(days=3, hours=4)
    page.get_by_label("First session: day").select_option(label=weekday_name(first))
    page.get_by_label("First session: time").fill(f"{first:%H:%M}")
    page.get_by_label("Second session: day").select_option(label=weekday_name(second))
    page.get_by_label("Second session: time").fill(f"{second:%H:%M}")
    page.get_by_label("gastrocnemius").check()
    page.get_by_label("A caregiver at home").check()
    phone.screenshot("massage")
    page.get_by_role("button", name="Save and set reminders").tap()
    sessions = sorted([first, second], key=lambda at: (at.weekday(), at.time()))
    expect(page.locator("#massage-sessions li")).to_have_text(
        [f"{weekday_name(at)} {at:%H:%M}" for at in sessions]
    )

    page.get_by_role("link", name="Plan daily stretches").tap()
    page.get_by_label("Stretch at").fill(f"{stretch_at:%H:%M}")
    page.locator("#id_stretch-0-name").fill("Calf stretch")
    page.locator("#id_stretch-0-target_muscle").fill("gastrocnemius")
    page.locator("#id_stretch-0-hold_seconds").fill("30")
    page.locator("#id_stretch-0-repetitions").fill("3")
    page.get_by_role("button", name="Save and set reminders").tap()
    expect(page.locator("#stretch-times")).to_have_text(f"{stretch_at:%H:%M}")
    phone.screenshot("plan")

    # Home lists what comes next, at New York wall-clock times: the stretch first, each
    # massage session in its place among the daily stretches.
    page.get_by_role("link", name="Tonus", exact=True).tap()
    expected = upcoming_rows(
        now,
        [
            ("Massage session", first.weekday(), first.time()),
            ("Massage session", second.weekday(), second.time()),
            ("Stretches", None, stretch_at.time()),
        ],
    )
    assert expected[0].startswith("Stretches")
    assert sum(row.startswith("Massage session") for row in expected) == 2
    expect(page.locator("#upcoming li")).to_have_text(expected)
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
    # The massage sessions fall due later: this pass recorded the stretch reminder only.
    occurrence = Occurrence.objects.get(person=person)
    assert occurrence.schedule_id == stretch.id
    wait_until(lambda: Occurrence.objects.get(id=occurrence.id).status == "done", what="Done")

    phone.open(f"/occurrences/{occurrence.id}/")
    expect(page.locator("#occurrence-status")).to_contain_text("Done")
    phone.screenshot("done")
