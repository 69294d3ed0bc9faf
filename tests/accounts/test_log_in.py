import re

import pytest
from django.core import mail

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
