"""Telling support people of a reminder still undone, and what they can do from there."""

from datetime import UTC, date, datetime

import pytest

from backend.plans.models import Schedule
from backend.reminders.models import Occurrence
from tests.support.plans import stretch_routine


def issued_occurrence(person, api_as) -> Occurrence:
    api_as.put("/api/v1/plans/stretches/", stretch_routine(times=["08:00"]), format="json")
    schedule = Schedule.objects.get(person=person)
    return Occurrence.objects.create(
        schedule=schedule,
        kind=schedule.kind,
        person=person,
        local_date=date(2026, 11, 2),
        due_at=datetime(2026, 11, 2, 8, tzinfo=UTC),
        status=Occurrence.Status.ISSUED,
    )


@pytest.mark.django_db
def test_a_caregiver_marking_a_childs_reminder_done_is_noted_as_who_did_it(api_as, person, child):
    api_as.credentials(HTTP_X_TONUS_PERSON=str(child.id))
    occurrence = issued_occurrence(child, api_as)

    response = api_as.post(f"/api/v1/occurrences/{occurrence.id}/done/")

    assert response.status_code == 200
    occurrence.refresh_from_db()
    assert (occurrence.status, occurrence.done_by) == ("done", person)


@pytest.mark.django_db
def test_a_person_marking_their_own_reminder_done_needs_no_who(api_as, person):
    occurrence = issued_occurrence(person, api_as)

    api_as.post(f"/api/v1/occurrences/{occurrence.id}/done/")

    occurrence.refresh_from_db()
    assert (occurrence.status, occurrence.done_by) == ("done", None)
