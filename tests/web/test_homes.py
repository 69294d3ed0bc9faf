"""Each person's home: a patient's Today, a caregiver's people, a therapist's patients."""

import uuid
from datetime import UTC, datetime, time

import pytest
import time_machine

from backend.accounts.models import User
from backend.care.models import TherapistAccess
from backend.care.services import dependent_create
from backend.checkins.services import checkin_create
from backend.plans.services import StretchInput, safety_screen_record, stretch_routine_save
from backend.reminders.tasks import dispatch_pass
from tests.support.plans import NO

# Tuesday 3 March 2026 in Chicago (UTC-6)
PLANNED_AT = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)  # 05:00 local
AFTER_MORNING = datetime(2026, 3, 3, 15, 30, tzinfo=UTC)  # 09:30 local
CALF = StretchInput(
    name="Calf stretch", target_muscle="gastrocnemius", side="both", hold_seconds=30, repetitions=3
)


def stretches(person, *times):
    safety_screen_record(person=person, **NO)
    stretch_routine_save(person=person, times=list(times), stretches=[CALF], now=PLANNED_AT)


def tabs(page: str) -> str:
    return page[page.index('class="tabs"') :]


@pytest.fixture
def caregiver(make_person):
    return make_person(
        "parent@example.com",
        name="Ana",
        practises=False,
        looks_after=True,
        time_zone="America/Chicago",
    )


@pytest.mark.django_db
def test_a_caregiver_sees_each_child_with_todays_reminders_and_what_is_done(client, caregiver):
    leo = dependent_create(caregiver=caregiver, name="Leo")
    mia = dependent_create(caregiver=caregiver, name="Mia")
    stretches(leo, time(8, 0), time(20, 0))
    with time_machine.travel(AFTER_MORNING, tick=False):
        dispatch_pass(now=AFTER_MORNING)
        morning = leo.occurrences.get()
        checkin_create(
            person=leo,
            recorded_by=caregiver,
            idempotency_key=uuid.uuid4(),
            recorded_at=AFTER_MORNING,
            tone=1,
            pain=2,
            ease=7,
            occurrence=morning,
        )
        client.force_login(caregiver)
        page = client.get("/").content.decode()

    people = page[page.index('id="people-days"') :]
    leo_part = people[people.index(">Leo<") : people.index(">Mia<")]
    assert "1 of 2 done today" in leo_part
    assert "08:00" in leo_part and "20:00" in leo_part
    assert "Open Leo's day" in leo_part
    assert "Nothing planned for today." in people[people.index(">Mia<") :]
    # Nothing of their own: no Today, no check-in, no plan to make.
    assert 'id="today"' not in page
    assert "Check in" not in tabs(page) and "Make your plan" not in page
    assert mia.id  # listed, by name, with nothing planned


@pytest.mark.django_db
def test_a_caregiver_who_looks_after_no_one_yet_is_led_to_add_them(client, caregiver):
    client.force_login(caregiver)

    page = client.get("/").content.decode()

    assert "Add someone you look after" in page
    assert 'href="/care/#add-person"' in page


@pytest.mark.django_db
def test_opening_a_childs_day_speaks_of_the_child(client, caregiver):
    leo = dependent_create(caregiver=caregiver, name="Leo")
    client.force_login(caregiver)

    opened = client.post(f"/care/switch/{leo.id}/", {"next": "/"}, follow=True)
    trend = client.get("/checkins/trend/").content.decode()

    page = opened.content.decode()
    assert "<h1>Leo's day</h1>" in page
    assert "Make Leo's plan" in page
    assert "Check in" in tabs(page)  # the caregiver checks in for Leo
    assert "<h1>Leo's trend</h1>" in trend
    assert "<title>Leo's trend · Tonus</title>" in trend


@pytest.mark.django_db
def test_a_therapist_is_at_home_on_their_patients(client, make_person, person):
    therapist = make_person("t@example.com", name="Ana Ruiz", practises=False, is_therapist=True)
    TherapistAccess.objects.create(therapist=therapist, person=person)
    client.force_login(therapist)

    home = client.get("/")
    patients = client.get(home["Location"]).content.decode()

    assert home.status_code == 302 and home["Location"] == "/care/patients/"
    assert "Your patients" in patients
    assert "Check in" not in tabs(patients) and "Trend" not in tabs(patients)


@pytest.mark.django_db
def test_a_therapist_viewing_a_patient_gets_no_check_in_and_no_patient_words(
    client, make_person, person
):
    therapist = make_person("t@example.com", name="Ana Ruiz", practises=False, is_therapist=True)
    TherapistAccess.objects.create(therapist=therapist, person=person)
    client.force_login(therapist)
    client.post(f"/care/switch/{person.id}/")

    home = client.get("/").content.decode()
    trend = client.get("/checkins/trend/").content.decode()

    assert "Check in" not in home
    assert "Make your plan" not in home and "No plan yet." in home
    assert "Take it to your therapist" not in trend and "For the clinic" in trend


@pytest.mark.django_db
def test_someone_with_two_roles_sees_both(client, make_person):
    both = make_person("both@example.com", looks_after=True, is_therapist=True, name="Ana")
    dependent_create(caregiver=both, name="Leo")
    client.force_login(both)

    page = client.get("/").content.decode()

    assert 'id="today"' in page and 'id="people-days"' in page and 'id="patients-card"' in page


@pytest.mark.django_db
def test_a_new_child_takes_the_caregivers_time_zone_and_the_form_says_so(client, api, caregiver):
    client.force_login(caregiver)

    form = client.get("/care/").content.decode()
    client.post("/care/", {"name": "Leo", "time_zone": "America/Chicago"})
    api.force_authenticate(caregiver)
    by_api = api.post("/api/v1/care/dependents/", {"name": "Mia"}, format="json")

    add = form[form.index('id="add-person"') :]
    assert '<option value="America/Chicago" selected>' in add
    assert "The same as yours, America/Chicago." in add
    assert "data-zone-prefill" not in add
    assert by_api.status_code == 201, by_api.content
    assert str(User.objects.get(name="Mia").time_zone) == "America/Chicago"
    assert str(User.objects.get(name="Leo").time_zone) == "America/Chicago"


@pytest.mark.django_db
def test_a_caregiver_who_never_chose_a_zone_gets_the_phones(client, make_person):
    caregiver = make_person("parent@example.com", time_zone="UTC", looks_after=True)
    client.force_login(caregiver)

    form = client.get("/care/").content.decode()

    add = form[form.index('id="add-person"') : form.index("</form>", form.index('id="add-person"'))]
    assert "data-zone-prefill" in add and "Set from this phone." in add


@pytest.mark.django_db
def test_roles_change_in_settings_and_by_the_api(client, api, person):
    api.force_authenticate(person)
    refused = api.patch("/api/v1/accounts/me/", {"roles": ["therapist"]}, format="json")
    named = api.patch(
        "/api/v1/accounts/me/",
        {"roles": ["therapist"], "name": "Sam Ortiz", "profession": "Physiotherapist"},
        format="json",
    )
    client.force_login(person)
    saved = client.post(
        "/accounts/settings/",
        {"roles": ["practise", "look_after"], "name": "Sam", "time_zone": "Europe/Madrid"},
    )

    assert refused.status_code == 400 and list(refused.json()) == ["name"]
    assert named.status_code == 200
    assert named.json()["roles"] == ["therapist"]
    assert named.json()["profession"] == "Physiotherapist"
    assert saved.status_code == 302
    person.refresh_from_db()
    assert person.roles == ["practise", "look_after"]
