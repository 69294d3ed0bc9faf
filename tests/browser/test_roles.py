"""Each of the three people Tonus serves, on a phone, from sign-up to their home and their
main task: a patient checks in, a caregiver sees a child's day, a therapist their patients."""

import uuid

import pytest
from playwright.sync_api import expect

from backend.accounts.models import User
from backend.care.services import invitation_create
from backend.checkins.models import CheckIn
from backend.checkins.services import checkin_create
from backend.plans.models import SafetyScreen
from tests.browser.test_checkin import check_in_three_taps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRONG_PASSWORD = "calf-stretch-every-morning"


def sign_up(phone, email: str, roles: list[str], name: str = "") -> None:
    page = phone.page
    phone.open("/accounts/signup/")
    for role in ("I practise myself", "I look after someone", "I am a therapist"):
        box = page.get_by_label(role)
        box.set_checked(role in roles)
    if name:
        page.get_by_label("Your name").fill(name)
    phone.sign_up(email, STRONG_PASSWORD)
    phone.finish_sign_up(email)


def start_first_plan(page) -> None:
    for question in SafetyScreen.QUESTIONS:
        page.locator(f'input[name="{question}"][value="no"]').check()
    page.get_by_role("button", name="Start my plan").tap()


def test_a_patient_signs_up_makes_a_plan_and_checks_in(live_server, phone):
    page = phone.page

    sign_up(phone, "patient@example.com", ["I practise myself"])

    expect(page.get_by_role("heading", level=1)).to_have_text("Your first plan")
    start_first_plan(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello")
    expect(page.locator("#today")).to_be_visible()
    phone.screenshot("patient-home")
    page.get_by_role("link", name="Check in", exact=True).tap()
    check_in_three_taps(page)
    expect(page.get_by_role("heading", name="Check-in saved")).to_be_visible()
    assert CheckIn.objects.get().recorded_by.email == "patient@example.com"


def test_a_caregiver_signs_up_adds_a_child_and_sees_the_childs_day(live_server, phone):
    page = phone.page

    sign_up(phone, "parent@example.com", ["I look after someone"], name="Ana")

    # No plan of their own: straight to adding the child, in the caregiver's own zone.
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Your first plan")
    zone = page.locator("#add-person").get_by_label("Time zone", exact=True)
    expect(zone).to_have_value("America/New_York")
    expect(page.locator("#add-person")).to_contain_text("The same as yours, America/New_York.")
    page.get_by_label("Their name").fill("Leo")
    page.get_by_role("button", name="Add", exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo's first plan")
    start_first_plan(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo's day")
    page.get_by_role("button", name="Back to me").tap()

    # Home: the people they look after, each with today's reminders.
    leo = page.locator("article.person-day", has_text="Leo")
    expect(leo).to_be_visible()
    expect(page.locator("nav.tabs")).not_to_contain_text("Check in")
    phone.screenshot("caregiver-home")
    leo.get_by_role("button", name="Open Leo's day").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo's day")
    assert str(User.objects.get(name="Leo").time_zone) == "America/New_York"


def test_a_therapist_signs_up_joins_a_patient_and_sees_them_on_their_dashboard(
    live_server, phone, make_person
):
    page = phone.page
    patient = make_person("sam@example.com", name="Sam")
    _invitation, code = invitation_create(person=patient, role="therapist", created_by=patient)

    sign_up(phone, "ana@example.com", ["I am a therapist"], name="Ana Ruiz")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your patients")
    expect(page.locator("nav.tabs")).not_to_contain_text("Check in")
    page.get_by_role("link", name="Join with a code").tap()
    page.get_by_label("Invitation code").fill(code)
    page.get_by_role("button", name="Join").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your patients")
    expect(page.locator("section.patient", has_text="Sam")).to_be_visible()
    phone.screenshot("therapist-home")
    # Joining opened Sam's record; back to their own home, which is the dashboard.
    page.get_by_role("button", name="Back to me").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your patients")
    assert User.objects.get(email="ana@example.com").roles == ["therapist"]

    # Sam logs a painful day; the alert tops the dashboard, and the therapist resolves it.
    checkin_create(person=patient, idempotency_key=uuid.uuid4(), tone=3, pain=8, ease=3)
    page.reload()
    expect(page.locator("#alerts")).to_contain_text("Sam: Pain 7 or more (pain 8)")
    page.locator("#alerts").get_by_role("button", name="Open and resolve").tap()
    page.get_by_label("Why it is resolved").fill("Called: a bad night, plan unchanged.")
    page.get_by_role("button", name="Resolve").tap()
    expect(page.locator("#alerts")).to_have_count(0)
    expect(page.locator("#resolved-alerts")).to_contain_text("Resolved by Ana Ruiz on")
    phone.screenshot("therapist-alert-resolved")
