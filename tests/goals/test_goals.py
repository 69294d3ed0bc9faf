import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from backend.care.models import TherapistAccess
from backend.checkins.services import checkin_create
from backend.goals.models import Goal, GoalRating

pytestmark = pytest.mark.django_db

# A Monday, 10:00 in Madrid: the first check-in, and so the starting point.
START = datetime(2027, 1, 4, 9, tzinfo=UTC)


def on_day(days: int) -> datetime:
    return START + timedelta(days=days)


def text(html: str) -> str:
    """Tags dropped and spaces collapsed: the words as a person reads them."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" :", ":").strip()


def log(person, days: int, tone=3, pain=6):
    checkin_create(
        person=person,
        idempotency_key=uuid.uuid4(),
        recorded_at=on_day(days),
        tone=tone,
        pain=pain,
        ease=5,
    )


def add_goal(api_as, goal: str) -> dict:
    response = api_as.post("/api/v1/goals/", {"text": goal}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_up_to_three_goals_and_a_fourth_is_refused_naming_the_field(api_as, person):
    for goal in ("Put on shoes without help", "Climb stairs", "Type without a splint"):
        add_goal(api_as, goal)

    response = api_as.post("/api/v1/goals/", {"text": "Open a jar"}, format="json")

    assert response.status_code == 400
    assert "text" in response.json()
    assert Goal.objects.filter(person=person).count() == 3
    listed = api_as.get("/api/v1/goals/").json()
    assert [g["text"] for g in listed] == [
        "Put on shoes without help",
        "Climb stairs",
        "Type without a splint",
    ]


def test_a_goal_over_120_characters_is_refused(api_as, person):
    response = api_as.post("/api/v1/goals/", {"text": "x" * 121}, format="json")

    assert response.status_code == 400
    assert "text" in response.json()
    assert not Goal.objects.exists()


def test_an_achieved_or_retired_goal_makes_room_and_keeps_its_history(api_as, person):
    shoes = add_goal(api_as, "Put on shoes without help")
    stairs = add_goal(api_as, "Climb stairs")
    add_goal(api_as, "Type without a splint")

    reworded = api_as.patch(
        f"/api/v1/goals/{shoes['id']}/", {"text": "Put on both shoes"}, format="json"
    )
    achieved = api_as.patch(f"/api/v1/goals/{shoes['id']}/", {"status": "achieved"}, format="json")
    retired = api_as.delete(f"/api/v1/goals/{stairs['id']}/")

    assert reworded.json()["text"] == "Put on both shoes"
    assert achieved.json()["status"] == "achieved"
    assert retired.status_code == 204
    goal = Goal.objects.get(id=shoes["id"])
    assert [t["text"] for t in goal.earlier_texts] == ["Put on shoes without help"]
    assert Goal.objects.get(id=stairs["id"]).status == "retired"
    add_goal(api_as, "Open a jar")
    add_goal(api_as, "Walk to the shop")
    again = api_as.patch(f"/api/v1/goals/{stairs['id']}/", {"status": "active"}, format="json")
    assert again.status_code == 400
    assert "text" in again.json()


def trend_on(client, person, days: int) -> str:
    with time_machine.travel(on_day(days) + timedelta(hours=2), tick=False):
        client.force_login(person)
        return client.get("/checkins/trend/").content.decode()


def rate_on(client, person, days: int, goal_id: int, score: int):
    with time_machine.travel(on_day(days) + timedelta(hours=2), tick=False):
        client.force_login(person)
        return client.post(f"/checkins/goals/{goal_id}/rating/", {"score": str(score)})


def card_of(page: str) -> str:
    [card] = re.findall(r'<section[^>]*id="reassessment".*?</section>', page, re.S)
    return card


def test_goals_are_rated_on_the_reassessment_card_once_a_window(client, person, api_as):
    shoes = add_goal(api_as, "Put on shoes without help")
    stairs = add_goal(api_as, "Climb stairs")
    log(person, 0)
    log(person, 27, tone=2, pain=3)

    before = card_of(trend_on(client, person, 20))
    during = card_of(trend_on(client, person, 31))

    assert "Put on shoes without help" not in before
    assert "Put on shoes without help" in during and "Climb stairs" in during
    assert during.count('name="score"') == 10  # five ratings for each goal

    assert rate_on(client, person, 31, shoes["id"], 1).status_code == 302
    assert rate_on(client, person, 33, shoes["id"], 2).status_code == 302
    assert rate_on(client, person, 33, stairs["id"], -1).status_code == 302
    assert rate_on(client, person, 72, shoes["id"], 0).status_code == 302

    shoes_ratings = GoalRating.objects.filter(goal_id=shoes["id"]).order_by("rated_at")
    first_window, later_window = date(2027, 2, 1), date(2027, 3, 15)
    assert [(r.score, r.window_start, r.superseded_at is None) for r in shoes_ratings] == [
        (1, first_window, False),
        (2, first_window, True),
        (0, later_window, True),
    ]
    page = text(trend_on(client, person, 72))
    assert "Put on shoes without help: 0, as expected" in page
    assert "Climb stairs: -1, somewhat less than expected" in page
    assert "(rated 0)" in page


def test_a_rating_through_the_api_belongs_to_the_window_open_now(api_as, person):
    shoes = add_goal(api_as, "Put on shoes without help")
    log(person, 0)
    with time_machine.travel(on_day(40), tick=False):
        api_as.force_login(person)
        first = api_as.post(f"/api/v1/goals/{shoes['id']}/ratings/", {"score": 1}, format="json")
        second = api_as.post(f"/api/v1/goals/{shoes['id']}/ratings/", {"score": 2}, format="json")
        bad = api_as.post(f"/api/v1/goals/{shoes['id']}/ratings/", {"score": 3}, format="json")

    assert first.status_code == second.status_code == 201
    assert second.json()["window_start"] == "2027-02-01"
    assert bad.status_code == 400 and "score" in bad.json()
    listed = api_as.get("/api/v1/goals/").json()
    assert [r["score"] for r in listed[0]["ratings"]] == [2]
    assert GoalRating.objects.count() == 2


def test_the_monthly_summary_shows_the_goals_and_that_months_ratings(client, person, api_as):
    shoes = add_goal(api_as, "Put on shoes without help")
    log(person, 0)
    rate_on(client, person, 31, shoes["id"], 2)

    with time_machine.travel(on_day(40), tick=False):
        client.force_login(person)
        february = text(client.get("/checkins/summary/", {"month": "2027-02"}).content.decode())
        january = text(client.get("/checkins/summary/", {"month": "2027-01"}).content.decode())

    assert "Put on shoes without help: +2, much more than expected" in february
    assert "4 Feb Put on shoes without help +2 (much more than expected)" in february
    assert "4 Feb Put on shoes" not in january


def test_a_therapist_sees_the_goals_but_does_not_rate_them(client, person, api_as, make_person):
    therapist = make_person("therapist@example.com")
    TherapistAccess.objects.create(therapist=therapist, person=person)
    shoes = add_goal(api_as, "Put on shoes without help")
    log(person, 0)

    with time_machine.travel(on_day(31), tick=False):
        client.force_login(therapist)
        client.post(f"/care/switch/{person.id}/")
        page = client.get("/checkins/trend/").content.decode()
        refused = client.post(f"/checkins/goals/{shoes['id']}/rating/", {"score": "1"})

    assert "Put on shoes without help" in text(page)
    assert "goal-rating-new" not in page and "/rating/" not in page
    assert refused.status_code == 403
    assert not GoalRating.objects.exists()


def test_someone_else_s_goal_is_not_found(api_as, make_person, client):
    other = make_person("other@example.com")
    client.force_login(other)
    theirs = client.post("/api/v1/goals/", {"text": "Hold a cup"}, content_type="application/json")

    goal_id = theirs.json()["id"]
    assert (
        api_as.patch(f"/api/v1/goals/{goal_id}/", {"text": "x"}, format="json").status_code == 404
    )
    assert (
        api_as.post(f"/api/v1/goals/{goal_id}/ratings/", {"score": 1}, format="json").status_code
        == 404
    )
    assert Goal.objects.get(id=goal_id).text == "Hold a cup"
