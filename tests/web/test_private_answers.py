"""Answers that carry personal data are kept by no cache: not a proxy's, not the browser's
(whose back button would show them again after log-out or a switch of person)."""

import pytest

from backend.reminders.calendar import calendar_feed_enable
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"


def never_stored(response) -> bool:
    # Django's own never_cache (the log-in page) says more, to the same effect.
    return {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/plans/",
        "/checkins/trend/",
        "/care/",
        "/accounts/settings/",
        "/api/v1/accounts/me/",
        "/api/v1/checkins/",
        "/checkins/9999/",  # a not-found page too
    ],
)
def test_every_page_and_api_answer_is_private_and_never_stored(client, person, path):
    client.force_login(person)

    response = client.get(path)

    assert response["Cache-Control"] == PRIVATE, (path, response.status_code)


def test_pages_without_a_login_and_refusals_are_not_stored_either(client, person):
    log_in_page = client.get("/accounts/login/")
    wrong = client.post("/accounts/login/", {"username": person.email, "password": "guess"})
    action = client.post("/api/v1/reminders/action/", {}, content_type="application/json")

    assert never_stored(log_in_page) and never_stored(wrong)
    assert action.status_code == 400 and action["Cache-Control"] == PRIVATE


def test_the_calendar_feed_is_not_stored(client, person):
    _feed, token = calendar_feed_enable(person=person)

    response = client.get(f"/calendar/{token}.ics")

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_the_app_shell_keeps_its_own_caching(client):
    assert client.get("/sw.js")["Cache-Control"] == "no-cache"
    assert client.get("/manifest.webmanifest")["Cache-Control"] == "max-age=3600"


def test_a_page_says_whose_data_it_shows(client, person, make_person):
    client.post("/accounts/login/", {"username": person.email, "password": PASSWORD})

    assert client.get("/")["X-Tonus-Person"] == str(person.id)
    assert client.get("/api/v1/accounts/me/").get("X-Tonus-Person") is None
