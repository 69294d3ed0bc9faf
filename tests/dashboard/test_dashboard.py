"""The therapist dashboard: who needs attention and why, and each look written to the log."""

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.care.models import AccessLogEntry, TherapistAccess
from backend.checkins.services import checkin_create
from backend.plans.services import safety_screen_record
from backend.reminders.models import Occurrence
from tests.support.plans import NO

# Thursday 12 March 2026, 13:00 in Madrid.
NOW = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 12)
ISSUED, MISSED, DONE, SKIPPED = "issued", "missed", "done", "skipped"
YES = NO | {"open_wounds": True}


def session(person, day: date, status: str) -> Occurrence:
    """A massage reminder of that day with its outcome so far."""
    return Occurrence.objects.create(
        kind="massage",
        person=person,
        local_date=day,
        due_at=datetime.combine(day, time(9), tzinfo=UTC),
        status=status,
    )


def dashboard(client) -> dict[str, list[str]]:
    """Each person on the dashboard, in the order shown, with the flags shown for them."""
    with time_machine.travel(NOW, tick=False):
        page = client.get("/care/patients/").content.decode()
    cards = re.findall(r'<section class="card patient".*?</section>', page, re.S)
    return {
        re.search(r"<h2[^>]*>(.*?)</h2>", card)[1]: re.findall(
            r'<li class="notice">(.*?)</li>', card
        )
        for card in cards
    }


@pytest.fixture
def patient(make_person, therapist):
    def make(name: str, **fields):
        person = make_person(f"{name.lower()}@example.com", name=name, **fields)
        TherapistAccess.objects.create(therapist=therapist, person=person)
        return person

    return make


@pytest.fixture
def seen_by(client, therapist):
    client.force_login(therapist)
    return client


@pytest.mark.django_db
def test_two_sessions_missed_in_a_row_are_flagged_and_one_done_since_clears_it(patient, seen_by):
    ana, ben = patient("Ana"), patient("Ben")
    for person in (ana, ben):
        session(person, date(2026, 3, 3), ISSUED)  # reminded, never done
        session(person, date(2026, 3, 5), SKIPPED)  # a paused week neither breaks nor counts
        session(person, date(2026, 3, 7), MISSED)  # too late to remind
    session(ben, date(2026, 3, 10), DONE)

    shown = dashboard(seen_by)

    assert shown["Ana"] == ["Two or more sessions missed in a row"]
    assert shown["Ben"] == []


@pytest.mark.django_db
def test_a_session_reminded_today_is_not_missed_until_its_day_has_passed(patient, seen_by):
    ana = patient("Ana")
    session(ana, date(2026, 3, 7), ISSUED)
    session(ana, TODAY, ISSUED)  # reminded at 10:00; the evening is still ahead

    assert dashboard(seen_by)["Ana"] == []

    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        page = seen_by.get("/care/patients/").content.decode()
    assert "Two or more sessions missed in a row" in page


@pytest.mark.django_db
def test_whether_a_day_has_passed_is_judged_in_the_persons_own_time_zone(patient, seen_by):
    # 12:00 UTC on Thursday is already 01:00 on Friday in Auckland: Thursday is over there.
    kiri = patient("Kiri", time_zone="Pacific/Auckland")
    session(kiri, date(2026, 3, 7), ISSUED)
    session(kiri, TODAY, ISSUED)

    assert dashboard(seen_by)["Kiri"] == ["Two or more sessions missed in a row"]


@pytest.mark.django_db
def test_reassessment_is_flagged_from_week_four_of_the_plan(patient, seen_by):
    early, due = patient("Early"), patient("Due")
    for person, days in ((early, 20), (due, 30)):
        checkin_create(
            person=person,
            idempotency_key=uuid.uuid4(),
            recorded_at=NOW - timedelta(days=days),
            tone=2,
            pain=5,
            ease=5,
        )

    shown = dashboard(seen_by)

    assert shown["Due"] == ["Reassessment due"]
    assert shown["Early"] == []


@pytest.mark.django_db
def test_a_yes_on_the_latest_safety_screen_is_flagged(patient, seen_by):
    wound, healed = patient("Wound"), patient("Healed")
    safety_screen_record(person=wound, **YES)
    with time_machine.travel(NOW - timedelta(days=10)):
        safety_screen_record(person=healed, **YES)
    with time_machine.travel(NOW - timedelta(days=1)):
        safety_screen_record(person=healed, **NO)  # cleared by the clinician since

    shown = dashboard(seen_by)

    assert shown["Wound"] == ["Safety screen: talk before massage"]
    assert shown["Healed"] == []


@pytest.mark.django_db
def test_those_with_most_flags_come_first_then_the_least_adherent(patient, seen_by):
    # Named so that alphabetical order is not the order of need.
    patient("Ana")  # no plan, nothing to say
    bea = patient("Bea")  # one flag, every session done
    cai = patient("Cai")  # no flag, a session not done
    dan = patient("Dan")  # one flag, a session not done
    eva = patient("Eva")  # two flags
    for person in (bea, dan, eva):
        safety_screen_record(person=person, **YES)
    with time_machine.travel(NOW - timedelta(days=1)):
        checkin_create(
            person=eva, idempotency_key=uuid.uuid4(), tone=2, pain=4, ease=5, worse_after=True
        )
    session(bea, date(2026, 3, 10), DONE)
    session(cai, date(2026, 3, 10), ISSUED)
    session(dan, date(2026, 3, 10), ISSUED)

    shown = dashboard(seen_by)

    assert list(shown) == ["Eva", "Dan", "Bea", "Cai", "Ana"]
    assert shown["Eva"] == ["Possible overstimulation", "Safety screen: talk before massage"]


@pytest.mark.django_db
def test_each_person_on_the_dashboard_has_the_look_in_their_log_written_at_once(
    patient, seen_by, therapist, make_person
):
    ana, ben = patient("Ana"), patient("Ben")
    revoked = patient("Revoked")
    TherapistAccess.objects.filter(person=revoked).update(revoked_at=NOW - timedelta(days=1))
    someone_else = make_person("else@example.com")
    TherapistAccess.objects.create(therapist=make_person("other@example.com"), person=someone_else)

    with CaptureQueriesContext(connection) as queries:
        dashboard(seen_by)

    logged = AccessLogEntry.objects.values_list("person", "therapist", "path", "at")
    assert sorted(logged) == [
        (ana.id, therapist.id, "/care/patients/", NOW),
        (ben.id, therapist.id, "/care/patients/", NOW),
    ]
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "care_accesslogentry"')]
    assert len(inserts) == 1


@pytest.mark.django_db
def test_the_people_page_says_who_looked_at_what_and_when(client, person, with_therapist):
    client.force_login(with_therapist)
    dashboard(client)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        client.post(f"/care/switch/{person.id}/")
        client.get("/checkins/trend/")

    client.force_login(person)
    log = client.get("/care/").content.decode()
    log = " ".join(log[log.index('id="access-log"') :].split("</ul>")[0].split())

    assert "12 Mar, 13:05: therapist looked at the trend" in log
    assert (
        "12 Mar, 13:00: therapist looked at their patients overview: sessions done, "
        "last check-in and flags"
    ) in log
    assert "/checkins/trend/" not in log

    person.language = "es"
    person.save(update_fields=["language"])
    spoken = client.get("/api/v1/care/access-log/").json()["results"]
    assert [(e["therapist"], e["what"], e["path"]) for e in spoken] == [
        ("therapist", "la evolución", "/checkins/trend/"),
        (
            "therapist",
            "el resumen de sus pacientes: sesiones hechas, último registro y avisos",
            "/care/patients/",
        ),
    ]
