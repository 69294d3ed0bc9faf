from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
import recurring_ical_events
import time_machine

from backend.plans.services import safety_screen_record
from backend.reminders.models import CalendarFeed
from backend.reminders.selectors import upcoming_reminders
from tests.reminders.test_dispatch import massage, stretches
from tests.support.plans import NO


def feed(client, api_as) -> icalendar.Calendar:
    url = api_as.post("/api/v1/calendar/").json()["url"]
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Europe/Madrid", "America/New_York", "Australia/Lord_Howe"])
def test_the_feed_lists_the_same_occurrences_as_the_engine(client, api_as, make_person, zone):
    person = make_person("cal@example.com", time_zone=zone)
    api_as.force_login(person)
    safety_screen_record(person=person, **NO)
    start = datetime(2027, 2, 20, tzinfo=UTC)  # spans the northern spring change
    with time_machine.travel(start, tick=False):
        api_as.force_login(person)
        # 02:15 and 02:30 do not exist on some change days: the engine's rule must carry over.
        massage(person, (6, time(2, 30)), (2, time(18, 0)), now=start)
        stretches(person, time(2, 15), time(20, 0), now=start)
        calendar = feed(client, api_as)
        engine = upcoming_reminders(user=person, now=start, days=60)

    end = start + timedelta(days=59)
    listed = recurring_ical_events.of(calendar).between(start, end)
    from_feed = sorted(event["DTSTART"].dt.astimezone(UTC) for event in listed)
    assert from_feed == [upcoming.due_at for upcoming in engine if upcoming.due_at < end]
    assert {str(event["SUMMARY"]) for event in listed} == {"Massage session", "Stretches"}
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == zone


@pytest.mark.django_db
def test_a_new_address_revokes_the_old_one_at_once(client, api_as, person):
    old = api_as.post("/api/v1/calendar/").json()["url"].removeprefix("http://testserver")
    new = api_as.post("/api/v1/calendar/").json()["url"].removeprefix("http://testserver")

    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200

    assert api_as.delete("/api/v1/calendar/").status_code == 204
    assert client.get(new).status_code == 404


@pytest.mark.django_db
def test_discreet_mode_keeps_health_words_out_of_the_feed(client, api_as, person):
    person.discreet_notifications = True
    person.save()
    stretches(person, time(8, 0), now=datetime.now(UTC))

    [event] = feed(client, api_as).walk("VEVENT")

    assert str(event["SUMMARY"]) == "Routine"
    assert "DESCRIPTION" not in event


@pytest.mark.django_db
def test_only_a_hash_of_the_calendar_address_is_kept(api_as, person):
    url = api_as.post("/api/v1/calendar/").json()["url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")

    stored = CalendarFeed.objects.get(person=person)
    assert len(token) >= 40  # 32 random bytes
    assert token not in str(vars(stored))
    assert "url" not in api_as.get("/api/v1/calendar/").json()
