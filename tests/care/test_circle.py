"""Caregivers come and go; a dependent's details stay in the caregivers' hands."""

import html
import uuid
from datetime import UTC, date, datetime, time

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.care.models import AccessLogEntry, CareRelation, Invitation, TherapistAccess
from backend.care.services import dependent_create, invitation_create
from backend.checkins.models import Baseline, CheckIn, Flag, Note
from backend.checkins.services import checkin_create, note_add
from backend.plans.models import (
    MassagePlan,
    PlanChange,
    Proposal,
    SafetyScreen,
    Schedule,
    StretchRoutine,
)
from backend.plans.services import (
    SessionTime,
    StretchInput,
    massage_plan_save,
    proposal_create,
    safety_screen_record,
    stretch_routine_save,
)
from backend.reminders.calendar import calendar_feed_enable
from backend.reminders.models import CalendarFeed, Delivery, Occurrence
from backend.reminders.services import device_subscribe
from tests.support.plans import NO, stretch_routine


def leave(client, person):
    return client.post(f"/api/v1/care/people/{person.id}/leave/")


@pytest.mark.django_db
def test_the_last_caregiver_cannot_leave_a_child_with_no_one(api_as, child):
    response = leave(api_as, child)

    assert response.status_code == 400
    assert "only caregiver" in response.json()["person"][0]
    assert CareRelation.objects.filter(person=child).count() == 1


@pytest.mark.django_db
def test_one_of_two_caregivers_leaves_and_loses_access_at_once(api_as, child, second_parent):
    api_as.force_login(second_parent)

    assert leave(api_as, child).status_code == 204
    api_as.credentials(HTTP_X_TONUS_PERSON=str(child.id))
    assert api_as.get("/api/v1/plans/stretches/").status_code == 404
    assert list(
        CareRelation.objects.filter(person=child).values_list("caregiver__email", flat=True)
    ) == ["owner@example.com"]


@pytest.mark.django_db
def test_no_one_leaves_a_circle_they_are_not_in(api_as, child, outsider):
    api_as.force_login(outsider)

    assert leave(api_as, child).status_code == 404


@pytest.mark.django_db
def test_a_caregiver_moves_a_child_to_another_time_zone_and_reminders_follow(api_as, child):
    api_as.credentials(HTTP_X_TONUS_PERSON=str(child.id))
    api_as.put("/api/v1/plans/stretches/", stretch_routine(times=["08:00"]), format="json")

    response = api_as.patch(
        f"/api/v1/care/dependents/{child.id}/",
        {"name": "Emily R", "time_zone": "America/New_York"},
        format="json",
    )

    assert response.status_code == 200 and response.json()["name"] == "Emily R"
    schedule = Schedule.objects.get(person=child)
    local = schedule.next_due_at.astimezone(schedule.time_zone)
    assert (str(schedule.time_zone), local.hour, local.minute) == ("America/New_York", 8, 0)


@pytest.mark.django_db
def test_a_bad_time_zone_names_the_field_and_changes_nothing(api_as, child):
    response = api_as.patch(
        f"/api/v1/care/dependents/{child.id}/",
        {"name": "Changed", "time_zone": "Mars/Olympus"},
        format="json",
    )

    assert response.status_code == 400 and "time_zone" in response.json()
    assert User.objects.get(id=child.id).name == "Emily"


@pytest.mark.django_db
def test_only_a_caregiver_edits_or_deletes_a_child_and_never_a_login(
    api_as, person, child, outsider
):
    assert api_as.delete(f"/api/v1/care/dependents/{person.id}/").status_code == 404
    api_as.force_login(outsider)
    assert api_as.patch(f"/api/v1/care/dependents/{child.id}/", {"name": "X"}).status_code == 404
    assert api_as.delete(f"/api/v1/care/dependents/{child.id}/").status_code == 404
    api_as.force_login(person)

    assert api_as.delete(f"/api/v1/care/dependents/{child.id}/").status_code == 204
    assert not User.objects.filter(id=child.id).exists()


@pytest.mark.django_db
def test_the_care_page_lists_the_circle_and_lets_a_second_parent_leave(
    client, child, second_parent
):
    client.force_login(second_parent)
    client.post(f"/care/switch/{child.id}/")
    page = client.get("/care/").content.decode()
    assert "Emily's care circle" in page and "Leave Emily's care circle" in page
    assert "Invite a therapist" in page and "Emily's details" in page

    response = client.post("/care/leave/", follow=True)

    assert "You left Emily's care circle." in html.unescape(response.content.decode())
    assert not CareRelation.objects.filter(caregiver=second_parent).exists()
    assert response.context["request"].person == second_parent


@pytest.mark.django_db
def test_deleting_a_profile_from_the_page_needs_the_box_ticked(client, person, child):
    client.force_login(person)
    client.post(f"/care/switch/{child.id}/")

    client.post("/care/profile/delete/")
    assert User.objects.filter(id=child.id).exists()
    client.post("/care/profile/delete/", {"confirm": "yes"})
    assert not User.objects.filter(id=child.id).exists()


# Every table that holds people's data: Tonus's own apps and django-webpush's devices.
DATA_APPS = ("accounts", "plans", "reminders", "checkins", "care", "webpush")


ABOUT_A_PERSON = (
    MassagePlan, StretchRoutine, Schedule, SafetyScreen, PlanChange, Proposal, Occurrence,
    CheckIn, Baseline, Flag, Invitation, TherapistAccess, AccessLogEntry, CareRelation,
    CalendarFeed,
)  # fmt: skip


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in DATA_APPS
        for model in apps.get_app_config(app).get_models()
    }


def subscribe(user, receiver):
    keys = receiver.new_subscription().as_dict()
    return device_subscribe(
        user=user, endpoint=keys["endpoint"], p256dh=keys["keys"]["p256dh"],
        auth=keys["keys"]["auth"],
    )  # fmt: skip


def fill_child(child, *, caregiver, therapist, device) -> str:
    """One of everything a child's circle records about them; returns their calendar token."""
    safety_screen_record(person=child, **NO)
    massage_plan_save(
        person=child, sessions=[SessionTime(weekday=1, at=time(18, 30))], duration_minutes=15,
        technique="swedish", target_muscles=["calf"], given_by="caregiver",
    )  # fmt: skip
    stretch_routine_save(
        person=child,
        times=[time(8, 0)],
        stretches=[StretchInput("Calf stretch", "gastrocnemius", "both", 30, 3)],
    )
    schedule = Schedule.objects.filter(person=child).first()
    occurrence = Occurrence.objects.create(
        schedule=schedule, kind=schedule.kind, person=child, local_date=date(2026, 11, 2),
        due_at=datetime(2026, 11, 2, 8, tzinfo=UTC), status=Occurrence.Status.ISSUED,
    )  # fmt: skip
    # The child has no phone: their reminder went to the caregiver's.
    Delivery.objects.create(occurrence=occurrence, subscription=device)
    checkin = checkin_create(
        person=child, idempotency_key=uuid.uuid4(), occurrence=occurrence, tone=2, pain=3,
        ease=6, notes="Emily's first check-in",
    ).checkin  # fmt: skip
    checkin_create(
        person=child, idempotency_key=uuid.uuid4(), tone=3, pain=5, ease=4, worse_after=True
    )  # a flag for the therapist
    TherapistAccess.objects.create(therapist=therapist, person=child)
    note_add(checkin=checkin, author=therapist, text="Lovely work, Emily")
    proposal_create(person=child, therapist=therapist, message="Try ten minutes")
    invitation_create(person=child, role="caregiver", created_by=caregiver)
    invitation_create(person=child, role="therapist", created_by=caregiver)
    _feed, token = calendar_feed_enable(person=child)
    return token


@pytest.mark.django_db
def test_deleting_a_child_removes_everything_about_them_and_nothing_else(
    api_as, client, person, make_person, therapist, receiver
):
    other_parent = make_person("parent2@example.com")
    checkin_create(person=person, idempotency_key=uuid.uuid4(), tone=1, pain=2, ease=8)
    device = subscribe(person, receiver)
    before = row_counts()
    child = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    CareRelation.objects.create(caregiver=other_parent, person=child)
    token = fill_child(child, caregiver=person, therapist=therapist, device=device)
    client.force_login(therapist)
    assert "Emily" in client.get("/care/patients/").content.decode()  # the look is logged
    child_id = child.id
    for model in ABOUT_A_PERSON:  # so that each check below means something
        assert model.objects.filter(person_id=child_id).exists(), model.__name__

    assert api_as.delete(f"/api/v1/care/dependents/{child_id}/").status_code == 204

    for model in ABOUT_A_PERSON:
        assert not model.objects.filter(person_id=child_id).exists(), model.__name__
    assert not Note.objects.exists() and not Delivery.objects.exists()
    # Every row the child brought is gone, and the caregiver's own check-in and phone stay.
    assert row_counts() == before
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert "Emily" not in client.get("/care/patients/").content.decode()
    # Gone for every caregiver, not only the one who deleted the profile.
    parent = APIClient()
    parent.force_login(other_parent)
    assert [p["name"] for p in parent.get("/api/v1/care/people/").json()] == ["parent2"]
