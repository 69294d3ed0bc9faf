import pytest

SETTINGS = {"name": "", "language": "en", "time_zone": "Europe/Madrid"}


@pytest.mark.django_db
def test_a_therapist_turns_on_alerts_as_notifications(client, make_person):
    therapist = make_person("t@example.com", is_therapist=True, name="Ana Ruiz")
    client.force_login(therapist)
    assert "Alerts as notifications" in client.get("/accounts/settings/").content.decode()

    response = client.post(
        "/accounts/settings/", SETTINGS | {"name": "Ana Ruiz", "alerts_by_push": "on"}
    )

    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.alerts_by_push


@pytest.mark.django_db
def test_nobody_else_is_offered_alerts(client, person):
    client.force_login(person)
    assert "Alerts as notifications" not in client.get("/accounts/settings/").content.decode()

    client.post("/accounts/settings/", SETTINGS | {"alerts_by_push": "on"})

    person.refresh_from_db()
    assert not person.alerts_by_push
