import uuid
from datetime import UTC, datetime

import pytest

from backend.checkins.models import Baseline
from backend.checkins.services import checkin_create


def log(person, when, tone=2, pain=5, notes=""):
    checkin_create(
        person=person,
        idempotency_key=uuid.uuid4(),
        recorded_at=when,
        tone=tone,
        pain=pain,
        ease=5,
        notes=notes,
    )


@pytest.mark.django_db
def test_the_monthly_summary_holds_that_months_check_ins_only(client, person):
    log(person, datetime(2026, 9, 30, 12, tzinfo=UTC), notes="September")
    log(person, datetime(2026, 10, 2, 12, tzinfo=UTC), notes="Climbed stairs without help")
    client.force_login(person)

    response = client.get("/checkins/summary/", {"month": "2026-10"})

    page = response.content.decode()
    assert "Summary for October 2026" in page
    assert "Climbed stairs without help" in page
    assert "September" not in page
    assert [c.notes for c in response.context["checkins"]] == ["Climbed stairs without help"]
    assert "<td>1+</td>" in page


@pytest.mark.django_db
def test_a_month_that_is_not_a_month_is_not_found(client, person):
    client.force_login(person)

    assert client.get("/checkins/summary/", {"month": "2026-13"}).status_code == 404


@pytest.mark.django_db
def test_the_trend_page_before_any_check_in_says_what_comes_next(client, person):
    client.force_login(person)

    page = client.get("/checkins/trend/").content.decode()

    assert "No check-ins yet" in page
    assert "Your first check-in becomes your starting point" in page


@pytest.mark.django_db
def test_resetting_the_starting_point_from_the_trend_page(client, person):
    log(person, datetime(2026, 10, 2, 12, tzinfo=UTC), pain=8)
    client.force_login(person)

    response = client.post("/checkins/baseline/reset/", follow=True)

    assert "next check-in becomes the new starting point" in response.content.decode()
    log(person, datetime(2026, 10, 9, 12, tzinfo=UTC), pain=3)
    assert Baseline.objects.get(person=person).checkin.pain == 3


@pytest.mark.django_db
def test_trend_pages_need_a_signed_in_person(client):
    for url in ("/checkins/trend/", "/checkins/summary/"):
        assert client.get(url)["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_plan_check_on_the_trend_page_takes_other_numbers(client, person):
    client.force_login(person)

    page = client.get(
        "/checkins/trend/",
        {"sessions_per_week": 3, "minutes": 20, "technique": "myofascial_release"},
    ).content.decode()

    assert "More than two sessions a week adds little" in page
    assert "Estimate from published figures, not a prediction" in page
    assert "about 2 weeks" in page


@pytest.mark.django_db
def test_the_plan_check_names_a_bad_number_on_the_page(client, person):
    client.force_login(person)

    response = client.get("/checkins/trend/", {"sessions_per_week": "-2", "minutes": 20})

    assert response.status_code == 400
    assert "sessions_per_week" in response.context["plan_check"]["form"].errors
    assert "guidance" not in response.context["plan_check"]
