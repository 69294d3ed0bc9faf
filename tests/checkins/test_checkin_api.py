import uuid
from datetime import UTC, datetime, time

import pytest

from backend.checkins.models import CheckIn, Flag
from backend.reminders.models import Occurrence
from backend.reminders.tasks import dispatch_pass
from tests.reminders.test_dispatch import stretches

URL = "/api/v1/checkins/"


def checkin(**fields):
    return {"idempotency_key": str(uuid.uuid4()), "tone": "1+", "pain": 4, "ease": 6} | fields


@pytest.mark.django_db
def test_three_values_are_enough_for_a_check_in(api_as, person):
    response = api_as.post(URL, checkin(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["tone"], body["pain"], body["ease"]) == ("1+", 4, 6)
    stored = CheckIn.objects.get()
    assert (stored.tone, stored.tone_label) == (2, "1+")


@pytest.mark.django_db
def test_the_same_idempotency_key_twice_stores_one_check_in(api_as):
    body = checkin()

    first = api_as.post(URL, body, format="json")
    again = api_as.post(URL, body | {"pain": 9}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["pain"] == 4
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db
def test_two_people_may_use_the_same_key(api_as, outsider):
    body = checkin()
    api_as.post(URL, body, format="json")
    api_as.force_login(outsider)

    assert api_as.post(URL, body, format="json").status_code == 201
    assert CheckIn.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pain": 11}, "pain"),
        ({"pain": -1}, "pain"),
        ({"tone": "5"}, "tone"),
        ({"tone": "2+"}, "tone"),
        ({"ease": "lots"}, "ease"),
        ({"minutes": -3}, "minutes"),
        ({"rom_degrees": 400}, "rom_degrees"),
        ({"rom_change": "sideways"}, "rom_change"),
        ({"stress": 12}, "stress"),
        ({"idempotency_key": "not-a-uuid"}, "idempotency_key"),
        ({"recorded_at": "2999-01-01T00:00:00Z"}, "recorded_at"),
        ({"notes": "x" * 2001}, "notes"),
        ({"occurrence": 999999}, "occurrence"),
    ],
)
def test_a_bad_check_in_gets_a_400_naming_the_field_and_nothing_is_saved(api_as, change, field):
    response = api_as.post(URL, checkin(**change), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_a_check_in_for_someone_elses_reminder_is_refused(api_as, person, outsider):
    stretches(outsider, time(8, 0))
    dispatch_pass(now=datetime(2027, 3, 1, 7, 0, tzinfo=UTC))
    theirs = Occurrence.objects.get()

    response = api_as.post(URL, checkin(occurrence=theirs.id), format="json")

    assert response.status_code == 400
    assert response.json() == {"occurrence": ["No such reminder."]}
    assert not CheckIn.objects.exists()
    theirs.refresh_from_db()
    assert theirs.status == "due"


@pytest.mark.django_db
def test_a_check_in_from_a_reminder_marks_it_done(api_as, person):
    stretches(person, time(8, 0))
    dispatch_pass(now=datetime(2027, 3, 1, 7, 0, tzinfo=UTC))
    occurrence = Occurrence.objects.get()

    response = api_as.post(URL, checkin(occurrence=occurrence.id), format="json")

    assert response.json()["occurrence"] == occurrence.id
    occurrence.refresh_from_db()
    assert occurrence.status == "done"


@pytest.mark.django_db
def test_soreness_after_a_session_brings_advice_and_a_flag(api_as, person):
    response = api_as.post(
        URL, checkin(worse_after=True, minutes=20, technique="deep_tissue"), format="json"
    )

    assert "lighter pressure" in " ".join(response.json()["advice"])
    assert Flag.objects.get().kind == "overstimulation"


@pytest.mark.django_db
def test_more_tone_than_last_time_after_a_massage_is_flagged(api_as, person):
    api_as.post(URL, checkin(tone="1", pain=3), format="json")
    calm = api_as.post(
        URL, checkin(tone="1", pain=3, minutes=15, technique="swedish"), format="json"
    )
    tenser = api_as.post(
        URL, checkin(tone="2", pain=3, minutes=15, technique="swedish"), format="json"
    )

    assert calm.json()["advice"] == []
    assert tenser.json()["advice"]
    assert Flag.objects.count() == 1


@pytest.mark.django_db
def test_check_ins_are_listed_newest_first_and_only_the_persons_own(api_as, person, outsider):
    api_as.post(URL, checkin(pain=2), format="json")
    api_as.post(URL, checkin(pain=3), format="json")
    api_as.force_login(outsider)
    api_as.post(URL, checkin(pain=9), format="json")
    api_as.force_login(person)

    body = api_as.get(URL).json()

    assert [c["pain"] for c in body["results"]] == [3, 2]


@pytest.mark.django_db
def test_a_phone_clock_running_a_little_fast_does_not_lose_the_check_in(api_as):
    from datetime import timedelta

    from django.utils import timezone

    ahead = timezone.now() + timedelta(minutes=20)

    response = api_as.post(URL, checkin(recorded_at=ahead.isoformat()), format="json")

    assert response.status_code == 201
    assert CheckIn.objects.get().recorded_at <= timezone.now()
