"""The built-in stretches: steps, the safe end-range cue and a picture for each, in English and
Spanish, and every place that shows a stretch or a muscle showing them in the reader's language."""

import importlib
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from backend.plans.models import Stretch
from backend.plans.onboarding import starter_plan_create
from backend.plans.services import SessionTime, StretchInput, stretch_routine_save
from backend.plans.stretches import CATALOG, MUSCLES, muscle_display
from backend.reminders.messages import reminder_payload
from backend.reminders.models import Occurrence
from tests.support.plans import NO, STRETCH_FORM

STATIC = settings.BASE_DIR / "frontend" / "static"
SVG = "{http://www.w3.org/2000/svg}"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def words(stretch, language: str) -> dict[str, object]:
    with translation.override(language):
        return {
            "name": str(stretch.name),
            "muscle": stretch.muscle_label,
            "steps": [str(step) for step in stretch.steps],
            "cue": str(stretch.cue),
            "alt": stretch.alt,
        }


@pytest.mark.parametrize("key", list(CATALOG))
def test_every_built_in_stretch_has_steps_a_cue_and_a_picture_in_both_languages(key):
    stretch = CATALOG[key]
    english, spanish = words(stretch, "en"), words(stretch, "es")

    for told in (english, spanish):
        assert 3 <= len(told["steps"]) <= 6
        assert all(step.strip() for step in told["steps"])
        assert "never pain" in english["cue"] and "nunca dolor" in spanish["cue"]
    assert spanish["name"] != english["name"]
    assert spanish["muscle"] != english["muscle"]
    assert spanish["cue"] != english["cue"]
    assert spanish["alt"] != english["alt"]
    for step_en, step_es in zip(english["steps"], spanish["steps"], strict=True):
        assert step_es != step_en
    # The drawing: a file of our own that parses as SVG and names itself.
    drawing = ET.parse(STATIC / stretch.picture).getroot()  # noqa: S314 (our own file)
    assert drawing.tag == f"{SVG}svg"
    assert drawing.find(f"{SVG}title").text.strip()
    assert drawing.get("viewBox")


def test_a_muscle_is_named_in_plain_words_first_then_its_anatomical_name():
    with translation.override("en"):
        assert muscle_display("gastrocnemius") == "Calf (gastrocnemius)"
        assert muscle_display("biceps brachii") == "Front of the upper arm (biceps brachii)"
        assert muscle_display("tibialis anterior") == "tibialis anterior"  # typed in: as typed
    with translation.override("es"):
        assert muscle_display("gastrocnemius") == "Pantorrilla (gastrocnemio)"
        assert muscle_display("cervical muscles") == "Cuello (músculos cervicales)"
        for key in MUSCLES:
            with translation.override("en"):
                english = muscle_display(key)
            assert muscle_display(key) != english


def test_each_common_target_muscle_of_the_clinical_notes_has_a_built_in_stretch():
    covered = {stretch.muscle for stretch in CATALOG.values()}
    assert {
        "gastrocnemius", "hamstrings", "hip flexors", "biceps brachii", "wrist flexors",
        "cervical muscles",
    } <= covered  # fmt: skip


@pytest.fixture
def english_plan(person):
    """Made in English, through onboarding: the starter stretches are built-in ones."""
    with translation.override("en"):
        starter_plan_create(
            person=person,
            time_zone=person.time_zone,
            sessions=[SessionTime(weekday=1, at=time(18)), SessionTime(weekday=4, at=time(18))],
            duration_minutes=15,
            given_by="self",
            stretch_at=time(8),
            answers=NO,
        )
    return person


@pytest.mark.django_db
def test_the_starter_stretches_are_built_in_and_read_in_spanish_after_a_change_of_language(
    client, english_plan
):
    assert list(Stretch.objects.values_list("catalog_key", "name")) == [
        ("calf", "Calf stretch"),
        ("hamstrings", "Hamstring stretch"),
    ]
    english_plan.language = "es"
    english_plan.save(update_fields=["language"])
    client.force_login(english_plan)

    response = client.get("/plans/")
    page = text_of(response)

    assert "Estiramiento de gemelos" in page and "Estiramiento de isquiotibiales" in page
    assert "Calf stretch" not in page
    assert "Pantorrilla (gastrocnemio)" in page  # the stretch's muscle and the massage's
    assert "Cómo hacerlo" in page
    assert "Mantén recta la rodilla de atrás y dobla despacio la de delante." in page
    assert "nunca dolor" in page
    html = response.content.decode()
    assert re.search(r'<img class="stretch-picture" src="/static/stretches/calf[.\w]*\.svg"', html)
    assert 'alt="Dibujo del estiramiento: Estiramiento de gemelos"' in html


@pytest.mark.django_db
def test_the_stretch_page_shows_its_steps_and_picture_in_spanish(client, make_person):
    client.force_login(make_person("lucia@example.com", language="es"))

    response = client.get("/plans/stretches/how/neck/")
    page = text_of(response)

    assert response.status_code == 200
    assert "Estiramiento lateral del cuello" in page
    assert "Cuello (músculos cervicales)" in page
    assert "Inclina despacio la oreja hacia el otro hombro." in page
    assert "Forzar más puede aumentar el tono." in page
    assert "/static/stretches/neck" in response.content.decode()
    assert client.get("/plans/stretches/how/ankle-circles/").status_code == 404


@pytest.mark.django_db
def test_the_stretch_form_offers_the_catalog_or_a_stretch_of_ones_own(client, person):
    client.force_login(person)
    form = STRETCH_FORM | {
        "stretch-TOTAL_FORMS": "2",
        "stretch-0-catalog_key": "wrist-flexors",
        "stretch-0-name": "",
        "stretch-0-target_muscle": "",
        "stretch-1-name": "Towel calf stretch",
        "stretch-1-target_muscle": "gastrocnemius",
        "stretch-1-side": "left",
        "stretch-1-hold_seconds": "20",
        "stretch-1-repetitions": "2",
    }

    response = client.post("/plans/stretches/", form)

    assert response.status_code == 302
    assert list(Stretch.objects.values_list("catalog_key", "name", "target_muscle")) == [
        ("wrist-flexors", "Wrist flexor stretch", "wrist flexors"),
        (None, "Towel calf stretch", "gastrocnemius"),
    ]
    page = client.get("/plans/stretches/").content.decode()
    assert '<option value="wrist-flexors" selected>' in page


@pytest.mark.django_db
def test_a_stretch_of_ones_own_still_needs_a_name_and_a_muscle(client, person):
    client.force_login(person)

    response = client.post("/plans/stretches/", STRETCH_FORM | {"stretch-0-name": ""})

    assert response.status_code == 400
    assert "Name the stretch, or choose a built-in one." in response.content.decode()
    assert not Stretch.objects.exists()


@pytest.mark.django_db
def test_the_api_takes_a_catalog_key_and_gives_steps_cue_and_picture(api, person):
    api.force_login(person)
    routine = {
        "times": ["08:00"],
        "stretches": [
            {"catalog_key": "elbow-flexors", "side": "right", "hold_seconds": 30, "repetitions": 3}
        ],
    }

    response = api.put("/api/v1/plans/stretches/", routine, format="json")

    assert response.status_code == 200, response.content
    [stretch] = response.json()["stretches"]
    assert stretch["catalog_key"] == "elbow-flexors"
    assert stretch["display_name"] == "Elbow flexor stretch"
    assert stretch["muscle_display"] == "Front of the upper arm (biceps brachii)"
    assert stretch["steps"][0] == "Sit or stand tall with your arm by your side."
    assert "never pain" in stretch["cue"]
    assert re.fullmatch(r"/static/stretches/elbow-flexors[.\w]*\.svg", stretch["picture"])

    person.language = "es"
    person.save(update_fields=["language"])
    spanish = api.get("/api/v1/plans/stretches/").json()
    [stretch] = spanish["stretches"]
    assert stretch["display_name"] == "Estiramiento de flexores del codo"
    assert stretch["muscle_display"] == "Parte delantera del brazo (bíceps braquial)"
    assert stretch["name"] == "Elbow flexor stretch"


@pytest.mark.django_db
def test_a_custom_stretch_in_the_api_needs_a_name(api, person):
    api.force_login(person)
    routine = {
        "times": ["08:00"],
        "stretches": [
            {"target_muscle": "soleus", "side": "right", "hold_seconds": 30, "repetitions": 3}
        ],
    }

    response = api.put("/api/v1/plans/stretches/", routine, format="json")

    assert response.status_code == 400, response.content
    assert "name" in response.json()["stretches"]["0"], response.content
    assert not Stretch.objects.exists()


@pytest.mark.django_db
def test_the_reminder_and_its_page_name_the_stretches_in_the_readers_language(client, person):
    stretch_routine_save(
        person=person,
        times=[time(8)],
        stretches=[StretchInput("", "", "both", 30, 3, catalog_key="hip-flexors")],
    )
    routine = person.stretch_routine
    occurrence = Occurrence.objects.create(
        schedule=routine.schedules.get(),
        kind="stretch",
        person=person,
        local_date=date(2026, 12, 1),
        due_at=datetime(2026, 12, 1, 7, tzinfo=UTC),
        status=Occurrence.Status.DUE,
    )

    payload = reminder_payload(occurrence, "reminder", language="es")
    assert payload["body"] == "Estiramiento de flexores de la cadera, 3 × 30 s"

    client.force_login(person)
    page = client.get(f"/occurrences/{occurrence.id}/").content.decode()
    assert 'href="/plans/stretches/how/hip-flexors/"' in page
    assert "Front of the hip (hip flexors)" in page


@pytest.mark.django_db
def test_existing_stretches_named_like_a_built_in_one_get_its_key(person):
    stretch_routine_save(
        person=person,
        times=[time(8)],
        stretches=[
            StretchInput("Estiramiento de gemelos", "gastrocnemius", "both", 30, 3),
            StretchInput("Calf Stretch", "Gastrocnemius", "left", 30, 3),
            StretchInput("Calf stretch", "soleus", "both", 30, 3),  # another muscle
            StretchInput("My calf stretch", "gastrocnemius", "both", 30, 3),
        ],
    )
    migration = importlib.import_module("backend.plans.migrations.0005_stretch_catalog_key")

    migration.link_built_in(apps, None)

    assert list(Stretch.objects.values_list("catalog_key", flat=True)) == [
        "calf",
        "calf",
        None,
        None,
    ]
