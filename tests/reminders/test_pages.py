from datetime import UTC, datetime, time

import pytest

from backend.reminders.models import Occurrence
from backend.reminders.tasks import dispatch_pass
from tests.reminders.test_dispatch import stretches


@pytest.mark.django_db
def test_the_reminder_page_marks_it_done(client, person):
    stretches(person, time(8, 0))
    dispatch_pass(now=datetime(2027, 3, 1, 7, 0, tzinfo=UTC))
    occurrence = Occurrence.objects.get()
    client.force_login(person)

    page = client.post(f"/occurrences/{occurrence.id}/", follow=True).content.decode()

    assert "Marked as done" in page
    occurrence.refresh_from_db()
    assert occurrence.status == "done"


@pytest.mark.django_db
def test_someone_elses_reminder_is_not_found(client, person, outsider):
    stretches(person, time(8, 0))
    dispatch_pass(now=datetime(2027, 3, 1, 7, 0, tzinfo=UTC))
    client.force_login(outsider)

    occurrence = Occurrence.objects.get()
    assert client.get(f"/occurrences/{occurrence.id}/").status_code == 404
    assert client.post(f"/occurrences/{occurrence.id}/").status_code == 404
    occurrence.refresh_from_db()
    assert occurrence.status == "due"


@pytest.mark.django_db
def test_the_home_page_lists_the_next_reminders_in_local_time(client, person):
    stretches(person, time(8, 0), now=datetime.now(UTC))
    client.force_login(person)

    page = client.get("/").content.decode()

    upcoming = page[page.index('id="upcoming"') : page.index("</ul>", page.index('id="upcoming"'))]
    assert upcoming.count("08:00") == 6
    assert "Next reminders" in page


@pytest.mark.django_db
def test_the_calendar_address_is_made_renewed_and_turned_off_on_the_devices_page(client, person):
    client.force_login(person)

    first = client.post("/devices/calendar/").context["feed_url"]
    second = client.post("/devices/calendar/").context["feed_url"]
    later = client.get("/devices/")
    works = client.get(second.removeprefix("http://testserver")).status_code
    replaced = client.get(first.removeprefix("http://testserver")).status_code
    client.post("/devices/calendar/", {"off": "1"})

    assert first != second
    assert (works, replaced) == (200, 404)
    # Shown once: the token is not stored, so a later visit cannot show it.
    assert later.context["feed_url"] is None and "is working" in later.content.decode()
    assert second.rsplit("/", 1)[1].removesuffix(".ics") not in later.content.decode()
    assert client.get("/devices/").context["feed"] is None


@pytest.mark.django_db
def test_quiet_hours_need_both_ends_on_the_settings_page(client, person):
    client.force_login(person)

    response = client.post(
        "/accounts/settings/",
        {"name": "", "time_zone": "Europe/Madrid", "quiet_hours_start": "22:00"},
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["quiet_hours_end"]
