"""Caregivers come and go; a dependent's details stay in the caregivers' hands."""

import html

import pytest

from backend.accounts.models import User
from backend.care.models import CareRelation
from backend.plans.models import Schedule
from tests.plans.conftest import stretch_routine


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
