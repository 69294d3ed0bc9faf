"""Who logged a check-in, shown wherever check-ins are listed when it was not the person."""

import csv
import io
import json
import uuid

import pytest

from backend.care.models import TherapistAccess
from backend.checkins.services import checkin_create


def log(person, by, pain=4):
    return checkin_create(
        person=person, idempotency_key=uuid.uuid4(), tone=2, pain=pain, ease=5, recorded_by=by
    ).checkin


@pytest.fixture
def parent(person):
    person.name = "Ana"
    person.save()
    return person


@pytest.mark.django_db
def test_a_caregivers_check_in_says_who_logged_it_on_the_trend_and_in_the_api(
    api, client, parent, child, second_parent
):
    mine = log(child, parent)
    log(child, second_parent)
    client.force_login(parent)
    client.post(f"/care/switch/{child.id}/")

    trend = client.get("/checkins/trend/").content.decode()

    assert "logged by Ana" in trend and "logged by parent2" in trend
    api.force_login(parent)
    api.credentials(HTTP_X_TONUS_PERSON=str(child.id))
    listed = {c["id"]: c["recorded_by"] for c in api.get("/api/v1/checkins/").json()["results"]}
    assert listed[mine.id] == {"id": parent.id, "name": "Ana"}


@pytest.mark.django_db
def test_the_persons_own_check_ins_say_nothing_of_it(client, api_as, person):
    log(person, person)
    log(person, None)  # from before who logged it was kept
    client.force_login(person)

    assert "logged by" not in client.get("/checkins/trend/").content.decode()
    results = api_as.get("/api/v1/checkins/").json()["results"]
    assert sorted(str(c["recorded_by"]) for c in results) == sorted(
        ["None", str({"id": person.id, "name": "owner"})]
    )


@pytest.mark.django_db
def test_exports_and_the_therapists_view_name_who_logged_it(api, client, parent, child, therapist):
    TherapistAccess.objects.create(therapist=therapist, person=child)
    log(child, parent)
    api.force_login(parent)
    api.credentials(HTTP_X_TONUS_PERSON=str(child.id))

    exported = api.get("/api/v1/checkins/export/").content.decode()
    [row] = list(csv.DictReader(io.StringIO(exported)))
    assert row["logged_by"] == "Ana"
    data = json.loads(api.get("/api/v1/export/").content)
    assert [c["logged_by"] for c in data["checkins"]] == ["Ana"]

    client.force_login(therapist)
    assert "logged by Ana" in client.get("/care/patients/").content.decode()


@pytest.mark.django_db
def test_the_trend_api_names_who_logged_each_point(api, parent, child):
    log(child, parent)
    api.force_login(parent)
    api.credentials(HTTP_X_TONUS_PERSON=str(child.id))

    [point] = api.get("/api/v1/trends/").json()["series"]

    assert point["recorded_by"] == {"id": parent.id, "name": "Ana"}
