import pytest
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_a_person_changes_their_time_zone_on_the_settings_page(client, person):
    client.force_login(person)

    response = client.post(
        "/accounts/settings/", {"name": "Alex", "time_zone": "Asia/Tokyo"}, follow=True
    )

    assert response.status_code == 200
    assert "Settings saved." in response.content.decode()
    person.refresh_from_db()
    assert str(person.time_zone) == "Asia/Tokyo"
    assert person.name == "Alex"


@pytest.mark.django_db
def test_the_settings_page_refuses_an_unknown_zone(client, person):
    client.force_login(person)

    response = client.post("/accounts/settings/", {"name": "", "time_zone": "Moon/Tranquility"})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["time_zone"]
    person.refresh_from_db()
    assert str(person.time_zone) == "Europe/Madrid"


@pytest.mark.django_db
def test_the_api_updates_the_time_zone(api_as, person):
    response = api_as.patch("/api/v1/accounts/me/", {"time_zone": "America/Chicago"}, format="json")

    assert response.status_code == 200
    assert response.json()["time_zone"] == "America/Chicago"
    person.refresh_from_db()
    assert str(person.time_zone) == "America/Chicago"


@pytest.mark.django_db
def test_the_api_names_a_bad_time_zone_and_changes_nothing(api_as, person):
    response = api_as.patch(
        "/api/v1/accounts/me/", {"time_zone": "EST+99", "name": "Robin"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["time_zone"]
    person.refresh_from_db()
    assert person.name == ""
    assert str(person.time_zone) == "Europe/Madrid"


@pytest.mark.django_db
def test_a_change_needs_the_csrf_token(person):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(person)

    response = browser.patch("/api/v1/accounts/me/", {"time_zone": "UTC"}, format="json")

    assert response.status_code == 403


@pytest.mark.django_db
def test_settings_need_a_signed_in_person(client, api):
    assert client.get("/accounts/settings/")["Location"].startswith("/accounts/login/")
    assert api.get("/api/v1/accounts/me/").status_code == 403


@pytest.mark.django_db
def test_an_adult_turns_on_telling_their_support_people_which_is_off_at_first(api_as, person):
    assert api_as.get("/api/v1/accounts/me/").json()["escalate_after"] is None

    response = api_as.patch("/api/v1/accounts/me/", {"escalate_after": 45}, format="json")

    assert response.status_code == 200
    assert response.json()["escalate_after"] == 45
    off = api_as.patch("/api/v1/accounts/me/", {"escalate_after": None}, format="json")
    assert off.json()["escalate_after"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("minutes", [29, 241, -1, "soon"])
def test_a_window_outside_30_to_240_minutes_is_refused_naming_the_field(
    api_as, person, client, minutes
):
    response = api_as.patch("/api/v1/accounts/me/", {"escalate_after": minutes}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["escalate_after"]
    client.force_login(person)
    page = client.post(
        "/accounts/settings/",
        {"name": "", "time_zone": "Europe/Madrid", "escalate_after": minutes},
    )
    assert page.status_code == 400
    assert list(page.context["form"].errors) == ["escalate_after"]
    person.refresh_from_db()
    assert person.escalate_after is None


@pytest.mark.django_db
def test_the_settings_page_sets_the_window(client, person):
    client.force_login(person)

    client.post(
        "/accounts/settings/", {"name": "", "time_zone": "Europe/Madrid", "escalate_after": 90}
    )

    person.refresh_from_db()
    assert person.escalate_after == 90
    page = client.get("/accounts/settings/").content.decode()
    assert 'name="escalate_after"' in page and 'value="90"' in page
