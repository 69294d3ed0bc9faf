import re
import uuid

import pytest

from backend.care.models import Invitation
from backend.care.services import dependent_create
from backend.checkins.services import checkin_create


def code_from(response) -> str:
    return re.search(r'id="invitation-code">([A-Z0-9-]+)<', response.content.decode()).group(1)


@pytest.mark.django_db
def test_a_therapist_joins_sees_the_child_with_a_flag_and_loses_it_when_revoked(
    client, person, make_person
):
    child = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    checkin_create(
        person=child, idempotency_key=uuid.uuid4(), tone=2, pain=4, ease=5, worse_after=True
    )
    client.force_login(person)
    client.post(f"/care/switch/{child.id}/")
    code = code_from(client.post("/care/invite/", {"role": "therapist"}))
    therapist = make_person("therapist@example.com")

    client.force_login(therapist)
    joined = client.post("/care/join/", {"code": code}, follow=True)
    page = joined.content.decode()
    assert "Emily" in page
    assert "Possible overstimulation" in page
    assert "Last check-in" in page and "tone 1+, pain 4" in page

    client.force_login(person)
    client.post(f"/care/switch/{child.id}/")
    client.post(f"/care/therapists/{therapist.id}/revoke/")
    client.force_login(therapist)
    assert client.get("/care/patients/").context["rows"] == []
    assert client.post(f"/care/switch/{child.id}/").status_code == 404


@pytest.mark.django_db
def test_a_bad_code_on_the_join_page_says_why_and_grants_nothing(client, make_person):
    client.force_login(make_person("someone@example.com"))

    response = client.post("/care/join/", {"code": "NOPE1-NOPE2"})

    assert response.status_code == 400
    assert "No invitation has this code" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_only_the_person_or_a_caregiver_can_make_invitations(client, person, outsider):
    child = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    client.force_login(outsider)
    client.post(f"/care/switch/{child.id}/")  # refused: not theirs

    client.post("/care/invite/", {"role": "caregiver"})

    assert not Invitation.objects.filter(person=child).exists()
