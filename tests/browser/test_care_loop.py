"""The loop on a phone: a patient's pain reaches the therapist, who resolves it and leaves a
note; the patient reads the note on Home, and the therapist sees it read."""

import uuid

import pytest
from playwright.sync_api import expect

from backend.care.models import TherapistAccess
from backend.checkins.models import Flag, Note
from backend.checkins.services import checkin_create
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_therapist_resolves_a_pain_alert_and_the_patient_reads_the_note(
    live_server, new_phone, make_person
):
    patient = make_person("ana@example.com", name="Ana", time_zone="Europe/Madrid")
    therapist = make_person(
        "lee@example.com", name="Lee", is_therapist=True, time_zone="Europe/Madrid"
    )
    TherapistAccess.objects.create(therapist=therapist, person=patient)
    checkin_create(
        person=patient, idempotency_key=uuid.uuid4(), tone=3, pain=8, ease=3, recorded_by=patient
    )

    # The therapist finds the alert on top of the dashboard and resolves it with a reason.
    lee = new_phone()
    lee.log_in(therapist.email, PASSWORD)
    lee.open("/care/patients/")
    page = lee.page
    expect(page.locator("#alerts")).to_contain_text("Ana: Pain 7 or more (pain 8)")
    page.locator("#alerts").get_by_role("button", name="Open and resolve").tap()
    page.get_by_role("button", name="Resolve").tap()
    expect(page.locator(".error")).to_be_visible()
    page.get_by_label("Why it is resolved").fill("Called her: a bad night, no change of plan.")
    page.get_by_role("button", name="Resolve").tap()
    expect(page.locator("#alerts")).to_have_count(0)
    expect(page.locator("#resolved-alerts")).to_contain_text(
        "Resolved by Lee on", use_inner_text=True
    )
    lee.screenshot("alert-resolved")
    assert Flag.objects.get().resolution == "Called her: a bad night, no change of plan."

    # A note on the check-in, from the trend page the therapist is viewing.
    lee.open("/checkins/trend/")
    page.get_by_label("Note for them").fill("Rest two days, then lighter pressure.")
    page.get_by_role("button", name="Save note").tap()

    # The patient sees it on Home and opens it.
    ana = new_phone()
    ana.log_in(patient.email, PASSWORD)
    ana.open("/")
    card = ana.page.locator("#therapist-messages")
    expect(card).to_contain_text("Note from Lee")
    expect(card).to_contain_text("Rest two days, then lighter pressure.")
    ana.screenshot("note-on-home")
    card.get_by_role("button", name="Open").tap()
    expect(ana.page.locator("#recent-checkins")).to_contain_text("Rest two days")
    ana.open("/")
    expect(ana.page.locator("#therapist-messages")).to_have_count(0)
    assert Note.objects.get().read_by == patient

    # The therapist sees it read.
    lee.open("/checkins/trend/")
    expect(page.locator("#recent-checkins .read-mark")).to_contain_text("read")
