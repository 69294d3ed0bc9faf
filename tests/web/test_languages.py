"""Tonus in English and Spanish: the person's own choice when signed in, else the browser's."""

import json
import re
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from backend.checkins.services import checkin_create
from backend.plans.models import Schedule
from backend.plans.services import stretch_routine_save
from backend.reminders.messages import reminder_payload
from backend.reminders.models import Delivery, Occurrence
from tests.reminders.test_dispatch import CALF
from tests.support.sign_up import sign_up_finish

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page as a person reads it: tags dropped, spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def spanish(make_person):
    return make_person("lucia@example.com", name="Lucía", language="es")


@pytest.fixture
def as_spanish(client, spanish):
    client.force_login(spanish)
    return client


def test_a_spanish_speaker_sees_home_in_spanish(as_spanish):
    response = as_spanish.get("/")

    page = text_of(response)
    assert '<html lang="es">' in response.content.decode()
    assert "Hola, Lucía" in page
    assert "Registrar: ¿cómo fue?" in page
    assert "Recordatorios en este teléfono" in page
    assert "Haz tu plan" in page
    assert "Información general, no es un consejo médico." in page
    assert "Next reminders" not in page
    assert response["Content-Language"] == "es"


def test_a_spanish_speaker_checks_in_in_spanish(as_spanish):
    page = text_of(as_spanish.get("/checkins/new/"))

    assert "Tono muscular (MAS)" in page
    assert "Dolor" in page
    assert "Facilidad en las tareas diarias" in page
    # The six grades of the Modified Ashworth Scale keep their meaning.
    assert "Sin aumento del tono" in page
    assert "Aumento leve: un enganche y una liberación al final del movimiento" in page
    assert "Aumento considerable: cuesta mucho moverlo" in page
    assert "Rígido" in page
    assert "Guardar registro" in page
    assert "Ahora no hay conexión. Puedes registrar igual" in page


def test_a_spanish_speaker_sees_the_trend_and_the_reassessment_card_in_spanish(as_spanish, spanish):
    start = timezone.now() - timedelta(days=40)
    for days, tone, pain in ((0, 3, 8), (1, 3, 8), (2, 3, 8), (37, 2, 4), (38, 2, 4), (39, 2, 4)):
        checkin_create(
            person=spanish,
            idempotency_key=uuid.uuid4(),
            recorded_at=start + timedelta(days=days),
            tone=tone,
            pain=pain,
            ease=5,
        )

    page = text_of(as_spanish.get("/checkins/trend/"))

    assert "Tu evolución" in page
    assert "¿Funciona el plan?" in page
    assert "Tono muscular ahora: 1+ (objetivo: menos de 2)" in page
    assert (
        "Dolor: 8 al principio, 4 ahora, un 50 % menos (objetivo: al menos un 30 % menos)" in page
    )
    assert "Tono muscular (escala de Ashworth modificada)" in page
    assert "Semana a semana" in page
    assert "Is the plan working?" not in page


def test_a_visitor_whose_browser_asks_for_spanish_gets_the_log_in_page_in_spanish(client):
    page = text_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5"))

    assert "Entrar" in page
    assert "¿Olvidaste tu contraseña?" in page
    assert "Correo electrónico" in page
    assert "Contraseña" in page
    assert "Información general, no es un consejo médico." in page


def test_a_visitor_whose_browser_asks_for_another_language_gets_english(client):
    page = text_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ja"))

    assert "Forgot your password?" in page


def test_a_signed_in_persons_choice_wins_over_their_browser(client, person):
    client.force_login(person)

    page = text_of(client.get("/", HTTP_ACCEPT_LANGUAGE="es"))

    assert "Next reminders" in page
    assert "Próximos recordatorios" not in page


def test_a_person_chooses_spanish_on_the_settings_page(client, person):
    client.force_login(person)
    form = text_of(client.get("/accounts/settings/"))
    assert "Language" in form and "Español" in form

    response = client.post(
        "/accounts/settings/",
        {"name": "Alex", "language": "es", "time_zone": "Europe/Madrid"},
        follow=True,
    )

    assert "Ajustes guardados." in text_of(response)
    person.refresh_from_db()
    assert person.language == "es"
    assert "Próximos recordatorios" in text_of(client.get("/"))


def test_signing_up_from_a_spanish_browser_keeps_spanish(client):
    client.post(
        "/accounts/signup/",
        {
            "email": "nuevo@example.com",
            "password": "estiramientos-cada-dia",
            "time_zone": "UTC",
            "roles": ["practise"],
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert "Abre el enlace" in mail.outbox[-1].body  # the email, in Spanish too
    finished = sign_up_finish(client, "nuevo@example.com")
    response = client.get(finished["Location"])

    assert "Tu primer plan" in text_of(response)  # onboarding, in Spanish
    assert response.context["user"].language == "es"


def test_the_api_speaks_the_persons_language(client, spanish):
    client.force_login(spanish)

    response = client.post("/api/v1/reminders/test/", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Primero activa los recordatorios en este dispositivo."}


def _checkin_at(when: str) -> dict:
    return {"idempotency_key": str(uuid.uuid4()), "tone": "1", "pain": 3, "ease": 6} | {
        "recorded_at": when
    }


@pytest.mark.parametrize(
    ("path", "body", "field", "message"),
    [
        (
            "/api/v1/checkins/",
            _checkin_at("2999-01-01T00:00:00Z"),
            "recorded_at",
            "Un registro no puede tener una fecha futura.",
        ),
        (
            "/api/v1/checkins/",
            _checkin_at("1999-12-31T00:00:00Z"),
            "recorded_at",
            "Un registro no puede ser anterior al año 2000.",
        ),
        (
            "/api/v1/devices/",
            "http://push.example.com/push/abc",
            "endpoint",
            "La dirección de notificaciones debe usar https.",
        ),
        (
            "/api/v1/devices/",
            "https://10.0.0.7/push/abc",
            "endpoint",
            "La dirección de notificaciones debe estar en internet, no en una red privada.",
        ),
        (
            "/api/v1/devices/",
            "https://push.example.invalid/push/abc",  # never resolves (RFC 2606)
            "endpoint",
            "No se encuentra el servidor de la dirección de notificaciones.",
        ),
    ],
)
def test_refused_input_is_explained_in_the_persons_language(
    as_spanish, settings, receiver, path, body, field, message
):
    settings.PUSH_ENDPOINT_REQUIRE_HTTPS, settings.PUSH_ENDPOINT_ALLOW_PRIVATE = True, False
    if isinstance(body, str):  # a device: a real subscription at this endpoint
        body = receiver.new_subscription().as_dict() | {"endpoint": body}

    response = as_spanish.post(path, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_each_page_loads_the_javascript_texts_of_its_language(as_spanish, client):
    page = as_spanish.get("/checkins/new/").content.decode()

    [catalog] = re.findall(r'<script src="(/static/jsi18n/[^"]+)"', page)
    assert catalog.startswith("/static/jsi18n/es/djangojs.")
    body = b"".join(client.get(catalog).streaming_content).decode()
    assert "Ning\\u00fan registro esperando para enviarse" in body

    # The service worker keeps every language's catalog for the check-in page offline.
    worker = client.get("/sw.js").content.decode()
    precache = json.loads(worker.split("const PRECACHE = ")[1].split(";\n")[0])
    assert catalog in precache
    assert any(url.startswith("/static/jsi18n/en/djangojs.") for url in precache)


def occurrence_for(person) -> Occurrence:
    stretch_routine_save(person=person, times=[time(8, 0)], stretches=[CALF], now=timezone.now())
    schedule = Schedule.objects.get(person=person)
    return Occurrence.objects.create(
        person=person,
        schedule=schedule,
        kind=Schedule.Kind.STRETCH,
        local_date=schedule.next_due_at.date(),
        due_at=schedule.next_due_at,
        status=Occurrence.Status.ISSUED,
    )


def test_a_reminder_is_written_in_the_persons_language(spanish):
    occurrence = occurrence_for(spanish)

    payload = reminder_payload(occurrence, Delivery.Kind.REMINDER)

    assert payload["title"] == "Estiramientos"
    assert payload["body"] == "Calf stretch, 3 × 30 s"
    assert [action["title"] for action in payload["actions"]] == [
        "Hecho",
        "Posponer 15 min",
        "Registrar",
    ]
    nudge = reminder_payload(occurrence, Delivery.Kind.NUDGE)
    assert nudge["title"] == "La sesión de ayer"
    assert nudge["body"] == "¿Cómo fue? Un registro rápido te ayuda a ver qué funciona."


def test_a_reminder_built_while_a_page_is_in_another_language_keeps_the_persons(spanish, person):
    from django.utils import translation

    with translation.override("en"):
        assert reminder_payload(occurrence_for(spanish), "reminder")["title"] == "Estiramientos"
    with translation.override("es"):
        assert reminder_payload(occurrence_for(person), "reminder")["title"] == "Stretches"


def test_discreet_reminders_stay_discreet_in_spanish(spanish):
    spanish.discreet_notifications = True
    spanish.save()

    payload = reminder_payload(occurrence_for(spanish), Delivery.Kind.REMINDER)

    assert payload["title"] == "Tonus"
    assert payload["body"] == "Es hora de tu rutina."


def test_the_calendar_feed_is_in_the_persons_language(client, spanish):
    from backend.reminders.calendar import calendar_feed_enable

    occurrence_for(spanish)
    _feed, token = calendar_feed_enable(person=spanish)

    body = client.get(f"/calendar/{token}.ics").content.decode()

    assert "SUMMARY:Estiramientos" in body


def test_an_old_check_in_date_shows_spanish_month_names(as_spanish, spanish):
    checkin_create(
        person=spanish,
        idempotency_key=uuid.uuid4(),
        recorded_at=datetime(2026, 1, 15, 12, tzinfo=UTC),
        tone=1,
        pain=2,
        ease=8,
    )

    page = text_of(as_spanish.get("/checkins/summary/", {"month": "2026-01"}))

    assert "Resumen de enero de 2026" in page
    assert "1 registro" in page


@pytest.mark.django_db(transaction=True)
def test_a_childs_reminder_reaches_each_caregiver_in_their_own_language(
    make_person, receiver, celery_worker
):
    from django.core.management import call_command

    from backend.care.models import CareRelation
    from backend.care.services import dependent_create
    from backend.reminders.services import device_subscribe

    mother = make_person("madre@example.com", language="es")
    father = make_person("father@example.com", language="en")
    child = dependent_create(caregiver=mother, name="Emily", time_zone="Europe/Madrid")
    CareRelation.objects.create(caregiver=father, person=child)
    phones = {}
    for parent in (mother, father):
        phone = receiver.new_subscription()
        device_subscribe(user=parent, endpoint=phone.endpoint, p256dh=phone.p256dh, auth=phone.auth)
        phones[parent.language] = phone
    stretch_routine_save(person=child, times=[time(8, 0)], stretches=[CALF], now=timezone.now())

    due = Schedule.objects.get(person=child).next_due_at
    call_command("dispatch_reminders", "--at", due.isoformat())

    receiver.wait_for(2, timeout=30)
    [spanish] = receiver.messages_for(phones["es"])
    [english] = receiver.messages_for(phones["en"])
    assert spanish.json()["title"] == "Estiramientos de Emily"
    assert spanish.json()["actions"][0]["title"] == "Hecho"
    assert english.json()["title"] == "Emily's stretches"
    assert english.json()["actions"][0]["title"] == "Done"
