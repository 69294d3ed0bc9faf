"""A child's care circle on a phone: two parents and a therapist, and access taken back."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from backend.care.models import CareRelation, TherapistAccess
from backend.plans.models import Schedule
from backend.reminders.models import Occurrence
from tests.browser.test_checkin import check_in_three_taps
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")


def invite(phone, role: str) -> str:
    page = phone.page
    page.get_by_role("link", name="Tonus", exact=True).tap()
    page.get_by_role("link", name="People and sharing").tap()
    page.get_by_role("button", name=f"Invite a {role}").tap()
    code = page.locator("#invitation-code").inner_text()
    phone.screenshot(f"invite-{role}")
    return code


def join(phone, code: str) -> None:
    page = phone.page
    page.get_by_role("link", name="People and sharing").tap()
    page.get_by_role("link", name="Join with a code").tap()
    page.get_by_label("Invitation code").fill(code)
    page.get_by_role("button", name="Join").tap()


def test_a_caregiver_shares_a_childs_plan_with_a_parent_and_a_therapist_then_revokes(
    live_server, phone, make_person
):
    page = phone.page
    parent = make_person("parent@example.com", time_zone="Europe/London")
    other_parent = make_person("second-parent@example.com", time_zone="Europe/London")
    therapist = make_person("therapist@example.com", time_zone="Europe/London")

    # A parent adds a child with no phone of their own, and plans daily stretches for her.
    phone.log_in(parent.email, PASSWORD)
    page.get_by_role("link", name="People and sharing").tap()
    page.get_by_label("Their name").fill("Emily")
    page.get_by_label("Birth year").fill("2018")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_role("button", name="Add", exact=True).tap()
    expect(page.locator("#acting-for")).to_contain_text("Managing Emily")
    expect(page.get_by_role("heading", level=1)).to_have_text("Emily's first plan")
    page.get_by_role("link", name="Skip: I will make my own plan").tap()
    page.get_by_role("link", name="Plan daily stretches").tap()
    page.get_by_label("Stretch at").fill("08:00")
    page.locator("#id_stretch-0-name").fill("Calf stretch")
    page.locator("#id_stretch-0-target_muscle").fill("gastrocnemius")
    page.locator("#id_stretch-0-hold_seconds").fill("30")
    page.locator("#id_stretch-0-repetitions").fill("3")
    page.get_by_role("button", name="Save and set reminders").tap()
    expect(page.locator("#stretch-times")).to_have_text("08:00")
    phone.screenshot("child-plan")

    # Two days of stretch reminders come round; the parent checks in once, sore afterwards.
    stretch = Schedule.objects.get(person__name="Emily", kind="stretch")
    call_command("dispatch_reminders", "--at", stretch.next_due_at.isoformat())
    stretch.refresh_from_db()
    call_command("dispatch_reminders", "--at", stretch.next_due_at.isoformat())
    latest = Occurrence.objects.filter(person__name="Emily").latest("due_at")
    phone.open(f"/checkins/new/?occurrence={latest.id}")  # as from the notification
    page.locator("summary", has_text="More details").tap()
    page.get_by_label("Soreness or spasms were worse after the session").check()
    check_in_three_taps(page, tone="2", pain="5", ease="5")
    page.get_by_role("button", name="Save check-in").tap()
    expect(page.locator("#checkin-advice li").first).to_have_text(
        "Next time, use lighter pressure."
    )

    caregiver_code = invite(phone, "caregiver")
    log_out(page)

    # The second parent joins with the code and manages Emily too.
    phone.log_in(other_parent.email, PASSWORD)
    join(phone, caregiver_code)
    expect(page.locator("#acting-for")).to_contain_text("Managing Emily")
    page.get_by_role("link", name="Plan", exact=True).tap()
    expect(page.locator("#stretch-times")).to_have_text("08:00")
    phone.screenshot("second-parent")
    assert CareRelation.objects.filter(person__name="Emily").count() == 2
    log_out(page)

    # The first parent invites a therapist, who sees Emily with adherence and the flag.
    phone.log_in(parent.email, PASSWORD)
    page.get_by_role("link", name="People and sharing").tap()
    page.get_by_role("button", name="Emily").tap()
    therapist_code = invite(phone, "therapist")
    log_out(page)

    phone.log_in(therapist.email, PASSWORD)
    join(phone, therapist_code)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your patients")
    emily = page.locator("section.patient", has_text="Emily")
    expect(emily).to_contain_text("1 of 2 stretch days")
    expect(emily.locator(".flags li")).to_have_text(["Possible overstimulation"])
    phone.screenshot("therapist-dashboard")
    emily.get_by_role("button", name="Trend and notes").tap()
    expect(page.locator("#acting-for")).to_contain_text("Viewing Emily, read-only")
    expect(page.get_by_role("button", name="Start again from my next check-in")).to_have_count(0)
    log_out(page)

    # The parent removes the therapist's access; the dashboard no longer shows Emily.
    phone.log_in(parent.email, PASSWORD)
    page.get_by_role("link", name="People and sharing").tap()
    page.get_by_role("button", name="Emily").tap()
    page.get_by_role("link", name="People and sharing").tap()
    expect(page.locator("details", has_text="Who looked, and when")).to_be_visible()
    page.get_by_role("button", name="Remove therapist's access").tap()
    expect(page.locator(".messages")).to_contain_text("Access removed")
    log_out(page)

    phone.log_in(therapist.email, PASSWORD)
    phone.open("/care/patients/")
    expect(page.locator("section.patient")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("No one has shared their plan with you yet")
    phone.screenshot("therapist-after-revoke")
    assert not TherapistAccess.objects.filter(revoked_at__isnull=True).exists()
