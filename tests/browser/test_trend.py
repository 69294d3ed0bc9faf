"""The trend page on a phone: charts with tables behind them, and the reassessment card."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from backend.checkins.services import checkin_create
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_five_weeks_of_check_ins_show_as_charts_and_answer_whether_the_plan_works(
    live_server, phone, make_person
):
    page = phone.page
    person = make_person("trend@example.com", time_zone="America/New_York")
    start = datetime.now(UTC) - timedelta(days=35)
    # Pain from 8 down to 4 and tone from 2 to 1+ over five weeks of check-ins, three in the
    # first week and three in the last two: the card compares the medians of those.
    history = [(0, 3, 8), (2, 3, 8), (4, 3, 7), (14, 2, 6), (21, 2, 5), (28, 2, 4), (31, 2, 4)]
    for number, (day, tone, pain) in enumerate([*history, (35, 2, 4)]):
        checkin_create(
            person=person,
            idempotency_key=uuid.uuid4(),
            recorded_at=start + timedelta(days=day),
            tone=tone,
            pain=pain,
            ease=4 + number % 6,
        )

    phone.log_in(person.email, PASSWORD)
    page.get_by_role("link", name="Trend", exact=True).tap()

    card = page.locator("#reassessment")
    expect(card).to_contain_text("The plan looks like it is working.")
    expect(card).to_contain_text("Muscle tone now: 1+ (aim: under 2)")
    expect(card).to_contain_text("Pain: 8 at the start, 4 now, 50% lower")
    # Each chart is drawn (uPlot puts a canvas in it) and has its numbers in a table.
    for metric in ("pain", "tone", "ease"):
        expect(page.locator(f'.chart[data-metric="{metric}"] canvas')).to_have_count(1)
    page.get_by_text("Show as a table").first.tap()
    expect(page.locator("table").first.locator("tbody tr")).to_have_count(8)
    assert phone.page_errors == []
    phone.screenshot("trend")

    page.get_by_role("link", name="Monthly summary to print").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Summary for")
    phone.screenshot("summary")
