"""Dates read one way per language on every main page: "27 Dec 2026" / "27 Dec" in English,
"27 de diciembre de 2026" / "27 de diciembre" in Spanish (backend/config/formats)."""

import importlib
import re
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings

from backend.care.models import TherapistAccess
from backend.checkins.services import checkin_create
from backend.plans.models import Schedule
from backend.plans.services import (
    SessionTime,
    StretchInput,
    massage_plan_save,
    proposal_create,
    safety_screen_record,
    stretch_routine_save,
)
from backend.reminders.models import Occurrence
from tests.support.plans import NO

NOW = datetime(2026, 12, 28, 10, 0, tzinfo=UTC)  # a Monday

EN_MONTHS = "January February March April June July August September October November December"
EN_SHORT = "Jan Feb Mar Apr Jun Jul Aug Sep Oct Nov Dec"  # May is also a word
ES_MONTHS = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
)
ES_SHORT = "ene feb mar abr may jun jul ago sep sept oct nov dic"

ONE_WAY = {
    # What a date may look like, and every month word anywhere else on the page is a date
    # written another way.
    "en": (
        rf"\b\d{{1,2}} (?:{'|'.join(EN_SHORT.split())})\b(?: \d{{4}})?"
        rf"|\b(?:{'|'.join(EN_MONTHS.split())}) \d{{4}}\b",
        rf"\b(?:{'|'.join(EN_MONTHS.split() + EN_SHORT.split())})\b",
    ),
    "es": (
        rf"\b\d{{1,2}} de (?:{'|'.join(ES_MONTHS.split())})\b(?: de \d{{4}})?"
        rf"|\b(?:{'|'.join(ES_MONTHS.split())}) de \d{{4}}\b",
        rf"(?i)\b(?:{'|'.join(ES_MONTHS.split())})\b|\b\d{{1,2}}\.? (?:{'|'.join(ES_SHORT.split())})\b",
    ),
}


def text_of(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def dates_on(page: str, language: str) -> list[str]:
    """The dates on a page; fails on any date written another way."""
    allowed, month_word = ONE_WAY[language]
    dates = re.findall(allowed, page)
    rest = re.sub(allowed, " ", page)
    assert not re.findall(month_word, rest), f"a date written another way: {rest}"
    return dates


@pytest.fixture
def household(make_person):
    with time_machine.travel(NOW - timedelta(days=60), tick=False):
        patient = make_person("ana@example.com", name="Ana")
        therapist = make_person(
            "therapist@example.com", name="Leo", is_therapist=True, practises=False
        )
        TherapistAccess.objects.create(therapist=therapist, person=patient)
        safety_screen_record(person=patient, **NO)
        massage_plan_save(
            person=patient,
            sessions=[SessionTime(weekday=1, at=time(18, 30))],
            duration_minutes=15,
            technique="swedish",
            target_muscles=["gastrocnemius"],
            given_by="self",
        )
        stretch_routine_save(
            person=patient,
            times=[time(8)],
            stretches=[StretchInput("", "", "both", 30, 3, catalog_key="calf")],
        )
    for days in range(0, 56, 4):
        when = NOW - timedelta(days=56 - days)
        with time_machine.travel(when, tick=False):
            checkin_create(
                person=patient,
                idempotency_key=uuid.uuid4(),
                recorded_at=when,
                baseline=days == 0,
                tone=3,
                pain=8 - days // 8,
                ease=5,
            )
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        proposal_create(person=patient, therapist=therapist, message="Shorter sessions")
    occurrence = Occurrence.objects.create(
        schedule=Schedule.objects.get(person=patient, kind="stretch"),
        kind="stretch",
        person=patient,
        local_date=NOW.date(),
        due_at=NOW - timedelta(hours=2),
        status=Occurrence.Status.ISSUED,
    )
    return patient, therapist, occurrence


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_date_on_the_main_pages_reads_one_way_per_language(client, household, language):
    patient, therapist, occurrence = household
    for user in (patient, therapist):
        user.language = language
        user.save(update_fields=["language"])
    pages = {
        "home": ("/", patient),
        "trend": ("/checkins/trend/", patient),
        "summary": ("/checkins/summary/?month=2026-12", patient),
        "plan": ("/plans/", patient),
        "reminder": (f"/occurrences/{occurrence.id}/", patient),
        "dashboard": ("/care/patients/", therapist),
    }
    found = {}
    with time_machine.travel(NOW, tick=False):
        for name, (path, user) in pages.items():
            client.force_login(user)
            response = client.get(path)
            assert response.status_code == 200, name
            found[name] = dates_on(text_of(response), language)

    # Each page shows dates, so the check above had something to check.
    assert all(found.values()), found
    december = {"en": "Dec", "es": "diciembre"}[language]
    assert any(december in date for dates in found.values() for date in dates)


def test_both_languages_name_the_same_formats():
    names = {}
    for language in ("en", "es"):
        module = importlib.import_module(f"{settings.FORMAT_MODULE_PATH[0]}.{language}.formats")
        names[language] = {name for name in vars(module) if name.endswith("_FORMAT")}
    assert names["en"] == names["es"]
    assert {"DATE_FORMAT", "MONTH_DAY_FORMAT", "TIME_FORMAT", "SHORT_DATETIME_FORMAT"} <= names[
        "en"
    ]


def test_no_template_writes_a_date_pattern_of_its_own():
    # Y-m is no date shown: it is the month in a link's query.
    literal = re.compile(r"""(?:\|(?:date|time):|\{% now )["'](?![A-Z_]+["'])(?!Y-m["'])""")
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (settings.BASE_DIR / "backend").rglob("*.html")
        if literal.search(path.read_text())
    ]
    assert offenders == []
