"""Other treatments on a phone: an injection and a medicine change recorded, marked on the
trend charts, and the injection's cycle printed for the clinic."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backend.checkins.services import checkin_create
from tests.conftest import ARTIFACTS, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pixels of the treatment colour (--treatment, light mode) on a chart's canvas.
TREATMENT_PIXELS = """(canvas) => {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let found = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - 180) < 30 && Math.abs(data[i + 1] - 83) < 30 && data[i + 2] < 60) found++;
  }
  return found;
}"""


def test_an_injection_and_a_medicine_change_are_marked_and_the_cycle_prints(
    live_server, phone, make_person
):
    page = phone.page
    person = make_person("treatments@example.com", time_zone="Europe/Madrid")
    start = datetime.now(UTC) - timedelta(days=40)
    for day, tone, pain in [(0, 4, 8), (5, 4, 7), (12, 3, 6), (20, 3, 5), (30, 2, 4), (39, 2, 3)]:
        checkin_create(
            person=person,
            idempotency_key=uuid.uuid4(),
            recorded_at=start + timedelta(days=day),
            tone=tone,
            pain=pain,
            ease=5,
        )
    injected = timezone.localdate(start + timedelta(days=8), person.time_zone)
    changed = timezone.localdate(start + timedelta(days=25), person.time_zone)

    phone.log_in(person.email, PASSWORD)
    page.get_by_role("link", name="Trend", exact=True).tap()
    page.get_by_role("link", name="Other treatments").tap()
    page.get_by_label("Treatment", exact=True).select_option("botulinum_toxin")
    page.get_by_label("Date (or start)").fill(injected.isoformat())
    page.get_by_label("Muscles injected").fill("left calf")
    page.get_by_role("button", name="Save treatment").tap()
    expect(page.locator("#treatment-events")).to_contain_text("left calf")
    page.get_by_label("Treatment", exact=True).select_option("medicine")
    page.get_by_label("Date (or start)").fill(changed.isoformat())
    page.get_by_label("Medicine", exact=True).fill("baclofen")
    page.get_by_label("Medicine was").select_option("changed")
    page.get_by_role("button", name="Save treatment").tap()
    expect(page.locator("#treatment-events")).to_contain_text("baclofen: changed")
    phone.screenshot("treatments")

    page.get_by_role("link", name="Trend", exact=True).tap()
    pain_chart = page.locator('.chart[data-metric="pain"] canvas')
    expect(pain_chart).to_have_count(1)
    assert pain_chart.evaluate(TREATMENT_PIXELS) > 100, "no treatment mark drawn"
    expect(page.locator("#chart-legend")).to_contain_text("Treatment")
    page.get_by_text("Show as a table").first.tap()
    rows = page.locator("table").first.locator("tbody tr.treatment-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Treatment: Botulinum toxin injection (left calf)")
    expect(page.locator("#cycles")).to_contain_text("After the injection of")
    phone.screenshot("trend-with-treatments")
    assert phone.page_errors == []

    page.get_by_role("link", name="Injection cycles to print").tap()
    report = page.locator(".cycle-page")
    expect(report).to_have_count(1)
    expect(report).to_contain_text("Muscles injected: left calf")
    expect(report).to_contain_text("Data only, not dosing advice.")
    page.emulate_media(media="print")
    phone.screenshot("injection-cycle-printed")
    folder = ARTIFACTS / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=folder / "injection-cycle.pdf", format="A4")
    assert pdf.startswith(b"%PDF")
