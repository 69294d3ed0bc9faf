"""A caregiver manages a child's plan; no one else can reach it."""

import uuid

import pytest
from webpush.models import SubscriptionInfo

from backend.accounts.models import ESCALATE_SUGGESTED, User
from backend.care.services import dependent_create
from backend.checkins.models import CheckIn
from backend.plans.models import Schedule, StretchRoutine
from backend.reminders.services import device_subscribe
from tests.support.plans import stretch_routine

PLAN = "/api/v1/plans/stretches/"


@pytest.fixture
def child(person):
    return dependent_create(
        caregiver=person, name="Emily", time_zone="Europe/London", birth_year=2018
    )


def as_person(client, person_id):
    client.credentials(HTTP_X_TONUS_PERSON=str(person_id))
    return client


@pytest.mark.django_db
def test_a_caregiver_adds_a_child_who_has_no_login(api_as, person):
    response = api_as.post(
        "/api/v1/care/dependents/",
        {"name": "Emily", "birth_year": 2018, "time_zone": "Europe/London"},
        format="json",
    )

    assert response.status_code == 201
    child = User.objects.get(id=response.json()["id"])
    assert (child.email, child.has_usable_password(), child.is_dependent) == (None, False, True)
    people = api_as.get("/api/v1/care/people/").json()
    assert [(p["name"], p["is_dependent"]) for p in people] == [("owner", False), ("Emily", True)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"time_zone": "Narnia/Cair"}, "time_zone"),
        ({"birth_year": 1066}, "birth_year"),
    ],
)
def test_a_bad_child_is_refused_naming_the_field(api_as, change, field):
    body = {"name": "Emily", "birth_year": 2018, "time_zone": "Europe/London"} | change

    response = api_as.post("/api/v1/care/dependents/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not User.objects.filter(email=None).exists()


@pytest.mark.django_db
def test_the_caregiver_plans_and_checks_in_for_the_child(api_as, person, child):
    as_person(api_as, child.id)

    assert api_as.put(PLAN, stretch_routine(), format="json").status_code == 200
    api_as.post(
        "/api/v1/checkins/",
        {"idempotency_key": str(uuid.uuid4()), "tone": "1+", "pain": 2, "ease": 7},
        format="json",
    )

    assert StretchRoutine.objects.get().person == child
    assert {str(s.time_zone) for s in Schedule.objects.all()} == {"Europe/London"}
    assert CheckIn.objects.get().person == child
    as_person(api_as, person.id)
    assert api_as.get(PLAN).status_code == 404  # the caregiver's own plan is separate


@pytest.mark.django_db
def test_no_one_else_can_act_for_the_child(api_as, child, outsider):
    as_person(api_as, child.id)
    api_as.put(PLAN, stretch_routine(), format="json")
    api_as.force_login(outsider)

    assert api_as.get(PLAN).status_code == 404
    assert api_as.put(PLAN, stretch_routine(), format="json").status_code == 404
    assert api_as.get("/api/v1/trends/").status_code == 404
    assert (
        api_as.post(
            "/api/v1/checkins/",
            {"idempotency_key": str(uuid.uuid4()), "tone": "1", "pain": 2, "ease": 7},
            format="json",
        ).status_code
        == 404
    )
    assert not CheckIn.objects.exists()
    assert StretchRoutine.objects.count() == 1


@pytest.mark.django_db
def test_the_switcher_makes_every_page_about_the_child(client, person, child, outsider):
    client.force_login(person)

    client.post(f"/care/switch/{child.id}/")
    home = client.get("/").content.decode()

    assert "Managing <strong>Emily</strong>" in home
    assert "<h1>Emily's day</h1>" in home
    client.force_login(outsider)
    assert client.post(f"/care/switch/{child.id}/").status_code == 404


@pytest.mark.django_db
def test_a_dependent_added_on_the_page_becomes_the_one_managed(client, person):
    client.force_login(person)

    response = client.post(
        "/care/", {"name": "Leo", "birth_year": "2019", "time_zone": "Europe/Madrid"}, follow=True
    )

    assert "Leo added" in response.content.decode()
    assert response.wsgi_request.person.name == "Leo"


@pytest.mark.django_db
def test_a_childs_reminders_go_to_the_caregivers_devices(person, child, outsider, receiver):
    from backend.reminders.selectors import reminder_devices

    mine, theirs = receiver.new_subscription(), receiver.new_subscription()
    for user, device in ((person, mine), (outsider, theirs)):
        device_subscribe(
            user=user, endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth
        )

    [device_id] = reminder_devices(person_ids=[child.id])[child.id]
    assert SubscriptionInfo.objects.get(id=device_id).endpoint == mine.endpoint


@pytest.mark.django_db
def test_telling_the_caregivers_is_suggested_when_a_child_is_added(api_as, person, client):
    child = api_as.post(
        "/api/v1/care/dependents/", {"name": "Leo", "time_zone": "UTC"}, format="json"
    ).json()
    assert child["escalate_after"] == ESCALATE_SUGGESTED

    client.force_login(person)
    form = client.get("/care/").context["form"]
    assert form["escalate_after"].value() == ESCALATE_SUGGESTED


@pytest.mark.django_db
def test_a_caregiver_changes_the_childs_window_on_the_profile(client, person, child):
    client.force_login(person)
    client.post(f"/care/switch/{child.id}/")

    bad = client.post(
        "/care/profile/",
        {
            "profile-name": "Emily",
            "profile-time_zone": "Europe/London",
            "profile-escalate_after": 300,
        },
    )
    assert bad.status_code == 400
    assert list(bad.context["profile_form"].errors) == ["escalate_after"]
    client.post(
        "/care/profile/",
        {
            "profile-name": "Emily",
            "profile-time_zone": "Europe/London",
            "profile-escalate_after": 120,
        },
    )

    child.refresh_from_db()
    assert child.escalate_after == 120
