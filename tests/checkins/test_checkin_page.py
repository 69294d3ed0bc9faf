"""The check-in page without JavaScript: a plain form posted to a Django view."""

import uuid
from datetime import UTC, datetime, time

import pytest

from backend.checkins.models import Baseline, CheckIn
from backend.reminders.models import Occurrence
from backend.reminders.tasks import dispatch_pass
from tests.reminders.test_dispatch import stretches

URL = "/checkins/new/"


def form(**fields):
    return {"idempotency_key": str(uuid.uuid4()), "tone": "1+", "pain": "4", "ease": "6"} | fields


@pytest.fixture
def occurrence(person):
    stretches(person, time(8, 0))
    dispatch_pass(now=datetime(2027, 3, 1, 7, 0, tzinfo=UTC))  # Monday 08:00 in Madrid
    return Occurrence.objects.get()


@pytest.fixture
def client_as(client, person):
    client.force_login(person)
    return client


@pytest.mark.django_db
def test_the_page_offers_three_quick_choices_and_more_details(client_as):
    page = client_as.get(URL).content.decode()

    for value in ["0", "1", "1+", "2", "3", "4"]:
        assert f'name="tone" value="{value}"' in page
    for score in range(11):
        assert f'name="pain" value="{score}"' in page
        assert f'name="ease" value="{score}"' in page
    assert "Slight increase: a catch, then slight resistance" in page
    assert "<details" in page and "More details" in page
    assert 'name="idempotency_key"' in page


@pytest.mark.django_db
def test_a_check_in_is_stored_once_and_confirmed(client_as, person):
    data = form(minutes="20", technique="swedish", milestone="Shoes on without help")

    response = client_as.post(URL, data)
    again = client_as.post(URL, data)  # the back button and Save a second time

    checkin = CheckIn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/checkins/{checkin.id}/"
    assert again["Location"] == response["Location"]
    assert (checkin.person, checkin.tone_label, checkin.pain, checkin.ease) == (person, "1+", 4, 6)
    assert (checkin.minutes, checkin.technique) == (20, "swedish")
    assert checkin.milestone == "Shoes on without help"
    assert checkin.rom_degrees is None and checkin.stress is None
    page = client_as.get(response["Location"]).content.decode()
    assert "Check-in saved" in page
    assert "lighter pressure" not in page


@pytest.mark.django_db
def test_the_check_in_for_a_reminder_marks_it_done(client_as, occurrence):
    page = client_as.get(f"{URL}?occurrence={occurrence.id}").content.decode()
    assert "Stretches, Monday 08:00" in page

    client_as.post(f"{URL}?occurrence={occurrence.id}", form())

    assert CheckIn.objects.get().occurrence == occurrence
    occurrence.refresh_from_db()
    assert occurrence.status == "done"


@pytest.mark.django_db
def test_worse_after_shows_the_overstimulation_advice(client_as):
    response = client_as.post(URL, form(worse_after="on"), follow=True)

    page = response.content.decode()
    assert "Next time, use lighter pressure." in page
    assert "Warm up first with light, slow strokes." in page
    assert "not medical advice" in page


@pytest.mark.django_db
def test_an_explicit_baseline_replaces_the_first_check_in(client_as, person):
    client_as.post(URL, form())
    client_as.post(URL, form(baseline="on"))

    first, second = CheckIn.objects.all()
    assert Baseline.objects.get(person=person).checkin == second


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tone": "5"}, "tone"),
        ({"tone": ""}, "tone"),
        ({"pain": "11"}, "pain"),
        ({"ease": "lots"}, "ease"),
        ({"minutes": "-3"}, "minutes"),
        ({"rom_degrees": "400"}, "rom_degrees"),
        ({"rom_change": "sideways"}, "rom_change"),
        ({"stress": "12"}, "stress"),
        ({"technique": "pummelling"}, "technique"),
        ({"notes": "x" * 2001}, "notes"),
        ({"idempotency_key": "not-a-uuid"}, "idempotency_key"),
    ],
)
def test_a_bad_value_gets_a_400_naming_the_field_and_nothing_is_saved(client_as, change, field):
    response = client_as.post(URL, form(**change))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_a_rejected_form_keeps_the_choices_and_opens_the_details_with_the_error(client_as):
    page = client_as.post(URL, form(stress="12")).content.decode()

    assert 'name="tone" value="1+" checked' in page
    assert 'name="pain" value="4" checked' in page
    assert "<details" in page and 'class="more" open' in page
    assert 'id="id_stress_error"' in page


@pytest.mark.django_db
def test_someone_elses_reminder_is_not_found(client, occurrence, outsider):
    client.force_login(outsider)

    assert client.get(f"{URL}?occurrence={occurrence.id}").status_code == 404
    assert client.post(f"{URL}?occurrence={occurrence.id}", form()).status_code == 404
    assert client.get(f"{URL}?occurrence=nonsense").status_code == 404
    assert not CheckIn.objects.exists()
    occurrence.refresh_from_db()
    assert occurrence.status == "due"


@pytest.mark.django_db
def test_someone_elses_check_in_is_not_found(client, person, outsider):
    client.force_login(person)
    client.post(URL, form())
    client.force_login(outsider)

    assert client.get(f"/checkins/{CheckIn.objects.get().id}/").status_code == 404


@pytest.mark.django_db
def test_the_page_needs_a_signed_in_person(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_reminder_page_leads_to_its_check_in(client_as, occurrence):
    page = client_as.get(f"/occurrences/{occurrence.id}/").content.decode()

    assert f'href="/checkins/new/?occurrence={occurrence.id}"' in page
    assert "coming to Tonus soon" not in page
