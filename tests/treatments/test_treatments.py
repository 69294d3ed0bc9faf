import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from backend.care.models import TherapistAccess
from backend.checkins.services import checkin_create
from backend.goals.services import goal_create, goal_rate
from backend.treatments.models import TreatmentEvent

pytestmark = pytest.mark.django_db

# A Monday, 10:00 in Madrid.
START = datetime(2027, 1, 4, 9, tzinfo=UTC)
TODAY = START + timedelta(days=100)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" :", ":").strip()


def log(person, days: int, tone: int, pain: int, notes: str = ""):
    checkin_create(
        person=person,
        idempotency_key=uuid.uuid4(),
        recorded_at=START + timedelta(days=days),
        tone=tone,
        pain=pain,
        ease=5,
        notes=notes,
    )


def record(api_as, **body):
    return api_as.post("/api/v1/treatments/", body, format="json")


@pytest.fixture
def today(api_as, person):
    with time_machine.travel(TODAY, tick=False):
        api_as.force_login(person)  # a session made on the real date would have expired
        yield


def test_an_injection_and_a_medicine_change_are_recorded_with_no_dose(api_as, person, today):
    injection = record(
        api_as, kind="botulinum_toxin", started_on="2027-01-11", muscles="left calf, hamstrings"
    )
    medicine = record(
        api_as,
        kind="medicine",
        started_on="2027-02-01",
        medicine="baclofen",
        change="changed",
        note="Evening only",
    )
    dose = record(
        api_as, kind="medicine", started_on="2027-02-01", medicine="baclofen", dose="10 mg"
    )

    assert injection.status_code == medicine.status_code == 201
    assert dose.status_code == 400 and "dose" in dose.json()
    listed = api_as.get("/api/v1/treatments/").json()
    assert [(e["kind"], e["muscles"], e["medicine"], e["change"]) for e in listed] == [
        ("botulinum_toxin", "left calf, hamstrings", "", ""),
        ("medicine", "", "baclofen", "changed"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "medicine", "started_on": "2027-02-01", "change": "started"}, "medicine"),
        ({"kind": "medicine", "started_on": "2027-02-01", "medicine": "baclofen"}, "change"),
        ({"kind": "botulinum_toxin", "started_on": "2027-12-01"}, "started_on"),
        ({"kind": "casting", "started_on": "2027-02-01", "ended_on": "2027-01-20"}, "ended_on"),
    ],
    ids=["medicine unnamed", "no change", "in the future", "ends before it starts"],
)
def test_an_incomplete_treatment_is_refused_naming_the_field(api_as, body, field, today):
    response = record(api_as, **body)

    assert response.status_code == 400
    assert field in response.json()
    assert not TreatmentEvent.objects.exists()


def cycle_history(person, api_as):
    for days, tone, pain in [(-3, 4, 8), (2, 4, 7), (9, 3, 6), (20, 2, 4), (30, 2, 3), (60, 3, 5)]:
        log(person, days, tone, pain, notes="Walked to the shop" if days == 30 else "")
    record(api_as, kind="botulinum_toxin", started_on="2027-01-04", muscles="left calf")
    record(api_as, kind="medicine", started_on="2027-01-20", medicine="baclofen", change="started")


def test_treatments_are_marked_on_the_trend_charts_with_a_text_equivalent(
    client, person, api_as, today
):
    cycle_history(person, api_as)
    client.force_login(person)

    response = client.get("/checkins/trend/")

    page = response.content.decode()
    data = json.loads(re.search(r'id="trend-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert [e["kind"] for e in data["treatments"]] == ["botulinum_toxin", "medicine"]
    assert data["treatments"][0]["on"].startswith("2027-01-04T00:00:00+01:00")
    words = text(page)
    # Every chart: pain, tone and ease (no range of motion was recorded).
    assert words.count("Treatment: Botulinum toxin injection (left calf)") == 3
    assert words.count("Treatment: baclofen: started") == 3
    assert "Plan change" in words and "Treatment (injection, medicine" in words


def test_the_trend_compares_the_weeks_after_each_injection(client, person, api_as, today):
    cycle_history(person, api_as)
    client.force_login(person)

    words = text(client.get("/checkins/trend/").content.decode())

    [table] = re.findall(r"Injection cycles .*?Weeks after.*?8–12 \S+ \S+ \d+", words)
    assert "After the injection of 4 Jan 2027: left calf" in table
    assert "0–2 3 6.5 2" in table  # tone 3 and 2 → the higher, 3; pain 7 and 6
    assert "2–8 1+ 3.5 2" in table
    assert "8–12 2 5 1" in table


def test_the_cycle_report_gives_each_cycle_a_page_with_goals_and_notes(
    client, person, api_as, today
):
    cycle_history(person, api_as)
    goal = goal_create(person=person, text="Put on shoes without help")
    with time_machine.travel(START + timedelta(days=31), tick=False):
        goal_rate(goal=goal, score=1, window_start=START.date(), by=person)
    client.force_login(person)

    page = client.get("/checkins/summary/cycles/").content.decode()

    [report] = re.findall(r'<section class="card cycle-page".*?</section>', page, re.S)
    words = text(report)
    assert "Botulinum toxin injection, 4 Jan 2027" in words
    assert "Cycle from 4 Jan 2027 to 28 Mar 2027" in words
    assert "Muscles injected: left calf" in words
    assert "4 Feb: Put on shoes without help: +1 (somewhat more than expected)" in words
    assert "3 Feb: Walked to the shop" in words
    assert "Data only, not dosing advice." in words


def test_a_therapist_reads_the_treatments_but_records_none(
    client, person, api_as, make_person, today
):
    cycle_history(person, api_as)
    therapist = make_person("therapist@example.com")
    TherapistAccess.objects.create(therapist=therapist, person=person)
    client.force_login(therapist)
    client.post(f"/care/switch/{person.id}/")

    page = client.get("/treatments/")
    refused = client.post("/treatments/", {"kind": "casting", "started_on": "2027-02-01"})

    assert "left calf" in page.content.decode()
    assert "Save treatment" not in page.content.decode()
    assert refused.status_code == 403
    assert TreatmentEvent.objects.count() == 2


def test_someone_else_s_treatment_is_not_found(api_as, make_person, today):
    other = make_person("other@example.com")
    theirs = TreatmentEvent.objects.create(person=other, kind="casting", started_on=START.date())

    assert api_as.delete(f"/api/v1/treatments/{theirs.id}/").status_code == 404
    assert TreatmentEvent.objects.filter(id=theirs.id).exists()
