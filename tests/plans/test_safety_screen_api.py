import pytest

from backend.plans.models import SafetyScreen
from tests.support.plans import NO

URL = "/api/v1/safety-screen/"


@pytest.mark.django_db
def test_answers_are_stored_with_their_date_and_a_yes_holds_massage(api_as, person):
    response = api_as.post(URL, NO | {"deep_vein_thrombosis": True}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["positive"] is True
    assert "Talk with your clinician" in body["advice"]
    assert body["answered_at"]
    assert api_as.get(URL).json()["id"] == body["id"]


@pytest.mark.django_db
def test_a_screen_with_no_yes_gives_no_warning(api_as):
    body = api_as.post(URL, NO, format="json").json()

    assert (body["positive"], body["advice"]) == (False, "")


@pytest.mark.django_db
def test_every_question_must_be_answered(api_as):
    answers = dict(NO)
    del answers["open_wounds"]

    response = api_as.post(URL, answers, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["open_wounds"]
    assert not SafetyScreen.objects.exists()
