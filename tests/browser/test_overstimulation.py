"""The overstimulation guard on a phone: asked in the quick check-in, cleared by itself."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from backend.checkins.models import Flag
from backend.checkins.services import checkin_create
from tests.browser.test_checkin import check_in_three_taps
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARD = "Muscles may have been overstimulated"


def test_worse_after_is_one_more_tap_and_the_card_goes_after_two_better_check_ins(
    live_server, phone, make_person
):
    page = phone.page
    person = make_person("guard@example.com", time_zone="Europe/Madrid")
    # A usual week: tone 1+ and pain 3.
    for days in (4, 3, 2):
        checkin_create(
            person=person,
            idempotency_key=uuid.uuid4(),
            recorded_at=datetime.now(UTC) - timedelta(days=days),
            tone=2,
            pain=3,
            ease=6,
        )
    phone.log_in(person.email, PASSWORD)

    page.goto(f"{phone.origin}/checkins/new/")
    page.get_by_label("Soreness or spasms were worse after the session").tap()
    check_in_three_taps(page, tone="2", pain="6", ease="4")
    expect(page.get_by_role("heading", name="Check-in saved")).to_be_visible()
    expect(page.locator("#checkin-advice")).to_contain_text("Next time, use lighter pressure.")
    [flag] = Flag.objects.filter(person=person, kind=Flag.Kind.OVERSTIMULATION)

    page.goto(f"{phone.origin}/checkins/trend/")
    expect(page.get_by_role("heading", name=CARD)).to_be_visible()
    phone.screenshot("overstimulation-card")

    # One better check-in is not enough; the second one back at the usual level clears it.
    for tone, pain in (("1+", "3"), ("1", "2")):
        page.goto(f"{phone.origin}/checkins/new/")
        check_in_three_taps(page, tone=tone, pain=pain, ease="6")
        expect(page.get_by_role("heading", name="Check-in saved")).to_be_visible()
        page.goto(f"{phone.origin}/checkins/trend/")
        if tone == "1+":
            expect(page.get_by_role("heading", name=CARD)).to_be_visible()

    expect(page.get_by_role("heading", name="Your trend")).to_be_visible()
    expect(page.get_by_role("heading", name=CARD)).to_have_count(0)
    phone.screenshot("overstimulation-cleared")
    flag.refresh_from_db()
    assert (flag.resolved_by, flag.resolution) == (None, "Two check-ins back at the usual level")
    assert phone.page_errors == []
