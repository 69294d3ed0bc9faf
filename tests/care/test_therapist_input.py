"""A therapist's notes on check-ins and suggested plan changes: they write, the family decides."""

import uuid

import pytest

from backend.checkins.services import checkin_create
from backend.plans.models import MassagePlan, PlanChange, Proposal, Schedule
from tests.support.plans import NO, massage_plan

PROPOSALS = "/api/v1/plans/proposals/"


def acting_for(client, person):
    client.credentials(HTTP_X_TONUS_PERSON=str(person.id))
    return client


@pytest.fixture
def planned(api_as, person):
    api_as.post("/api/v1/safety-screen/", NO, format="json")
    assert api_as.put("/api/v1/plans/massage/", massage_plan(), format="json").status_code == 200
    return person


@pytest.mark.django_db
def test_a_therapist_notes_a_check_in_and_the_person_reads_it(api, api_as, person, with_therapist):
    checkin = checkin_create(
        person=person, idempotency_key=uuid.uuid4(), tone=3, pain=6, ease=4
    ).checkin
    api.force_login(with_therapist)

    created = acting_for(api, person).post(
        f"/api/v1/checkins/{checkin.id}/notes/", {"text": "Try lighter pressure."}, format="json"
    )

    assert created.status_code == 201
    listed = api_as.get("/api/v1/checkins/").json()["results"][0]
    assert [n["text"] for n in listed["therapist_notes"]] == ["Try lighter pressure."]
    assert listed["therapist_notes"][0]["author"] == "therapist"


@pytest.mark.django_db
def test_notes_come_only_from_a_therapist_and_name_the_field_when_empty(
    api, api_as, person, with_therapist
):
    checkin = checkin_create(
        person=person, idempotency_key=uuid.uuid4(), tone=3, pain=6, ease=4
    ).checkin
    url = f"/api/v1/checkins/{checkin.id}/notes/"

    assert api_as.post(url, {"text": "A note to myself"}, format="json").status_code == 403
    api.force_login(with_therapist)
    empty = acting_for(api, person).post(url, {"text": ""}, format="json")
    assert empty.status_code == 400 and "text" in empty.json()
    assert not checkin.therapist_notes.exists()


@pytest.mark.django_db
def test_an_accepted_suggestion_changes_the_plan_and_its_reminders(
    api, api_as, planned, with_therapist
):
    api.force_login(with_therapist)
    suggestion = {"message": "Shorter sessions for now.", "duration_minutes": 10}
    created = acting_for(api, planned).post(PROPOSALS, suggestion, format="json")
    assert created.status_code == 201
    assert MassagePlan.objects.get(person=planned).duration_minutes == 15  # nothing yet
    schedules_before = set(Schedule.objects.filter(person=planned).values_list("id", "local_time"))

    listed = api_as.get(PROPOSALS).json()
    assert [(p["message"], p["status"]) for p in listed] == [
        ("Shorter sessions for now.", "pending")
    ]
    decided = api_as.post(
        f"{PROPOSALS}{created.json()['id']}/decision/", {"decision": "accept"}, format="json"
    )

    assert decided.json()["status"] == "accepted"
    assert MassagePlan.objects.get(person=planned).duration_minutes == 10
    assert set(Schedule.objects.filter(person=planned).values_list("id", "local_time")) == (
        schedules_before
    )
    assert PlanChange.objects.filter(person=planned, summary__contains="10 min").exists()


@pytest.mark.django_db
def test_a_declined_suggestion_leaves_the_plan_and_cannot_be_answered_twice(
    api, api_as, planned, with_therapist
):
    api.force_login(with_therapist)
    created = acting_for(api, planned).post(
        PROPOSALS, {"message": "Try Swedish massage.", "technique": "swedish"}, format="json"
    )
    decision = f"{PROPOSALS}{created.json()['id']}/decision/"

    assert api_as.post(decision, {"decision": "decline"}, format="json").status_code == 200
    again = api_as.post(decision, {"decision": "accept"}, format="json")

    assert again.status_code == 400 and "decision" in again.json()
    assert MassagePlan.objects.get(person=planned).technique == "myofascial_release"


@pytest.mark.django_db
def test_a_therapist_suggests_but_never_decides_or_edits(api, planned, with_therapist):
    api.force_login(with_therapist)
    acting_for(api, planned)
    proposal = api.post(PROPOSALS, {"message": "Add a hamstring stretch."}, format="json").json()

    assert (
        api.post(f"{PROPOSALS}{proposal['id']}/decision/", {"decision": "accept"}).status_code
        == 403
    )
    assert api.put("/api/v1/plans/massage/", massage_plan(), format="json").status_code == 403
    assert Proposal.objects.get(id=proposal["id"]).status == "pending"


@pytest.mark.django_db
def test_a_change_to_a_plan_that_does_not_exist_is_refused_by_field(api, person, with_therapist):
    api.force_login(with_therapist)

    response = acting_for(api, person).post(
        PROPOSALS, {"message": "Shorter.", "duration_minutes": 10}, format="json"
    )

    assert response.status_code == 400 and "duration_minutes" in response.json()
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_the_therapist_pages_show_notes_and_suggestions_and_no_edit_buttons(
    client, person, planned, with_therapist
):
    checkin = checkin_create(
        person=person, idempotency_key=uuid.uuid4(), tone=3, pain=6, ease=4
    ).checkin
    client.force_login(with_therapist)
    client.post(f"/care/switch/{person.id}/")

    client.post(f"/checkins/{checkin.id}/notes/", {"text": "Good progress on the calf."})
    client.post("/plans/proposals/", {"message": "Shorter sessions.", "duration_minutes": "10"})
    plan_page = client.get("/plans/").content.decode()
    trend_page = client.get("/checkins/trend/").content.decode()

    assert "Viewing" in plan_page and "read-only" in plan_page
    assert "Change massage sessions" not in plan_page and "Shorter sessions." in plan_page
    assert "Good progress on the calf." in trend_page
    client.force_login(person)
    client.post(f"/care/switch/{person.id}/")
    own_plan = client.get("/plans/").content.decode()
    assert "Accept" in own_plan and "Decline" in own_plan
    proposal = Proposal.objects.get()
    client.post(f"/plans/proposals/{proposal.id}/decision/", {"decision": "accept"})
    assert MassagePlan.objects.get(person=person).duration_minutes == 10
