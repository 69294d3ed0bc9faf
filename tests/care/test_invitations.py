"""Invitations into the care circle, and a therapist's read-only, revocable access."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from backend.care.models import AccessLogEntry, CareRelation, Invitation, TherapistAccess
from backend.checkins.models import CheckIn
from tests.support.plans import stretch_routine

INVITE = "/api/v1/care/invitations/"
ACCEPT = "/api/v1/care/invitations/accept/"


def invite(api_as, role, person_id=None):
    if person_id:
        api_as.credentials(HTTP_X_TONUS_PERSON=str(person_id))
    response = api_as.post(INVITE, {"role": role}, format="json")
    api_as.credentials()
    assert response.status_code == 201
    return response.json()["code"]


@pytest.mark.django_db
def test_a_second_caregiver_joins_with_a_code(api_as, child, make_person):
    code = invite(api_as, "caregiver", child.id)
    parent = make_person("parent2@example.com")
    api_as.force_login(parent)

    response = api_as.post(ACCEPT, {"code": code.lower()}, format="json")

    assert response.json()["name"] == "Emily"
    assert CareRelation.objects.filter(caregiver=parent, person=child).exists()
    api_as.credentials(HTTP_X_TONUS_PERSON=str(child.id))
    assert (
        api_as.put("/api/v1/plans/stretches/", stretch_routine(), format="json").status_code == 200
    )


@pytest.mark.django_db
def test_expired_reused_and_forged_codes_grant_nothing(api_as, person, therapist, make_person):
    code = invite(api_as, "therapist")
    api_as.force_login(therapist)
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        api_as.force_login(therapist)
        expired = api_as.post(ACCEPT, {"code": code}, format="json")
    fresh = invite(api_as_person(api_as, person), "therapist")
    api_as.force_login(therapist)
    first = api_as.post(ACCEPT, {"code": fresh}, format="json")
    api_as.force_login(make_person("other.therapist@example.com"))
    reused = api_as.post(ACCEPT, {"code": fresh}, format="json")
    forged = api_as.post(ACCEPT, {"code": "ABCDE-FGHJK"}, format="json")

    assert expired.status_code == 400 and "expired" in expired.json()["code"][0]
    assert first.status_code == 200
    assert reused.status_code == 400 and "already used" in reused.json()["code"][0]
    assert forged.status_code == 400 and "No invitation" in forged.json()["code"][0]
    assert TherapistAccess.objects.count() == 1


def api_as_person(api_as, person):
    api_as.force_login(person)
    return api_as


@pytest.mark.django_db
def test_the_inviter_and_circle_members_cannot_use_up_a_code(
    api_as, person, child, second_parent, therapist
):
    code = invite(api_as, "caregiver", child.id)  # made by person, Emily's caregiver
    TherapistAccess.objects.create(therapist=therapist, person=child)

    by_inviter = api_as.post(ACCEPT, {"code": code}, format="json")
    api_as.force_login(second_parent)
    by_caregiver = api_as.post(ACCEPT, {"code": code}, format="json")
    api_as.force_login(therapist)
    by_therapist = api_as.post(ACCEPT, {"code": code}, format="json")

    assert by_inviter.status_code == 400
    assert list(by_inviter.json()) == ["code"]
    assert "You made this invitation" in by_inviter.json()["code"][0]
    for refused in (by_caregiver, by_therapist):
        assert refused.status_code == 400
        assert refused.json() == {
            "code": ["You are already in Emily's care circle. Keep the code for someone new."]
        }
    assert not CareRelation.objects.filter(caregiver=therapist).exists()
    assert Invitation.objects.get().accepted_at is None  # still there for someone new


@pytest.mark.django_db
def test_a_therapist_reads_but_cannot_write_and_every_read_is_logged(api_as, person, therapist):
    api_as.put("/api/v1/plans/stretches/", stretch_routine(), format="json")
    code = invite(api_as, "therapist")
    api_as.force_login(therapist)
    api_as.post(ACCEPT, {"code": code}, format="json")
    api_as.credentials(HTTP_X_TONUS_PERSON=str(person.id))

    assert api_as.get("/api/v1/plans/stretches/").status_code == 200
    assert api_as.get("/api/v1/trends/").status_code == 200
    assert (
        api_as.put(
            "/api/v1/plans/stretches/", stretch_routine(times=["06:00"]), format="json"
        ).status_code
        == 403
    )
    written = api_as.post(
        "/api/v1/checkins/",
        {"idempotency_key": str(uuid.uuid4()), "tone": "1", "pain": 1, "ease": 1},
        format="json",
    )
    assert written.status_code == 403
    assert not CheckIn.objects.exists()
    assert [e.path for e in AccessLogEntry.objects.order_by("at")] == [
        "/api/v1/plans/stretches/",
        "/api/v1/trends/",
    ]

    api_as.credentials()
    api_as.force_login(person)
    log = api_as.get("/api/v1/care/access-log/").json()["results"]
    assert {entry["therapist"] for entry in log} == {"therapist"}


@pytest.mark.django_db
def test_revoking_a_therapist_takes_effect_on_the_next_request(api_as, person, therapist):
    code = invite(api_as, "therapist")
    api_as.force_login(therapist)
    api_as.post(ACCEPT, {"code": code}, format="json")
    api_as.credentials(HTTP_X_TONUS_PERSON=str(person.id))
    assert api_as.get("/api/v1/trends/").status_code == 200

    api_as.credentials()
    api_as.force_login(person)
    assert api_as.delete(f"/api/v1/care/therapists/{therapist.id}/").status_code == 204
    api_as.force_login(therapist)
    api_as.credentials(HTTP_X_TONUS_PERSON=str(person.id))

    assert api_as.get("/api/v1/trends/").status_code == 404


@pytest.mark.django_db
def test_a_therapist_cannot_invite_or_revoke_for_a_patient(api_as, person, therapist):
    code = invite(api_as, "therapist")
    api_as.force_login(therapist)
    api_as.post(ACCEPT, {"code": code}, format="json")
    api_as.credentials(HTTP_X_TONUS_PERSON=str(person.id))

    assert api_as.post(INVITE, {"role": "caregiver"}, format="json").status_code == 404
    assert api_as.get("/api/v1/care/therapists/").status_code == 404


@pytest.mark.django_db
def test_a_code_not_yet_used_can_be_cancelled_and_then_grants_nothing(api_as, therapist):
    created = api_as.post(INVITE, {"role": "therapist"}, format="json").json()
    assert [i["id"] for i in api_as.get(INVITE).json()] == [created["id"]]

    assert api_as.delete(f"{INVITE}{created['id']}/").status_code == 204
    api_as.force_login(therapist)
    refused = api_as.post(ACCEPT, {"code": created["code"]}, format="json")

    assert refused.status_code == 400 and "code" in refused.json()
    assert not TherapistAccess.objects.exists()


@pytest.mark.django_db
def test_only_whoever_manages_the_person_cancels_their_codes(api_as, outsider):
    created = api_as.post(INVITE, {"role": "caregiver"}, format="json").json()
    api_as.force_login(outsider)

    assert api_as.delete(f"{INVITE}{created['id']}/").status_code == 404
    assert api_as.get(INVITE).json() == []  # the outsider's own list, empty
