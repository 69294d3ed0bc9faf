"""A person takes all their data with them, or deletes their account and everything in it."""

import json
import uuid

import pytest
from webpush.models import SubscriptionInfo

from backend.accounts.models import User
from backend.care.models import AccessLogEntry, CareRelation, Invitation, TherapistAccess
from backend.care.services import dependent_create, invitation_create
from backend.checkins.models import CheckIn
from backend.checkins.services import checkin_create, note_add
from backend.reminders.calendar import calendar_feed_enable
from backend.reminders.services import device_subscribe
from tests.conftest import PASSWORD
from tests.plans.conftest import stretch_routine

EXPORT = "/api/v1/export/"
DELETE = "/api/v1/accounts/delete/"


@pytest.fixture
def full(person, make_person, receiver, api_as):
    api_as.put("/api/v1/plans/stretches/", stretch_routine(), format="json")
    checkin = checkin_create(
        person=person, idempotency_key=uuid.uuid4(), tone=2, pain=4, ease=6, notes="after the walk"
    ).checkin
    therapist = make_person("therapist@example.com", name="Physio")
    TherapistAccess.objects.create(therapist=therapist, person=person)
    note_add(checkin=checkin, author=therapist, text="Good work")
    AccessLogEntry.objects.create(therapist=therapist, person=person, path="/checkins/trend/")
    invitation_create(person=person, role="caregiver", created_by=person)
    _feed, feed_token = calendar_feed_enable(person=person)
    keys = receiver.new_subscription().as_dict()
    device = device_subscribe(
        user=person, endpoint=keys["endpoint"], p256dh=keys["keys"]["p256dh"],
        auth=keys["keys"]["auth"], browser="chrome", user_agent="",
    )  # fmt: skip
    return {"checkin": checkin, "feed_token": feed_token, "device": device, "therapist": therapist}


@pytest.mark.django_db
def test_the_download_holds_everything_but_no_secrets(api_as, full):
    response = api_as.get(EXPORT)

    assert response["Content-Disposition"] == 'attachment; filename="tonus-data.json"'
    data = json.loads(response.content)
    assert data["person"]["email"] == "owner@example.com"
    assert [c["notes"] for c in data["checkins"]] == ["after the walk"]
    assert [n["text"] for n in data["therapist_notes"]] == ["Good work"]
    assert [s["name"] for s in data["stretches"]] == ["Calf stretch", "Hamstring stretch"]
    assert data["therapists"][0]["therapist__name"] == "Physio"
    assert [e["path"] for e in data["therapist_access_log"]] == ["/checkins/trend/"]
    assert data["invitations"][0]["role"] == "caregiver" and data["calendar_feed_on"] is True
    text = response.content.decode()
    for secret in (
        full["feed_token"],
        full["device"].p256dh,
        full["device"].auth,
        "pbkdf2",
        "md5$",
    ):
        assert secret not in text


@pytest.mark.django_db
def test_a_caregiver_downloads_a_childs_data_and_a_therapist_cannot(api_as, person, full):
    child = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    api_as.credentials(HTTP_X_TONUS_PERSON=str(child.id))
    assert json.loads(api_as.get(EXPORT).content)["person"]["name"] == "Emily"

    api_as.force_login(full["therapist"])
    api_as.credentials(HTTP_X_TONUS_PERSON=str(person.id))
    assert api_as.get(EXPORT).status_code == 404


@pytest.mark.django_db
def test_a_wrong_password_deletes_nothing(api_as, person, full):
    response = api_as.post(DELETE, {"password": "not-it"}, format="json")

    assert response.status_code == 400 and "password" in response.json()
    assert User.objects.filter(id=person.id).exists()


@pytest.mark.django_db
def test_deleting_the_account_takes_everything_with_it(api_as, person, make_person, full):
    alone = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    shared = dependent_create(caregiver=person, name="Leo", time_zone="Europe/London")
    other_parent = make_person("parent2@example.com")
    CareRelation.objects.create(caregiver=other_parent, person=shared)

    response = api_as.post(DELETE, {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    assert not User.objects.filter(id__in=[person.id, alone.id]).exists()
    assert User.objects.filter(id=shared.id).exists()  # the other parent still cares for Leo
    assert not CheckIn.objects.exists()
    assert not SubscriptionInfo.objects.filter(id=full["device"].id).exists()
    assert not Invitation.objects.exists() and not AccessLogEntry.objects.exists()
    assert not TherapistAccess.objects.exists()
    assert api_as.get("/api/v1/accounts/me/").status_code == 403  # signed out


@pytest.mark.django_db
def test_the_settings_page_deletes_the_account_after_the_password(client, person):
    client.force_login(person)

    wrong = client.post("/accounts/delete/", {"delete-password": "nope"})
    assert wrong.status_code == 400 and "That is not your password." in wrong.content.decode()
    done = client.post("/accounts/delete/", {"delete-password": PASSWORD}, follow=True)

    assert "Your account and everything in it are deleted." in done.content.decode()
    assert not User.objects.filter(id=person.id).exists()
