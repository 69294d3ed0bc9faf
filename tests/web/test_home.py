"""The home screen: today's sessions and stretches, what is done, one tap to check in."""

import uuid
from datetime import UTC, datetime, time

import pytest
import time_machine

from backend.care.models import TherapistAccess
from backend.care.services import dependent_create
from backend.checkins.services import checkin_create
from backend.plans.services import (
    SessionTime,
    StretchInput,
    massage_plan_save,
    safety_screen_record,
    stretch_routine_save,
)
from backend.reminders.models import Occurrence
from backend.reminders.tasks import dispatch_pass
from tests.support.plans import NO

# Tuesday 3 March 2026 in Madrid (UTC+1)
MORNING = datetime(2026, 3, 3, 7, 30, tzinfo=UTC)  # 08:30 local
PLANNED_AT = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)  # 06:00 local, before the stretches


@pytest.fixture
def planned(person):
    safety_screen_record(person=person, **NO)
    massage_plan_save(
        person=person,
        sessions=[SessionTime(weekday=1, at=time(18, 30))],
        duration_minutes=15,
        technique="swedish",
        target_muscles=[],
        given_by="self",
        now=PLANNED_AT,
    )
    stretch_routine_save(
        person=person,
        times=[time(8, 0)],
        stretches=[
            StretchInput(
                name="Calf stretch",
                target_muscle="gastrocnemius",
                side="both",
                hold_seconds=30,
                repetitions=3,
            )
        ],
        now=PLANNED_AT,
    )
    return person


def today_rows(page: str) -> list[str]:
    section = page[page.index('id="today"') : page.index("</section>", page.index('id="today"'))]
    return [" ".join(row.split()) for row in section.split('<li class="today-item')[1:]]


@pytest.mark.django_db
def test_today_lists_the_stretches_due_with_a_check_in_and_the_session_to_come(client, planned):
    dispatch_pass(now=MORNING)  # the 08:00 stretch reminder has gone out
    stretch = Occurrence.objects.get(kind="stretch")
    client.force_login(planned)

    with time_machine.travel(MORNING, tick=False):
        rows = today_rows(client.get("/").content.decode())

    assert len(rows) == 2
    assert "08:00" in rows[0] and "Stretches" in rows[0]
    assert f"/checkins/new/?occurrence={stretch.id}" in rows[0]
    assert "18:30" in rows[1] and "Massage" in rows[1] and "Later today" in rows[1]


@pytest.mark.django_db
def test_a_check_in_marks_the_stretches_done_for_today(client, planned):
    dispatch_pass(now=MORNING)
    stretch = Occurrence.objects.get(kind="stretch")
    checkin_create(
        person=planned, idempotency_key=uuid.uuid4(), occurrence=stretch, tone=1, pain=2, ease=7
    )
    client.force_login(planned)

    with time_machine.travel(MORNING, tick=False):
        rows = today_rows(client.get("/").content.decode())

    assert "Done" in rows[0] and "/checkins/new/?occurrence" not in rows[0]


@pytest.mark.django_db
def test_stretches_that_passed_unlogged_say_so_without_blame(client, planned):
    client.force_login(planned)
    wednesday_night = datetime(2026, 3, 4, 22, 30, tzinfo=UTC)  # 23:30 local, stretches passed

    with time_machine.travel(wednesday_night, tick=False):
        rows = today_rows(client.get("/").content.decode())

    assert len(rows) == 1 and "Stretches" in rows[0] and "Not logged" in rows[0]


def zone_card(page: str) -> str:
    start = page.index('aria-labelledby="tz-title"')
    return " ".join(page[start : page.index("</section>", start)].split())


@pytest.mark.django_db
def test_a_caregiver_managing_a_child_sees_the_childs_time_zone_not_their_own(client, person):
    child = dependent_create(caregiver=person, name="Emily", time_zone="America/Bogota")
    client.force_login(person)
    client.post(f"/care/switch/{child.id}/")

    card = zone_card(client.get("/").content.decode())

    assert "Emily's time zone" in card and "America/Bogota" in card
    assert "Europe/Madrid" not in card
    # Changed with Emily's details; this phone's zone is not offered, as it would change the
    # caregiver's own.
    assert 'href="/care/#profile-title"' in card and "use-device-zone" not in card

    client.post(f"/care/switch/{person.id}/")
    own = zone_card(client.get("/").content.decode())
    assert "Your time zone" in own and "Europe/Madrid" in own and "use-device-zone" in own


@pytest.mark.django_db
def test_a_therapist_sees_the_patients_time_zone_and_no_way_to_change_it(
    client, person, make_person
):
    therapist = make_person("therapist@example.com", time_zone="America/Bogota")
    TherapistAccess.objects.create(therapist=therapist, person=person)
    client.force_login(therapist)
    client.post(f"/care/switch/{person.id}/")

    card = zone_card(client.get("/").content.decode())

    assert "Europe/Madrid" in card and "America/Bogota" not in card
    assert "href=" not in card and "use-device-zone" not in card
