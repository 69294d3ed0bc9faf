import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from backend.checkins.models import Baseline, CheckIn, CheckInChange, Flag
from backend.checkins.services import checkin_create, note_add

URL = "/api/v1/checkins/"


def log(person, *, days_ago=1, pain=4, by=None, **fields):
    return checkin_create(
        person=person,
        idempotency_key=uuid.uuid4(),
        recorded_at=timezone.now() - timedelta(days=days_ago),
        recorded_by=by or person,
        tone=2,
        pain=pain,
        ease=5,
        **fields,
    ).checkin


@pytest.mark.django_db
def test_a_correction_within_7_days_changes_the_values_and_keeps_the_old_ones(api_as, person):
    checkin = log(person, days_ago=6, notes="stiff")

    response = api_as.patch(f"{URL}{checkin.id}/", {"pain": 2, "tone": "1"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["pain"], body["tone"], body["amended"]) == (2, "1", True)
    assert body["changed_at"] is not None
    checkin.refresh_from_db()
    assert (checkin.pain, checkin.tone, checkin.notes) == (2, 1, "stiff")
    change = CheckInChange.objects.get()
    assert change.kind == "corrected"
    assert (change.before["pain"], change.before["tone"]) == (4, 2)
    assert (change.after["pain"], change.after["tone"]) == (2, 1)
    assert (change.changed_by, change.changed_by_name) == (person, person.display_name)
    history = api_as.get(f"{URL}{checkin.id}/history/").json()
    assert [(h["kind"], h["before"]["pain"], h["after"]["pain"]) for h in history] == [
        ("corrected", 4, 2)
    ]


@pytest.mark.django_db
def test_a_caregiver_corrects_a_childs_check_in_in_their_own_name(api_as, person, child):
    checkin = log(child, by=person)

    response = api_as.patch(
        f"{URL}{checkin.id}/", {"ease": 8}, format="json", HTTP_X_TONUS_PERSON=str(child.id)
    )

    assert response.status_code == 200
    assert CheckInChange.objects.get().changed_by == person


@pytest.mark.django_db
def test_a_check_in_older_than_7_days_is_amended_only_with_a_reason(api_as, person):
    checkin = log(person, days_ago=8)

    refused = api_as.patch(f"{URL}{checkin.id}/", {"pain": 1}, format="json")
    amended = api_as.patch(
        f"{URL}{checkin.id}/", {"pain": 1, "reason": "Typed 4 for 1"}, format="json"
    )

    assert refused.status_code == 400
    assert "reason" in refused.json()
    assert amended.status_code == 200
    assert amended.json()["amended"] is True
    change = CheckInChange.objects.get()
    assert (change.kind, change.reason, change.before["pain"], change.after["pain"]) == (
        "amended",
        "Typed 4 for 1",
        4,
        1,
    )


@pytest.mark.django_db
def test_deleting_within_7_days_keeps_the_history_and_resolves_its_alerts(api_as, person):
    first = log(person, days_ago=3, pain=8)
    later = log(person, days_ago=2)
    flag = Flag.objects.get(checkin=first, kind=Flag.Kind.PAIN)
    assert Baseline.objects.get(person=person).checkin == first

    response = api_as.delete(f"{URL}{first.id}/")

    assert response.status_code == 204
    listed = [c["id"] for c in api_as.get(URL).json()["results"]]
    assert listed == [later.id]
    assert [p["id"] for p in api_as.get("/api/v1/trends/").json()["series"]] == [later.id]
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert flag.resolution == "Check-in deleted"
    history = api_as.get(f"{URL}{first.id}/history/").json()
    assert [(h["kind"], h["before"]["pain"], h["after"]) for h in history] == [("deleted", 8, None)]
    # The baseline went with it: the next check-in logged becomes the baseline.
    assert Baseline.objects.get(person=person).checkin is None
    newest = log(person, days_ago=0)
    assert Baseline.objects.get(person=person).checkin == newest


@pytest.mark.django_db
def test_a_check_in_older_than_7_days_is_not_deleted(api_as, person):
    checkin = log(person, days_ago=8)

    response = api_as.delete(f"{URL}{checkin.id}/")

    assert response.status_code == 400
    assert "older than 7 days" in response.json()["checkin"][0]
    assert CheckIn.objects.filter(id=checkin.id).exists()
    assert not CheckInChange.objects.exists()


@pytest.mark.django_db
def test_the_therapist_sees_amended_and_cannot_change_or_delete(
    api, client, person, with_therapist
):
    checkin = log(person, days_ago=10, notes="after the long walk")
    note_add(checkin=checkin, author=with_therapist, text="Good")
    api.force_login(person)
    api.patch(f"{URL}{checkin.id}/", {"pain": 6, "reason": "Misread the scale"}, format="json")
    api.force_login(with_therapist)
    acting = {"HTTP_X_TONUS_PERSON": str(person.id)}

    listed = api.get(URL, **acting).json()["results"]
    patch = api.patch(f"{URL}{checkin.id}/", {"pain": 1, "reason": "x"}, format="json", **acting)
    delete = api.delete(f"{URL}{checkin.id}/", **acting)
    history = api.get(f"{URL}{checkin.id}/history/", **acting)

    assert listed[0]["amended"] is True
    assert (patch.status_code, delete.status_code) == (403, 403)
    assert CheckIn.objects.get(id=checkin.id).pain == 6
    assert history.json()[0]["reason"] == "Misread the scale"


@pytest.mark.django_db
def test_someone_outside_the_circle_finds_no_check_in(api, person, outsider):
    checkin = log(person)
    api.force_login(outsider)
    acting = {"HTTP_X_TONUS_PERSON": str(person.id)}

    assert api.patch(f"{URL}{checkin.id}/", {"pain": 1}, format="json").status_code == 404
    assert api.delete(f"{URL}{checkin.id}/").status_code == 404
    assert api.get(f"{URL}{checkin.id}/history/").status_code == 404
    assert api.delete(f"{URL}{checkin.id}/", **acting).status_code == 404
    assert CheckIn.objects.filter(id=checkin.id).exists()


@pytest.mark.django_db
def test_unknown_fields_are_refused_by_name(api_as, person):
    checkin = log(person)

    response = api_as.patch(
        f"{URL}{checkin.id}/", {"recorded_at": "2026-01-01T00:00Z"}, format="json"
    )

    assert response.status_code == 400
    assert "recorded_at" in response.json()
    assert not CheckInChange.objects.exists()


@pytest.mark.django_db
def test_a_correction_on_its_page_shows_in_the_check_ins_history(client, person):
    checkin = log(person, days_ago=2)
    client.force_login(person)

    form = client.get(f"/checkins/{checkin.id}/correct/")
    saved = client.post(
        f"/checkins/{checkin.id}/correct/", {"tone": "1+", "pain": "1", "ease": "5"}
    )
    page = client.get(f"/checkins/{checkin.id}/").content.decode()

    assert form.status_code == 200
    assert saved.status_code == 302
    assert CheckIn.objects.get(id=checkin.id).pain == 1
    assert "(corrected)" in page
    assert f"Corrected by {person.display_name}" in page
    assert "Pain: 4 → 1" in page


@pytest.mark.django_db
def test_an_old_check_in_on_its_page_needs_a_reason(client, person):
    checkin = log(person, days_ago=9)
    client.force_login(person)

    refused = client.post(
        f"/checkins/{checkin.id}/correct/", {"tone": "1+", "pain": "1", "ease": "5"}
    )
    page = client.get(f"/checkins/{checkin.id}/").content.decode()

    assert refused.status_code == 400
    assert "say why" in refused.content.decode()
    assert CheckIn.objects.get(id=checkin.id).pain == 4
    assert "Delete this check-in" not in page


@pytest.mark.django_db
def test_deleting_on_the_page_asks_to_confirm(client, person):
    checkin = log(person, days_ago=1)
    client.force_login(person)

    unconfirmed = client.post(f"/checkins/{checkin.id}/delete/")
    deleted = client.post(f"/checkins/{checkin.id}/delete/", {"confirm": "on"})

    assert unconfirmed.status_code == 400
    assert deleted.status_code == 302
    assert not CheckIn.objects.filter(id=checkin.id).exists()
    assert CheckInChange.objects.get().kind == "deleted"


@pytest.mark.django_db
def test_the_therapist_sees_amended_on_the_trend_and_the_change_on_the_check_in(
    client, person, with_therapist
):
    checkin = log(person, days_ago=10)
    client.force_login(person)
    client.post(
        f"/checkins/{checkin.id}/correct/",
        {"tone": "1+", "pain": "6", "ease": "5", "reason": "Misread the scale"},
    )
    client.force_login(with_therapist)
    session = client.session
    session["tonus_person"] = person.id
    session.save()

    trend = client.get("/checkins/trend/").content.decode()
    detail = client.get(f"/checkins/{checkin.id}/").content.decode()

    assert "(amended)" in trend
    assert f"/checkins/{checkin.id}/correct/" not in trend
    assert "Misread the scale" in detail
    assert "Pain: 4 → 6" in detail
    assert client.get(f"/checkins/{checkin.id}/correct/").status_code == 404


@pytest.mark.django_db
def test_the_therapists_dashboard_marks_an_amended_last_check_in(client, person, with_therapist):
    checkin = log(person, days_ago=9)
    client.force_login(person)
    client.post(
        f"/checkins/{checkin.id}/correct/",
        {"tone": "1+", "pain": "2", "ease": "5", "reason": "Wrong day's pain"},
    )
    client.force_login(with_therapist)

    assert "(amended)" in client.get("/care/patients/").content.decode()


@pytest.mark.django_db
def test_the_persons_data_download_holds_every_change_and_the_deleted_values(api_as, person):
    kept, gone = log(person, days_ago=2), log(person, days_ago=1, notes="too sore")
    api_as.patch(f"{URL}{kept.id}/", {"pain": 1}, format="json")
    api_as.delete(f"{URL}{gone.id}/")

    changes = api_as.get("/api/v1/export/").json()["checkin_changes"]

    assert [(c["checkin_number"], c["kind"]) for c in changes] == [
        (kept.id, "corrected"),
        (gone.id, "deleted"),
    ]
    assert changes[1]["before"]["notes"] == "too sore"
