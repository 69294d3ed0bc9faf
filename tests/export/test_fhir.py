"""The check-ins as a FHIR R4 Bundle of Observations, validated with fhir.resources.

fhir.resources ships R4B (4.3), whose Bundle and Observation are R4's with no change that
touches what Tonus writes; it is what validates the bundle here.
"""

import json
import uuid
import zoneinfo
from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.bundle import Bundle
from rest_framework.test import APIClient

from backend.care.models import AccessLogEntry
from backend.checkins.services import checkin_create

FHIR = "/api/v1/export/fhir/"
PAIN_LOINC = "72514-3"

# Two months of check-ins, in Madrid: the last one is on 1 December local time but still
# 30 November in UTC, so the month follows the person's zone.
CHECKINS = [
    dict(recorded_at=datetime(2026, 10, 5, 18, 30, tzinfo=UTC), tone=0, pain=7, ease=4),
    dict(
        recorded_at=datetime(2026, 10, 19, 9, 15, 30, tzinfo=UTC),
        tone=2,
        pain=5,
        ease=5,
        rom_joint="left ankle",
        rom_degrees=15,
        stress=6,
        sleep=4,
    ),
    dict(recorded_at=datetime(2026, 11, 2, 7, 0, tzinfo=UTC), tone=3, pain=4, ease=6, sleep=8),
    dict(recorded_at=datetime(2026, 11, 30, 23, 30, tzinfo=UTC), tone=5, pain=2, ease=8),
]


@pytest.fixture
def checkins(person):
    person.time_zone = zoneinfo.ZoneInfo("Europe/Madrid")
    person.name = "Ana"
    person.save()
    return [
        checkin_create(person=person, idempotency_key=uuid.uuid4(), **fields).checkin
        for fields in CHECKINS
    ]


def bundle_of(response) -> Bundle:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    return Bundle.model_validate(json.loads(response.content))


def observations(bundle: Bundle, code: str) -> list:
    return [
        entry.resource
        for entry in bundle.entry
        if entry.resource.__resource_type__ == "Observation"
        and entry.resource.code.coding[0].code == code
    ]


@pytest.mark.django_db
def test_two_months_validate_and_the_pain_values_codes_and_times_match(api_as, checkins):
    bundle = bundle_of(api_as.get(FHIR))

    assert bundle.type == "collection"
    pain = observations(bundle, PAIN_LOINC)
    assert [p.valueInteger for p in pain] == [c.pain for c in checkins]
    assert {(p.code.coding[0].system, p.code.coding[0].code) for p in pain} == {
        ("http://loinc.org", PAIN_LOINC)
    }
    assert [p.effectiveDateTime for p in pain] == [c.recorded_at for c in checkins]
    patient = bundle.entry[0]
    assert patient.resource.__resource_type__ == "Patient"
    assert {p.subject.reference for p in pain} == {patient.fullUrl}
    assert all(p.status == "final" for p in pain)


@pytest.mark.django_db
def test_tone_range_ease_stress_and_sleep_are_coded(api_as, checkins):
    bundle = bundle_of(api_as.get(FHIR))

    tone = observations(bundle, "muscle-tone")
    assert [t.valueCodeableConcept.coding[0].code for t in tone] == ["0", "1+", "2", "4"]
    assert "Modified Ashworth Scale" in tone[0].valueCodeableConcept.coding[0].display
    assert "modified-ashworth-scale" in tone[0].valueCodeableConcept.coding[0].system
    (rom,) = observations(bundle, "range-of-motion")
    assert (rom.valueQuantity.value, rom.valueQuantity.code) == (15, "deg")
    assert rom.valueQuantity.system == "http://unitsofmeasure.org"
    assert rom.bodySite.text == "left ankle"
    assert [e.valueInteger for e in observations(bundle, "ease-of-daily-tasks")] == [4, 5, 6, 8]
    assert [s.valueInteger for s in observations(bundle, "stress")] == [6]
    assert [s.valueInteger for s in observations(bundle, "sleep-quality")] == [4, 8]


@pytest.mark.django_db
def test_a_month_in_the_persons_zone(api_as, checkins):
    october = bundle_of(api_as.get(FHIR, {"month": "2026-10"}))
    november = bundle_of(api_as.get(FHIR, {"month": "2026-11"}))
    december = bundle_of(api_as.get(FHIR, {"month": "2026-12"}))

    assert [p.valueInteger for p in observations(october, PAIN_LOINC)] == [7, 5]
    assert [p.valueInteger for p in observations(november, PAIN_LOINC)] == [4]
    assert [p.valueInteger for p in observations(december, PAIN_LOINC)] == [2]
    for month in ("2026-13", "0000-01", "9999-12", "2026-1"):
        assert api_as.get(FHIR, {"month": month}).status_code == 400


@pytest.mark.django_db
def test_the_therapist_downloads_it_and_the_look_is_logged(
    person, therapist, with_therapist, checkins, outsider
):
    client = APIClient()
    client.force_login(therapist)
    logged = AccessLogEntry.objects.filter(therapist=therapist, person=person).count()

    bundle = bundle_of(client.get(FHIR, HTTP_X_TONUS_PERSON=str(person.id)))

    assert len(observations(bundle, PAIN_LOINC)) == 4
    assert AccessLogEntry.objects.filter(therapist=therapist, person=person).count() == logged + 1
    client.force_login(outsider)
    assert client.get(FHIR, HTTP_X_TONUS_PERSON=str(person.id)).status_code == 404


@pytest.mark.django_db
def test_the_monthly_summary_offers_its_months_bundle(client, person, checkins):
    client.force_login(person)

    page = client.get("/checkins/summary/", {"month": "2026-10"}).content.decode()

    assert f'href="{FHIR}?month=2026-10"' in page


@pytest.mark.django_db
def test_each_observation_names_who_recorded_it(api_as, person, child):
    body = {"tone": "1", "pain": 3, "ease": 6}
    api_as.post("/api/v1/checkins/", body | {"idempotency_key": str(uuid.uuid4())}, format="json")
    for_child = {"HTTP_X_TONUS_PERSON": str(child.id)}
    api_as.post(
        "/api/v1/checkins/",
        body | {"idempotency_key": str(uuid.uuid4())},
        format="json",
        **for_child,
    )

    own = bundle_of(api_as.get(FHIR))
    childs = bundle_of(api_as.get(FHIR, **for_child))

    (pain,) = observations(own, PAIN_LOINC)
    assert [p.reference for p in pain.performer] == [own.entry[0].fullUrl]  # the Patient
    (pain,) = observations(childs, PAIN_LOINC)
    related = next(e for e in childs.entry if e.resource.__resource_type__ == "RelatedPerson")
    assert [p.reference for p in pain.performer] == [related.fullUrl]
    assert related.resource.patient.reference == childs.entry[0].fullUrl
    assert related.resource.identifier[0].value == str(person.id)
