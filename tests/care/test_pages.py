import html
import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from backend.care.models import CareRelation, Invitation, TherapistAccess
from backend.care.services import dependent_create
from backend.checkins.services import checkin_create
from tests.support.sign_up import sign_up_finish


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


def link_from(response) -> str:
    return re.search(r'id="invitation-link" type="url" value="([^"]+)"', response.content.decode())[
        1
    ]


@pytest.mark.django_db
def test_an_invitation_link_fills_in_the_code_and_joins_only_after_the_tap(
    client, person, make_person
):
    client.force_login(person)
    invited = client.post("/care/invite/", {"role": "therapist"})
    code, link = code_from(invited), link_from(invited)
    assert link == f"http://testserver/care/join/?code={code}"
    therapist = make_person("therapist@example.com")

    client.logout()
    signed_out = client.get(link)
    assert signed_out.status_code == 302 and "next=/care/join/%3Fcode%3D" in signed_out["Location"]
    client.force_login(therapist)
    opened = client.get(link)

    page = opened.content.decode()
    assert opened.status_code == 200
    assert f'name="code" value="{code}"' in page
    assert "Tap Join to accept the invitation" in page
    assert not TherapistAccess.objects.exists()
    assert Invitation.objects.get().accepted_at is None

    joined = client.post("/care/join/", {"code": code}, follow=True)
    assert joined.redirect_chain[-1][0] == "/care/patients/"
    assert TherapistAccess.objects.filter(therapist=therapist, person=person).exists()


@pytest.mark.django_db
def test_an_expired_or_forged_code_in_a_link_says_why_on_the_tap_and_grants_nothing(
    client, person, make_person
):
    client.force_login(person)
    code = code_from(client.post("/care/invite/", {"role": "caregiver"}))
    client.force_login(make_person("someone@example.com"))

    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert f'value="{code}"' in client.get(f"/care/join/?code={code}").content.decode()
        expired = client.post("/care/join/", {"code": code})
    forged_link = client.get("/care/join/?code=ABCDE-FGHJK")
    forged = client.post("/care/join/", {"code": "ABCDE-FGHJK"})
    markup = client.get('/care/join/?code="><b>x</b>').content.decode()

    assert forged_link.status_code == 200
    assert expired.status_code == 400 and "This invitation has expired" in expired.content.decode()
    assert forged.status_code == 400 and "No invitation has this code" in forged.content.decode()
    assert 'value="ABCDE-FGHJK"' in forged.content.decode()  # shown again to correct
    assert "<b>x</b>" not in markup and 'value="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"' in markup
    assert not CareRelation.objects.exclude(caregiver=person).exists()
    assert Invitation.objects.get().accepted_at is None


def signup_link_from(response) -> str:
    return re.search(r'href="(/accounts/signup/[^"]*)"', response.content.decode())[1]


@pytest.mark.django_db
def test_a_new_caregiver_from_an_invitation_link_signs_up_and_joins_with_a_tap(client, person):
    child = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    client.force_login(person)
    client.post(f"/care/switch/{child.id}/")
    invited = client.post("/care/invite/", {"role": "caregiver"})
    code, link = code_from(invited), link_from(invited)
    client.logout()

    log_in = client.get(link, follow=True)
    sign_up_url = signup_link_from(log_in)
    page = client.get(sign_up_url).content.decode()
    next_url = html.unescape(re.search(r'name="next" value="([^"]*)"', page)[1])
    signed_up = client.post(
        sign_up_url,  # the form has no action: it posts to the address it was opened at
        {
            "email": "grandma@example.com",
            "password": "hamstring-hold-thirty-seconds",
            "time_zone": "Europe/London",
            "roles": ["look_after"],
            "next": next_url,
        },
    )
    assert signed_up.status_code == 200
    signed_up = sign_up_finish(client, "grandma@example.com")

    assert signed_up.status_code == 302 and signed_up["Location"] == f"/care/join/?code={code}"
    opened = client.get(signed_up["Location"])
    assert f'name="code" value="{code}"' in opened.content.decode()
    assert not CareRelation.objects.filter(caregiver__email="grandma@example.com").exists()
    joined = client.post("/care/join/", {"code": code}, follow=True)
    assert joined.redirect_chain[-1][0] == "/"
    assert "Emily" in joined.content.decode()
    assert CareRelation.objects.filter(
        person=child, caregiver__email="grandma@example.com"
    ).exists()


@pytest.mark.django_db
def test_someone_already_in_the_circle_cannot_use_up_a_code(client, person, make_person):
    child = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    client.force_login(person)
    client.post(f"/care/switch/{child.id}/")
    code = code_from(client.post("/care/invite/", {"role": "caregiver"}))

    by_inviter = client.post("/care/join/", {"code": code})
    parent = make_person("parent2@example.com")
    CareRelation.objects.create(caregiver=parent, person=child)
    client.force_login(parent)
    by_member = client.post("/care/join/", {"code": code})

    assert by_inviter.status_code == 400
    assert 'aria-describedby="id_code_error"' in by_inviter.content.decode()
    assert "You made this invitation" in by_inviter.content.decode()
    assert by_member.status_code == 400
    assert "already in Emily&#x27;s care circle" in by_member.content.decode()
    assert Invitation.objects.get().accepted_at is None
    newcomer = make_person("newcomer@example.com")
    client.force_login(newcomer)
    assert client.post("/care/join/", {"code": code}).status_code == 302
    assert CareRelation.objects.filter(caregiver=newcomer, person=child).exists()
