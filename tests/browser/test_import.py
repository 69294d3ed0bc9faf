"""Importing a check-in file on a phone: the page follows the worker until the file is in."""

import pytest
from playwright.sync_api import expect

from backend.checkins.models import CheckIn
from tests.checkins.test_import import csv_file, row
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_import_page_follows_the_file_until_it_is_in(
    live_server, phone, bulk_worker, make_person
):
    page = phone.page
    person = make_person("importer@example.com", time_zone="America/New_York")
    phone.log_in(person.email, PASSWORD)
    rows = [row(number, pain=number % 11) for number in range(1200)]

    page.goto(f"{live_server.url}/checkins/import/")
    page.get_by_label("CSV file").set_input_files(
        {"name": "checkins.csv", "mimeType": "text/csv", "buffer": csv_file(rows).encode()}
    )
    page.get_by_role("button", name="Import", exact=True).tap()

    # No reload by hand: the page asks the API how far it is, and shows the result.
    expect(page.locator("#import-status")).to_have_text(
        "Imported: 1200 check-ins added.", timeout=120_000
    )
    phone.screenshot("import-done")
    assert CheckIn.objects.filter(person=person).count() == 1200
