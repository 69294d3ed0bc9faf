from datetime import UTC, datetime, time

import pytest
import time_machine

from backend.plans.services import safety_screen_record
from tests.reminders.test_dispatch import massage, stretches
from tests.support.plans import NO


@pytest.mark.django_db
def test_the_next_reminders_are_listed_with_local_times(api_as, person):
    safety_screen_record(person=person, **NO)
    with time_machine.travel(datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False):  # Monday
        api_as.force_login(person)
        massage(person, (1, time(18, 30)))
        stretches(person, time(8, 0), time(20, 0))
        upcoming = api_as.get("/api/v1/reminders/upcoming/").json()

    assert [(u["kind"], u["local_date"], u["local_time"]) for u in upcoming[:4]] == [
        ("stretch", "2027-03-01", "20:00"),
        ("stretch", "2027-03-02", "08:00"),
        ("massage", "2027-03-02", "18:30"),
        ("stretch", "2027-03-02", "20:00"),
    ]
    assert len(upcoming) == 1 + 7 * 2
    assert upcoming[0]["due_at"] == "2027-03-01T19:00:00Z"


@pytest.mark.django_db
def test_held_and_paused_reminders_say_why(api_as, person):
    safety_screen_record(person=person, **NO)
    massage(person, (2, time(9, 0)))
    safety_screen_record(person=person, **(NO | {"open_wounds": True}))

    upcoming = api_as.get("/api/v1/reminders/upcoming/").json()

    assert {u["on_hold"] for u in upcoming} == {"safety_hold"}
