"""The access log is the person's record of who looked at their data: a therapist cannot
erase it by leaving, and every entry can be found again, a page at a time, by who looked."""

import uuid

import pytest

from backend.care.access import access_log_record_many
from backend.care.models import TherapistAccess
from backend.checkins.services import checkin_create, note_add
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_therapist_who_deletes_their_account_leaves_their_traces_behind(
    client, api, person, with_therapist
):
    therapist = with_therapist
    therapist.name = "Dr Ruiz"
    therapist.save(update_fields=["name"])
    checkin = checkin_create(person=person, idempotency_key=uuid.uuid4(), tone=2, pain=4, ease=5)
    client.force_login(therapist)
    client.post(f"/care/switch/{person.id}/")
    assert client.get("/checkins/trend/").status_code == 200
    note_add(checkin=checkin.checkin, author=therapist, text="Hold each stretch a little longer.")

    api.force_login(therapist)
    gone = api.post("/api/v1/accounts/delete/", {"password": PASSWORD}, format="json")

    assert gone.status_code == 204
    client.force_login(person)
    assert "Dr Ruiz looked at the trend" in client.get("/care/").content.decode()
    assert "Note from Dr Ruiz: Hold each stretch a little longer." in " ".join(
        client.get("/checkins/trend/").content.decode().split()
    )
    api.force_login(person)
    [entry] = api.get("/api/v1/care/access-log/").json()["results"]
    assert (entry["therapist"], entry["path"]) == ("Dr Ruiz", "/checkins/trend/")


@pytest.fixture
def long_log(person, make_person):
    """120 looks by Dr Ruiz, then 30 by Dr Sala, oldest first."""
    ruiz = make_person("ruiz@example.com", name="Dr Ruiz")
    sala = make_person("sala@example.com", name="Dr Sala")
    for therapist in (ruiz, sala):
        TherapistAccess.objects.create(therapist=therapist, person=person)
    for number in range(120):
        access_log_record_many(therapist=ruiz, people=[person], path=f"/ruiz/{number}/")
    for number in range(30):
        access_log_record_many(therapist=sala, people=[person], path=f"/sala/{number}/")
    return ruiz, sala


def test_a_person_pages_through_every_look_and_filters_by_who(api_as, long_log):
    pages, url = [], "/api/v1/care/access-log/"
    while url:
        page = api_as.get(url).json()
        pages.append([entry["path"] for entry in page["results"]])
        url = page["next"]

    assert [len(page) for page in pages] == [50, 50, 50]
    seen = [path for page in pages for path in page]
    assert seen[:2] == ["/sala/29/", "/sala/28/"]  # latest first
    assert seen[-1] == "/ruiz/0/"  # the very first is there too
    assert len(set(seen)) == 150

    ruiz = api_as.get("/api/v1/care/access-log/", {"who": "Dr Ruiz", "page": 3}).json()
    assert ruiz["count"] == 120
    assert [entry["path"] for entry in ruiz["results"]] == [
        f"/ruiz/{n}/" for n in range(19, -1, -1)
    ]


def test_the_access_log_page_shows_every_look_a_page_at_a_time(client, person, long_log):
    client.force_login(person)

    first = client.get("/care/access-log/").content.decode()
    last = client.get("/care/access-log/", {"page": 3}).content.decode()
    sala = client.get("/care/access-log/", {"who": "Dr Sala"}).content.decode()

    assert "Dr Sala looked at /sala/29/" in first
    assert "Page 1 of 3" in first
    assert "Dr Ruiz looked at /ruiz/0/" in last
    assert sala.count("Dr Sala looked at") == 30
    assert "Dr Ruiz looked at" not in sala


@pytest.mark.parametrize(
    ("query", "field"), [({"page": "many"}, "page"), ({"who": "Dr Nobody"}, "who")]
)
def test_a_bad_filter_is_refused_naming_it(client, api_as, person, long_log, query, field):
    client.force_login(person)

    page = client.get("/care/access-log/", query)
    answer = api_as.get("/api/v1/care/access-log/", {"page": "many"})

    assert page.status_code == 400
    assert page.context["form"].errors.keys() == {field}
    assert answer.status_code == 400
    assert list(answer.json()) == ["page"]


def test_a_therapist_cannot_read_the_log(client, person, with_therapist):
    client.force_login(with_therapist)
    client.post(f"/care/switch/{person.id}/")

    assert client.get("/care/access-log/").status_code == 404
