"""A support person: chosen by an adult, they see the person's day and mark a reminder done
together; everything else of the person's is as closed to them as to a stranger."""

import html

import pytest
import time_machine
from django.core import mail

from backend.care.models import Invitation, SupportRelation
from backend.care.selectors import support_people_of
from backend.care.services import invitation_accept, invitation_create
from backend.reminders.models import Occurrence
from backend.reminders.tasks import dispatch_pass
from tests.web.test_home import MORNING, today_rows
from tests.web.test_home import planned as planned  # a fixture: the stretches of a morning


@pytest.fixture
def helper(make_person, person):
    """Ana, whom the person invited as their support person."""
    ana = make_person("ana@example.com", name="Ana")
    _invitation, code = invitation_create(
        person=person, role=Invitation.Role.SUPPORT, created_by=person
    )
    invitation_accept(code=code, user=ana)
    return ana


@pytest.mark.django_db
def test_an_adult_invites_a_support_person_by_code(api_as, person, make_person):
    response = api_as.post("/api/v1/care/invitations/", {"role": "support"}, format="json")
    assert response.status_code == 201
    ana = make_person("ana@example.com", name="Ana")
    api_as.force_login(ana)

    joined = api_as.post(
        "/api/v1/care/invitations/accept/", {"code": response.json()["code"]}, format="json"
    )

    assert joined.status_code == 200 and joined.json()["id"] == person.id
    assert SupportRelation.objects.filter(supporter=ana, person=person).exists()
    people = api_as.get("/api/v1/care/people/").json()
    assert [p["name"] for p in people] == ["Ana", person.display_name]


@pytest.mark.django_db
def test_a_child_has_no_support_person_of_its_own(api_as, child):
    api_as.credentials(HTTP_X_TONUS_PERSON=str(child.id))

    response = api_as.post("/api/v1/care/invitations/", {"role": "support"}, format="json")

    assert response.status_code == 400
    assert "adult" in response.json()["role"][0]
    assert not Invitation.objects.filter(person=child).exists()


@pytest.mark.django_db
def test_support_people_are_the_caregivers_and_the_chosen_support_person(
    person, helper, make_person
):
    from backend.care.models import CareRelation

    caregiver = make_person("caregiver@example.com")
    CareRelation.objects.create(caregiver=caregiver, person=person)

    assert list(support_people_of(person=person)) == [helper, caregiver]


@pytest.mark.django_db
def test_a_support_person_sees_the_day_and_marks_a_reminder_done_together(client, planned, helper):
    dispatch_pass(now=MORNING)  # the 08:00 stretch reminder has gone out
    stretch = Occurrence.objects.get(kind="stretch")
    client.force_login(helper)
    switched = client.post(f"/care/switch/{planned.id}/", follow=True)
    assert "Helping" in html.unescape(switched.content.decode())

    with time_machine.travel(MORNING, tick=False):
        page = client.get("/").content.decode()
        rows = today_rows(page)
        assert "Stretches" in rows[0] and "Done together" in rows[0]
        assert "/checkins/new/" not in rows[0]
        # No tabs into pages a support person cannot open.
        assert 'class="tabs"' not in page
        done = client.post(f"/occurrences/{stretch.id}/", follow=True)
        assert "Marked as done together." in done.content.decode()
        rows = today_rows(client.get("/").content.decode())

    assert "Done by Ana" in rows[0] and "Done together" not in rows[0]
    stretch.refresh_from_db()
    assert stretch.status == Occurrence.Status.DONE and stretch.done_by == helper


@pytest.mark.django_db
def test_a_support_person_finds_nothing_else_of_the_person(api, planned, helper):
    api.force_login(helper)
    api.credentials(HTTP_X_TONUS_PERSON=str(planned.id))

    for path in (
        "/api/v1/checkins/",
        "/api/v1/trends/",
        "/api/v1/plans/stretches/",
        "/api/v1/export/",
        "/api/v1/care/invitations/",
        "/api/v1/care/circle/",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert "Calf stretch" not in response.content.decode()
    assert api.post("/api/v1/care/invitations/", {"role": "caregiver"}).status_code == 404


@pytest.mark.django_db
def test_removing_a_support_person_closes_the_day_at_once_and_tells_them(
    api_as, api, planned, helper, django_capture_on_commit_callbacks
):
    api.force_login(helper)
    api.credentials(HTTP_X_TONUS_PERSON=str(planned.id))
    dispatch_pass(now=MORNING)
    stretch = Occurrence.objects.get(kind="stretch")
    assert api.post(f"/api/v1/occurrences/{stretch.id}/done/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        assert api_as.delete(f"/api/v1/care/support-people/{helper.id}/").status_code == 204

    assert api.post(f"/api/v1/occurrences/{stretch.id}/done/").status_code == 404
    assert support_people_of(person=planned).count() == 0
    [email] = mail.outbox
    assert email.to == ["ana@example.com"]
    assert "You no longer have access to" in email.body
