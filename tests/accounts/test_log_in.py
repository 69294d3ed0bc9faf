import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_a_person_logs_in_with_email_and_password_and_logs_out(client, person):
    response = client.post("/accounts/login/", {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200

    client.post("/accounts/logout/")

    assert client.get("/")["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_wrong_password_does_not_log_in(client, person):
    response = client.post("/accounts/login/", {"username": person.email, "password": "nope"})

    assert response.status_code == 200
    assert "correct email address and password" in response.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_password_reset_mails_a_link_that_sets_a_new_password(client, person):
    response = client.post("/accounts/password_reset/", {"email": person.email})
    assert response["Location"] == "/accounts/password_reset/done/"

    [message] = mail.outbox
    assert message.to == [person.email]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", message.body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url,
        {"new_password1": "ankle-circles-at-dawn", "new_password2": "ankle-circles-at-dawn"},
    )

    assert response["Location"] == "/accounts/reset/done/"
    person.refresh_from_db()
    assert person.check_password("ankle-circles-at-dawn")


@pytest.mark.django_db
def test_password_reset_does_not_reveal_whether_an_address_has_an_account(client, person):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})

    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


@pytest.mark.django_db
def test_guessing_a_password_locks_that_account_out_from_there_for_an_hour(client, person):
    for _ in range(5):
        client.post("/accounts/login/", {"username": person.email, "password": "guess"})

    locked = client.post("/accounts/login/", {"username": person.email, "password": PASSWORD})

    assert locked.status_code == 429
    assert "Too many tries" in locked.content.decode()
    assert client.get("/").status_code == 302  # the right password did not get in either
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        again = client.post("/accounts/login/", {"username": person.email, "password": PASSWORD})
        assert again.status_code == 302


@pytest.mark.django_db
def test_a_right_password_before_the_limit_resets_the_count(client, person):
    for _ in range(4):
        client.post("/accounts/login/", {"username": person.email, "password": "guess"})
    client.post("/accounts/login/", {"username": person.email, "password": PASSWORD})
    client.post("/accounts/logout/")
    for _ in range(4):
        client.post("/accounts/login/", {"username": person.email, "password": "guess"})

    response = client.post("/accounts/login/", {"username": person.email, "password": PASSWORD})

    assert response.status_code == 302


@pytest.mark.django_db
def test_password_reset_says_the_same_whether_or_not_the_address_has_an_account(client, person):
    known = client.post("/accounts/password_reset/", {"email": person.email}, follow=True)
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.com"}, follow=True)

    def page(response) -> str:  # each page carries its own CSRF token
        return re.sub(r'name="csrf-?token"[^>]*', "", response.content.decode())

    assert known.redirect_chain == unknown.redirect_chain
    assert page(known) == page(unknown)
    assert len(mail.outbox) == 1
