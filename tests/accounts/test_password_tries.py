"""Guessing a password, or an invitation code, anywhere is paused as log-in pauses it; and the
password-reset form cannot flood anyone's inbox."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.care.models import CareRelation
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ankle-circles-at-dawn"


def test_guessing_the_old_password_to_change_it_is_paused_after_five_tries(client, person):
    client.force_login(person)
    for _ in range(5):
        wrong = client.post(
            "/accounts/password_change/",
            {"old_password": "guess", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert wrong.status_code in (200, 429)

    right = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert right.status_code == 429
    assert "Too many tries" in right.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    # The tries count as failed log-ins: log-in from here is paused too.
    client.logout()
    locked = client.post("/accounts/login/", {"username": person.email, "password": PASSWORD})
    assert locked.status_code == 429


def test_a_right_old_password_changes_it(client, person):
    client.force_login(person)

    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response["Location"] == "/accounts/password_change/done/"
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_guessing_the_password_to_delete_an_account_is_paused_after_five_tries(client, person):
    client.force_login(person)
    for _ in range(5):
        client.post("/accounts/delete/", {"delete-password": "guess"})

    right = client.post("/accounts/delete/", {"delete-password": PASSWORD})

    assert right.status_code == 429
    assert User.objects.filter(id=person.id).exists()


def test_the_api_pauses_guesses_at_the_password_to_delete_an_account(api_as, person):
    wrong = [
        api_as.post("/api/v1/accounts/delete/", {"password": "guess"}, format="json")
        for _ in range(5)
    ]

    right = api_as.post("/api/v1/accounts/delete/", {"password": PASSWORD}, format="json")

    assert [response.status_code for response in wrong] == [400] * 5
    assert wrong[0].json() == {"password": ["That is not your password."]}
    assert right.status_code == 429
    assert right.json() == {"detail": "Too many tries. Try again in an hour."}
    assert User.objects.filter(id=person.id).exists()


def test_password_reset_emails_to_one_address_are_capped_each_hour(client, person, outsider):
    pages = [
        client.post("/accounts/password_reset/", {"email": person.email}, follow=True)
        for _ in range(5)
    ]
    client.post("/accounts/password_reset/", {"email": outsider.email})

    assert {page.redirect_chain[-1][0] for page in pages} == {"/accounts/password_reset/done/"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([person.email] * 3 + [outsider.email])


ACCEPT = "/api/v1/care/invitations/accept/"


def test_invitation_codes_are_tried_ten_times_an_hour_per_account(api_as, client, person):
    tries = [api_as.post(ACCEPT, {"code": f"WRONG{n:04d}"}, format="json") for n in range(10)]

    refused = api_as.post(ACCEPT, {"code": "WRONG9999"}, format="json")
    client.force_login(person)
    page = client.post("/care/join/", {"code": "WRONG9999"})

    assert {response.status_code for response in tries} == {400}
    assert refused.status_code == 429
    assert page.status_code == 429  # the join page counts with the API
    assert "Too many tries" in page.content.decode()


def test_invitation_codes_are_tried_twenty_times_an_hour_per_address(make_person, api_as):
    code = api_as.post("/api/v1/care/invitations/", {"role": "caregiver"}, format="json").json()
    accounts = [make_person(f"guesser{n}@example.com") for n in range(3)]
    answers = []
    for account in accounts:
        api = APIClient()
        api.force_login(account)
        answers.append(
            [api.post(ACCEPT, {"code": "WRONG"}, format="json").status_code for _ in range(7)]
        )

    assert answers[0] == answers[1] == [400] * 7
    assert answers[2] == [400] * 6 + [429]  # the 21st try from this address
    last = APIClient()
    last.force_login(accounts[2])
    assert last.post(ACCEPT, {"code": code["code"]}, format="json").status_code == 429
    assert not CareRelation.objects.exists()
