import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from backend.accounts.models import User
from tests.support.sign_up import sign_up_finish, sign_up_link

STRONG = "hamstring-hold-thirty-seconds"
SENT = "Check your email"


@pytest.fixture
def sign_up_page(client):
    def post(**fields):
        data = {
            "email": "new@example.com",
            "password": STRONG,
            "time_zone": "Europe/Madrid",
            "roles": ["practise"],
        }
        return client.post("/accounts/signup/", data | fields)

    return post


def page_text(response) -> str:
    """The page as read: the CSRF token is masked anew on every answer."""
    return re.sub(r'name="csrf-token" content="\w+"', "", response.content.decode())


def logs_in(client, email: str, password: str) -> bool:
    response = client.post("/accounts/login/", {"username": email, "password": password})
    return response.status_code == 302


@pytest.fixture
def sign_up_api(api):
    def post(**fields):
        data = {"email": "new@example.com", "password": STRONG, "time_zone": "Europe/Madrid"}
        return api.post("/api/v1/accounts/signup/", data | fields, format="json")

    return post


@pytest.mark.django_db
def test_the_sign_up_page_emails_a_link_that_signs_the_person_in(client, sign_up_page):
    response = sign_up_page()

    assert response.status_code == 200
    assert SENT in response.content.decode()
    person = User.objects.get(email="new@example.com")
    assert str(person.time_zone) == "Europe/Madrid"
    assert client.get("/").status_code == 302  # not in until the link is used
    assert not logs_in(client, "new@example.com", STRONG)

    finished = sign_up_finish(client, "new@example.com")

    assert finished.status_code == 302
    assert finished["Location"] == "/plans/start/"  # onboarding: the first plan
    assert client.get("/").status_code == 200
    client.logout()
    assert logs_in(client, "new@example.com", STRONG)


@pytest.mark.django_db
def test_the_link_works_once(client, sign_up_page):
    sign_up_page()
    link = sign_up_link("new@example.com")
    sign_up_finish(client, "new@example.com")
    client.logout()

    again = client.post(link)

    assert again.status_code == 400
    assert "This link no longer works" in again.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_opening_the_link_alone_signs_no_one_in(client, sign_up_page):
    """Mail scanners open links: only the tap on the page finishes the sign-up."""
    sign_up_page()

    client.get(sign_up_link("new@example.com"))

    assert not User.objects.get(email="new@example.com").is_active
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_signing_up_again_before_using_the_link_keeps_the_latest_details_and_link(
    client, sign_up_page
):
    sign_up_page(time_zone="Europe/Madrid")
    first = sign_up_link("new@example.com")
    sign_up_page(time_zone="America/Chicago", password=STRONG + "-2")

    assert client.post(first).status_code == 400  # the first password no longer holds it
    sign_up_finish(client, "new@example.com")
    person = User.objects.get(email="new@example.com")
    assert str(person.time_zone) == "America/Chicago"
    assert person.check_password(STRONG + "-2")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": ""}, "email", "This field is required."),
        ({"password": "password"}, "password", "This password is too common."),
        ({"password": "x7"}, "password", "This password is too short."),
        ({"password": "new@example.com1"}, "password", "too similar"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "Select a valid choice."),
        ({"roles": []}, "roles", "Choose at least one."),
        ({"roles": ["astronaut"]}, "roles", "Select a valid choice."),
        ({"roles": ["therapist"], "name": " "}, "name", "a therapist needs one"),
    ],
)
def test_the_sign_up_page_names_what_is_wrong(sign_up_page, fields, field, message):
    response = sign_up_page(**fields)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not User.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_a_taken_address_gets_the_same_answer_and_its_owner_an_email(sign_up_page, make_person):
    owner = make_person("New@Example.com")
    owner.language = "es"
    owner.save()

    taken = sign_up_page(email="New@Example.com", password="another-" + STRONG)
    fresh = sign_up_page(email="fresh@example.com")

    assert taken.status_code == fresh.status_code == 200
    assert page_text(taken).replace("New@example.com", "fresh@example.com") == page_text(fresh)
    owner.refresh_from_db()
    assert owner.is_active and not owner.check_password("another-" + STRONG)
    told = [message for message in mail.outbox if message.to == [owner.email]]
    assert len(told) == 1
    assert "Alguien" in told[0].subject  # in the owner's language
    assert "/accounts/password_reset/" in told[0].body
    assert "/signup/confirm/" not in told[0].body


@pytest.mark.django_db
def test_an_address_gets_a_few_sign_up_emails_an_hour_at_most(sign_up_page, make_person):
    make_person("new@example.com")

    for _ in range(6):
        assert sign_up_page().status_code == 200

    assert len(mail.outbox) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("roles", "name", "first_page"),
    [
        (["practise"], "", "/plans/start/"),
        (["look_after"], "", "/care/"),
        (["therapist"], "Ana Ruiz", "/care/patients/"),
        (["therapist", "practise"], "Ana Ruiz", "/plans/start/"),
    ],
)
def test_each_role_starts_where_it_belongs(client, sign_up_page, roles, name, first_page):
    sign_up_page(roles=roles, name=name, profession="Physiotherapist")

    finished = sign_up_finish(client, "new@example.com")

    assert finished["Location"] == first_page
    person = User.objects.get(email="new@example.com")
    assert sorted(person.roles) == sorted(roles)


@pytest.mark.django_db
def test_the_api_emails_the_same_answer_and_its_link_signs_in(api, sign_up_api, make_person):
    make_person("taken@example.com")

    response = sign_up_api(name="Sam", roles=["look_after"])
    taken = sign_up_api(email="taken@example.com")

    assert response.status_code == taken.status_code == 202
    assert response.json()["detail"].replace("new@", "taken@") == taken.json()["detail"]
    uid, token = sign_up_link("new@example.com").strip("/").split("/")[-2:]
    confirmed = api.post(
        "/api/v1/accounts/signup/confirm/", {"uid": uid, "token": token}, format="json"
    )
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert body["email"] == "new@example.com" and body["roles"] == ["look_after"]
    assert "password" not in body
    assert api.get("/api/v1/accounts/me/").json()["email"] == "new@example.com"


@pytest.mark.django_db
def test_the_api_refuses_a_bad_link_naming_the_token(api, sign_up_api):
    sign_up_api()
    uid, token = sign_up_link("new@example.com").strip("/").split("/")[-2:]

    response = api.post(
        "/api/v1/accounts/signup/confirm/", {"uid": uid, "token": token + "x"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["token"]
    assert not User.objects.get(email="new@example.com").is_active


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "password"}, "password"),
        ({"password": "12345678901"}, "password"),
        ({"time_zone": "Europe/Atlantis"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"email": None}, "email"),
        ({"email": ""}, "email"),
        ({"roles": []}, "roles"),
        ({"roles": ["therapist"]}, "name"),
    ],
)
def test_the_api_answers_400_naming_the_field(sign_up_api, fields, field):
    response = sign_up_api(**fields)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_forged_log_in_by_sign_up_link_without_the_csrf_token_is_refused(sign_up_api):
    sign_up_api()
    uid, token = sign_up_link("new@example.com").strip("/").split("/")[-2:]
    browser = APIClient(enforce_csrf_checks=True)

    response = browser.post(
        "/api/v1/accounts/signup/confirm/", {"uid": uid, "token": token}, format="json"
    )

    assert response.status_code == 403
    assert not User.objects.get(email="new@example.com").is_active


@pytest.mark.django_db
def test_sign_up_goes_on_to_the_page_asked_for_on_this_site_only(client, sign_up_page):
    asked = "/care/join/?code=ABCDE-FGHJK"
    opened = client.get("/accounts/signup/", {"next": asked}).content.decode()

    sign_up_page(next=asked)
    finished = sign_up_finish(client, "new@example.com")

    assert f'name="next" value="{asked}"' in opened
    assert 'href="/accounts/login/?next=/care/join/%3Fcode%3DABCDE-FGHJK"' in opened
    assert finished.status_code == 302 and finished["Location"] == asked


@pytest.mark.django_db
@pytest.mark.parametrize(
    "outside",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_sign_up_ignores_a_next_off_this_site(client, sign_up_page, outside):
    opened = client.get("/accounts/signup/", {"next": outside}).content.decode()

    sign_up_page(next=outside)
    finished = sign_up_finish(client, "new@example.com")

    assert "evil.example" not in opened and 'name="next"' not in opened
    assert "evil.example" not in mail.outbox[-1].body
    assert finished.status_code == 302 and finished["Location"] == "/plans/start/"


@pytest.mark.django_db
def test_the_log_in_page_passes_its_next_on_to_sign_up(client):
    asked = client.get("/accounts/login/", {"next": "/care/join/?code=ABCDE-FGHJK"})
    outside = client.get("/accounts/login/", {"next": "https://evil.example/"})

    assert (
        'href="/accounts/signup/?next=/care/join/%3Fcode%3DABCDE-FGHJK"' in asked.content.decode()
    )
    assert 'href="/accounts/signup/"' in outside.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["home", "-182032546"])
def test_a_next_that_names_no_page_is_followed_as_a_path_not_reversed(client, person, next_url):
    client.force_login(person)

    response = client.get("/accounts/signup/", {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == next_url
