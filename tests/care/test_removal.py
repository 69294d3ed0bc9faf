"""An adult decides who has access to their plan; a removal counts from the next request and
the next reminder, and the one removed is told in neutral words."""

import html
import time

import pytest
from django.core import mail
from django.core.management import call_command

from backend.care.models import CareRelation, TherapistAccess
from backend.plans.models import Schedule
from backend.reminders.services import device_subscribe
from tests.support.plans import stretch_routine


@pytest.fixture
def caregiver(make_person, person):
    """Leo, whom the adult invited as their caregiver."""
    leo = make_person("leo@example.com", name="Leo")
    CareRelation.objects.create(caregiver=leo, person=person)
    return leo


def page_of(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


@pytest.mark.django_db
def test_an_adult_sees_everyone_with_access_and_what_each_may_do(
    client, person, caregiver, with_therapist
):
    client.force_login(person)

    page = page_of(client.get("/care/"))

    assert "<h1>Who can see your plan</h1>" in page
    assert "People you look after</h1>" not in page
    assert "Leo</strong>, caregiver" in page
    assert "Sees and changes the plan, reminders and check-ins" in page
    assert "therapist</strong>, therapist" in page
    assert "never changes them" in page
    assert "Remove Leo's access" in page and "Remove therapist's access" in page


@pytest.mark.django_db
def test_the_circle_through_the_api(api_as, caregiver, with_therapist):
    circle = api_as.get("/api/v1/care/circle/").json()

    assert [(m["kind"], m["name"]) for m in circle] == [
        ("caregiver", "Leo"),
        ("therapist", "therapist"),
    ]
    assert all(m["may_do"] for m in circle)


@pytest.mark.django_db
def test_an_adult_removes_a_caregiver_whose_next_request_finds_nothing(
    client, api, person, caregiver, django_capture_on_commit_callbacks
):
    api.force_login(caregiver)
    api.credentials(HTTP_X_TONUS_PERSON=str(person.id))
    assert api.get("/api/v1/plans/stretches/").status_code in (200, 404)
    assert api.get("/api/v1/care/invitations/").status_code == 200
    client.force_login(person)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/care/caregivers/{caregiver.id}/remove/", follow=True)

    assert "They no longer have access" in page_of(response)
    assert api.get("/api/v1/care/invitations/").status_code == 404
    assert not CareRelation.objects.filter(caregiver=caregiver).exists()
    [email] = mail.outbox
    assert email.to == ["leo@example.com"]
    assert email.body.startswith(f"You no longer have access to {person.display_name}'s plan")
    # Neutral: no reason, nothing about health or the plan's content.
    for word in ("removed because", "stretch", "massage", "pain", "spastic", "dystonia"):
        assert word not in email.body.lower()


@pytest.mark.django_db
def test_the_removed_caregiver_is_told_in_their_own_language(
    api_as, person, make_person, django_capture_on_commit_callbacks
):
    lucia = make_person("lucia@example.com", name="Lucía", language="es")
    CareRelation.objects.create(caregiver=lucia, person=person)

    with django_capture_on_commit_callbacks(execute=True):
        assert api_as.delete(f"/api/v1/care/caregivers/{lucia.id}/").status_code == 204

    [email] = mail.outbox
    assert "Ya no tienes acceso" in email.body


@pytest.mark.django_db
def test_a_caregiver_of_an_adult_removes_no_one_else(api, person, caregiver, with_therapist):
    api.force_login(caregiver)
    api.credentials(HTTP_X_TONUS_PERSON=str(person.id))

    refused = api.delete(f"/api/v1/care/therapists/{with_therapist.id}/")

    assert refused.status_code == 403
    assert person.display_name in refused.json()["detail"]
    assert TherapistAccess.objects.filter(revoked_at__isnull=True).count() == 1
    # They can still step back themself.
    assert api.delete(f"/api/v1/care/caregivers/{caregiver.id}/").status_code == 204
    assert not CareRelation.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_a_childs_caregivers_manage_its_circle_but_never_leave_it_with_no_one(
    api_as, person, child, second_parent
):
    api_as.credentials(HTTP_X_TONUS_PERSON=str(child.id))

    assert api_as.delete(f"/api/v1/care/caregivers/{second_parent.id}/").status_code == 204
    last = api_as.delete(f"/api/v1/care/caregivers/{person.id}/")

    assert last.status_code == 400
    assert "only caregiver" in last.json()["person"][0]
    assert list(CareRelation.objects.filter(person=child).values_list("caregiver", flat=True)) == [
        person.id
    ]


@pytest.mark.django_db
def test_removing_someone_not_in_the_circle_finds_nothing(api_as, outsider):
    assert api_as.delete(f"/api/v1/care/caregivers/{outsider.id}/").status_code == 404
    assert api_as.delete(f"/api/v1/care/support-people/{outsider.id}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_next_reminder_no_longer_reaches_a_removed_caregivers_phone(
    api_as, person, caregiver, receiver, celery_worker
):
    own_phone, leos_phone = receiver.new_subscription(), receiver.new_subscription()
    for user, phone in ((person, own_phone), (caregiver, leos_phone)):
        device_subscribe(user=user, endpoint=phone.endpoint, p256dh=phone.p256dh, auth=phone.auth)
    api_as.put("/api/v1/plans/stretches/", stretch_routine(times=["08:00"]), format="json")
    schedule = Schedule.objects.get(person=person)

    call_command("dispatch_reminders", "--at", schedule.next_due_at.isoformat())
    receiver.wait_for(2, timeout=30)
    assert len(receiver.messages_for(leos_phone)) == 1
    receiver.clear()

    assert api_as.delete(f"/api/v1/care/caregivers/{caregiver.id}/").status_code == 204
    schedule.refresh_from_db()
    call_command("dispatch_reminders", "--at", schedule.next_due_at.isoformat())

    receiver.wait_for(1, timeout=30)
    time.sleep(1)  # sent in the same batch: Leo's would have come by now
    assert len(receiver.messages_for(own_phone)) == 1
    assert receiver.messages_for(leos_phone) == []
