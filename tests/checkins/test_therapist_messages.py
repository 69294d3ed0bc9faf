"""A therapist's note or suggestion reaches the person: a card on Home until read, a push."""

import re
import uuid

import pytest

from backend.checkins.models import Note
from backend.checkins.services import checkin_create, note_add
from backend.plans.models import Proposal
from backend.plans.services import proposal_create
from backend.reminders.services import device_subscribe


def a_checkin(person):
    return checkin_create(
        person=person, idempotency_key=uuid.uuid4(), tone=2, pain=4, ease=5
    ).checkin


def card(client) -> list[str]:
    page = client.get("/").content.decode()
    section = re.search(r'id="therapist-messages".*?</section>', page, re.S)
    if section is None:
        return []
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()
        for text in re.findall(
            r'<article class="therapist-message">\s*<p>(.*?)</p>', section[0], re.S
        )
    ]


def subscribe(user, receiver):
    phone = receiver.new_subscription()
    device_subscribe(user=user, endpoint=phone.endpoint, p256dh=phone.p256dh, auth=phone.auth)
    return phone


@pytest.mark.django_db
def test_a_note_shows_on_home_until_read_and_the_therapist_sees_it_read(
    client, person, with_therapist
):
    checkin = a_checkin(person)
    note = note_add(checkin=checkin, author=with_therapist, text="Lighter pressure next time.")
    client.force_login(person)

    [shown] = card(client)
    assert shown.startswith("Note from therapist,")
    assert shown.endswith("Lighter pressure next time.")

    read = client.post(f"/checkins/messages/note/{note.id}/read/")

    assert read.status_code == 302 and read["Location"] == "/"
    note.refresh_from_db()
    assert note.read_by == person and note.read_at is not None
    assert card(client) == []
    client.force_login(with_therapist)
    client.post(f"/care/switch/{person.id}/")
    trend = client.get("/checkins/trend/").content.decode()
    assert f"(read {note.read_at:%-d %b})" in trend
    # The therapist's own look at the person's Home shows no card to read for them.
    assert card(client) == []


@pytest.mark.django_db
def test_opening_a_suggestion_leads_to_it_and_marks_it_read(client, person, with_therapist):
    proposal = proposal_create(person=person, therapist=with_therapist, message="Try 10 minutes.")
    client.force_login(person)
    assert card(client) == [card(client)[0]]
    assert card(client)[0].startswith("Suggestion from therapist")

    opened = client.post(f"/checkins/messages/suggestion/{proposal.id}/read/", {"open": "1"})

    assert opened["Location"] == "/plans/#proposals"
    proposal.refresh_from_db()
    assert proposal.read_by == person
    client.force_login(with_therapist)
    client.post(f"/care/switch/{person.id}/")
    assert "(read " in client.get("/plans/").content.decode()


@pytest.mark.django_db
def test_a_childs_note_shows_on_the_caregivers_home_when_acting_for_the_child(
    client, person, child, therapist
):
    from backend.care.models import TherapistAccess

    TherapistAccess.objects.create(therapist=therapist, person=child)
    note = note_add(checkin=a_checkin(child), author=therapist, text="Well done, Emily.")
    client.force_login(person)
    assert card(client) == []

    client.post(f"/care/switch/{child.id}/")
    assert len(card(client)) == 1
    client.post(f"/checkins/messages/note/{note.id}/read/")

    note.refresh_from_db()
    assert note.read_by == person


@pytest.mark.django_db
def test_the_api_marks_read_only_for_the_person_and_caregivers(api, api_as, person, with_therapist):
    note = note_add(checkin=a_checkin(person), author=with_therapist, text="Good.")
    proposal = proposal_create(person=person, therapist=with_therapist, message="Shorter.")

    api.force_login(with_therapist)
    api.credentials(HTTP_X_TONUS_PERSON=str(person.id))
    assert api.post(f"/api/v1/notes/{note.id}/read/").status_code == 404

    assert api_as.post(f"/api/v1/notes/{note.id}/read/").json()["read_at"] is not None
    assert api_as.post(f"/api/v1/plans/proposals/{proposal.id}/read/").status_code == 200
    assert Note.objects.get().read_by == person
    assert Proposal.objects.get().read_by == person
    [listed] = api.get("/api/v1/plans/proposals/").json()
    assert listed["read_at"] is not None


@pytest.mark.django_db(transaction=True)
def test_a_note_pushes_to_the_person_and_discreet_mode_hides_health_words(
    person, make_person, therapist, receiver, celery_worker
):
    from backend.care.models import TherapistAccess

    discreet = make_person("discreet@example.com", discreet_notifications=True)
    for patient in (person, discreet):
        TherapistAccess.objects.create(therapist=therapist, person=patient)
    phones = {patient: subscribe(patient, receiver) for patient in (person, discreet)}

    note_add(checkin=a_checkin(person), author=therapist, text="Good work.")
    note_add(checkin=a_checkin(discreet), author=therapist, text="Good work.")

    receiver.wait_for(2, timeout=20)
    [plain] = receiver.messages_for(phones[person])
    [hidden] = receiver.messages_for(phones[discreet])
    assert (plain.json()["title"], plain.json()["body"]) == ("Tonus", "Your therapist left a note")
    assert (hidden.json()["title"], hidden.json()["body"]) == ("Tonus", "New message in Tonus")


@pytest.mark.django_db(transaction=True)
def test_a_suggestion_for_a_child_reaches_each_caregiver_in_their_language(
    person, child, second_parent, therapist, receiver, celery_worker
):
    from backend.care.models import TherapistAccess

    TherapistAccess.objects.create(therapist=therapist, person=child)
    second_parent.language = "es"
    second_parent.save()
    mine, theirs = subscribe(person, receiver), subscribe(second_parent, receiver)

    proposal_create(person=child, therapist=therapist, message="Shorter sessions.")

    receiver.wait_for(2, timeout=20)
    assert [m.json()["body"] for m in receiver.messages_for(mine)] == ["Your therapist left a note"]
    assert [m.json()["body"] for m in receiver.messages_for(theirs)] == [
        "Tu terapeuta te ha dejado una nota"
    ]
