import pytest
from rest_framework.test import APIClient

from backend.accounts.models import User

STRONG = "hamstring-hold-thirty-seconds"


@pytest.fixture
def sign_up_page(client):
    def post(**fields):
        data = {"email": "new@example.com", "password": STRONG, "time_zone": "Europe/Madrid"}
        return client.post("/accounts/signup/", data | fields)

    return post


@pytest.fixture
def sign_up_api(api):
    def post(**fields):
        data = {"email": "new@example.com", "password": STRONG, "time_zone": "Europe/Madrid"}
        return api.post("/api/v1/accounts/signup/", data | fields, format="json")

    return post


@pytest.mark.django_db
def test_the_sign_up_page_creates_the_person_and_signs_them_in(client, sign_up_page):
    response = sign_up_page()

    assert response.status_code == 302
    assert response["Location"] == "/plans/start/"  # onboarding: the first plan
    person = User.objects.get(email="new@example.com")
    assert str(person.time_zone) == "Europe/Madrid"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"password": "password"}, "password", "This password is too common."),
        ({"password": "x7"}, "password", "This password is too short."),
        ({"password": "new@example.com1"}, "password", "too similar"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "Select a valid choice."),
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


@pytest.mark.django_db
def test_an_address_can_hold_only_one_account(sign_up_page, make_person):
    make_person("New@Example.com")

    response = sign_up_page(email="new@example.com")

    assert response.status_code == 400
    assert "already exists" in response.context["form"].errors["email"][0]


@pytest.mark.django_db
def test_the_api_signs_up_and_keeps_the_session(api, sign_up_api):
    response = sign_up_api(name="Sam")

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "new@example.com"
    assert body["time_zone"] == "Europe/Madrid"
    assert "password" not in body
    assert api.get("/api/v1/accounts/me/").json()["email"] == "new@example.com"


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
    ],
)
def test_the_api_answers_400_naming_the_field(sign_up_api, fields, field):
    response = sign_up_api(**fields)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_forged_sign_up_without_the_csrf_token_is_refused():
    browser = APIClient(enforce_csrf_checks=True)

    response = browser.post(
        "/api/v1/accounts/signup/",
        {"email": "new@example.com", "password": STRONG, "time_zone": "UTC"},
        format="json",
    )

    assert response.status_code == 403
    assert not User.objects.exists()


@pytest.mark.django_db
def test_sign_up_goes_on_to_the_page_asked_for_on_this_site_only(client, sign_up_page):
    asked = "/care/join/?code=ABCDE-FGHJK"
    opened = client.get("/accounts/signup/", {"next": asked}).content.decode()

    signed_up = sign_up_page(next=asked)

    assert f'name="next" value="{asked}"' in opened
    assert 'href="/accounts/login/?next=/care/join/%3Fcode%3DABCDE-FGHJK"' in opened
    assert signed_up.status_code == 302 and signed_up["Location"] == asked


@pytest.mark.django_db
@pytest.mark.parametrize(
    "outside",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_sign_up_ignores_a_next_off_this_site(client, sign_up_page, outside):
    opened = client.get("/accounts/signup/", {"next": outside}).content.decode()

    signed_up = sign_up_page(next=outside)

    assert "evil.example" not in opened and 'name="next"' not in opened
    assert signed_up.status_code == 302 and signed_up["Location"] == "/plans/start/"


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
