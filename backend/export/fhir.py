"""Check-ins as an HL7 FHIR R4 Bundle of Observations, for a clinic's system to file.

Built as plain dicts (the runtime needs no FHIR library); tests validate the result with
fhir.resources. Pain is LOINC 72514-3 (the 0–10 numeric rating); tone carries the Modified
Ashworth grade as a code of a system that names the scale; range of motion is in UCUM
degrees with the joint as its body site; ease of daily tasks, stress and sleep are 0–10
ratings. Each Observation has its time, its subject (the Patient) and, where the check-in
says who entered it, its performer: the Patient, or a caregiver as a RelatedPerson. Codes of
Tonus's own are under Tonus's code system.
"""

import uuid
from datetime import UTC, datetime

from django.utils import timezone

from backend.accounts.models import User
from backend.checkins.models import TONE_DESCRIPTIONS, CheckIn, Tone

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# Tonus's own codes: what a check-in records that has no code of a standard terminology here.
TONUS = "urn:tonus:fhir:CodeSystem:check-in"
MAS = "urn:tonus:fhir:CodeSystem:modified-ashworth-scale"
NAMESPACE = uuid.UUID("6f1c63a0-9b1e-4a4e-9a55-6a0d1d1f0c19")

PAIN = {
    "coding": [
        {
            "system": LOINC,
            "code": "72514-3",
            "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        }
    ],
    "text": "Pain (0-10)",
}


def _code(code: str, display: str) -> dict:
    return {"coding": [{"system": TONUS, "code": code, "display": display}], "text": display}


TONE = _code("muscle-tone", "Muscle tone (Modified Ashworth Scale)")
RANGE = _code("range-of-motion", "Range of motion")
EASE = _code("ease-of-daily-tasks", "Ease of daily tasks (0-10, 10 easiest)")
STRESS = _code("stress", "Stress or anxiety (0-10)")
SLEEP = _code("sleep-quality", "Sleep quality (0-10, 10 best)")


def _urn(*parts) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, ':'.join(str(p) for p in parts))}"


def _patient(person: User) -> dict:
    patient = {
        "resourceType": "Patient",
        "identifier": [{"system": TONUS, "value": str(person.id)}],
    }
    if person.name:
        patient["name"] = [{"text": person.name}]
    if person.birth_year:
        patient["birthDate"] = str(person.birth_year)
    return patient


def _related_person(person: User, patient_url: str, recorder: User) -> dict:
    """A caregiver who entered check-ins for the person."""
    related = {
        "resourceType": "RelatedPerson",
        "identifier": [{"system": TONUS, "value": str(recorder.id)}],
        "patient": {"reference": patient_url},
        "relationship": [{"text": "Caregiver"}],
    }
    if recorder.name:
        related["name"] = [{"text": recorder.name}]
    return related


def _observations(checkin: CheckIn, subject: dict, performers: dict) -> list[tuple[str, dict]]:
    base = {
        "resourceType": "Observation",
        "status": "final",
        "subject": subject,
        "effectiveDateTime": checkin.recorded_at.astimezone(UTC).isoformat(),
    }
    if checkin.recorded_by_id in performers:
        base["performer"] = [{"reference": performers[checkin.recorded_by_id]}]

    def observation(kind, code, category="survey", **value):
        resource = {
            **base,
            "identifier": [{"system": TONUS, "value": f"{checkin.idempotency_key}/{kind}"}],
            "category": [{"coding": [{"system": CATEGORY, "code": category}]}],
            "code": code,
            **value,
        }
        return _urn(checkin.person_id, checkin.idempotency_key, kind), resource

    tone = Tone(checkin.tone)
    found = [
        observation("pain", PAIN, valueInteger=checkin.pain),
        observation(
            "tone",
            TONE,
            category="exam",
            valueCodeableConcept={
                "coding": [
                    {
                        "system": MAS,
                        "code": tone.label,
                        "display": f"Modified Ashworth Scale {tone.label}",
                    }
                ],
                "text": f"MAS {tone.label}: {TONE_DESCRIPTIONS[tone]}",
            },
        ),
        observation("ease", EASE, valueInteger=checkin.ease),
    ]
    if checkin.rom_degrees is not None:
        found.append(
            observation(
                "range-of-motion",
                RANGE,
                category="exam",
                valueQuantity={
                    "value": checkin.rom_degrees,
                    "unit": "deg",
                    "system": UCUM,
                    "code": "deg",
                },
                **({"bodySite": {"text": checkin.rom_joint}} if checkin.rom_joint else {}),
            )
        )
    if checkin.stress is not None:
        found.append(observation("stress", STRESS, valueInteger=checkin.stress))
    if checkin.sleep is not None:
        found.append(observation("sleep", SLEEP, valueInteger=checkin.sleep))
    return found


def checkins_fhir_bundle(*, person: User, checkins, now: datetime | None = None) -> dict:
    """A collection Bundle: the Patient, then each check-in's Observations, oldest first."""
    patient_url = _urn(person.id, "patient")
    subject = {"reference": patient_url}
    if person.name:
        subject["display"] = person.name
    entries = [{"fullUrl": patient_url, "resource": _patient(person)}]
    # Who recorded each check-in: the person (the Patient), or a caregiver (a RelatedPerson).
    checkins = list(checkins.select_related("recorded_by"))
    performers = {person.id: patient_url}
    for checkin in checkins:
        recorder = checkin.recorded_by
        if recorder is not None and recorder.id not in performers:
            performers[recorder.id] = _urn(person.id, "related", recorder.id)
            entries.append(
                {
                    "fullUrl": performers[recorder.id],
                    "resource": _related_person(person, patient_url, recorder),
                }
            )
    for checkin in checkins:
        entries += [
            {"fullUrl": url, "resource": resource}
            for url, resource in _observations(checkin, subject, performers)
        ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": (now or timezone.now()).astimezone(UTC).isoformat(),
        "entry": entries,
    }
