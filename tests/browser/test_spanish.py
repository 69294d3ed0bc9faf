"""Tonus in Spanish on a phone: the texts the JavaScript modules write come from the Spanish
catalog, online and offline."""

import pytest
from playwright.sync_api import expect

from backend.checkins.models import CheckIn
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, group: str, value: str) -> None:
    page.get_by_role("group", name=group).get_by_role("button", name=value, exact=True).tap()


def test_a_spanish_speaker_sees_the_scripts_texts_in_spanish_even_offline(
    live_server, phone, make_person
):
    page = phone.page
    person = make_person("lucia@example.com", name="Lucía", language="es")

    # The phone's browser is in English; once signed in, her own choice counts.
    phone.open("/accounts/login/")
    page.get_by_label("Email address", exact=True).fill(person.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hola, Lucía")
    expect(page.locator("#push-status")).to_have_text(
        "Los recordatorios están desactivados en este teléfono."
    )
    expect(page.get_by_role("button", name="Activar recordatorios")).to_be_visible()
    phone.screenshot("home")

    phone.open("/checkins/new/")
    expect(page.locator("#outbox-status")).to_have_text("Ningún registro esperando para enviarse")
    phone.wait_for_service_worker_control()

    # With no signal the page and its Spanish texts come from the phone's cache.
    phone.context.set_offline(True)
    phone.open("/checkins/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrar")
    expect(page.locator("#offline-note")).to_be_visible()
    choose(page, "Tono muscular (MAS)", "1+")
    choose(page, "Dolor", "3")
    choose(page, "Facilidad en las tareas diarias", "7")
    expect(page.get_by_role("heading", name="Guardado en este teléfono")).to_be_visible()
    expect(page.locator("#outbox-status")).to_have_text("1 registro esperando para enviarse")
    phone.screenshot("offline-waiting")

    # Logging out now would lose it: the question comes in Spanish, and "no" keeps it.
    with page.expect_event("dialog") as asked:
        page.get_by_role("button", name="Salir", exact=True).tap()
    assert asked.value.message == (
        "1 registro todavía no se ha enviado. ¿Salir de todos modos? Se borrará de este teléfono."
    )
    asked.value.dismiss()
    expect(page.locator("#outbox-status")).to_have_text("1 registro esperando para enviarse")

    phone.context.set_offline(False)
    expect(page.locator("#outbox-status")).to_have_text("Ningún registro esperando para enviarse")
    expect(page.get_by_role("heading", name="Registro guardado")).to_be_visible()
    phone.screenshot("synced")
    checkin = CheckIn.objects.get(person=person)
    assert (checkin.tone_label, checkin.pain, checkin.ease) == ("1+", 3, 7)
    assert not phone.page_errors
