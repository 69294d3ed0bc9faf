"""A person takes all their data with them, or deletes their account and everything in it."""

import csv
import io
import json
import uuid
import zipfile

import pytest
from webpush.models import SubscriptionInfo

from backend.accounts.models import User
from backend.care.models import AccessLogEntry, CareRelation, Invitation, TherapistAccess
from backend.care.services import dependent_create, invitation_create
from backend.checkins.models import CheckIn
from backend.checkins.services import checkin_create, note_add
from backend.reminders.calendar import calendar_feed_enable
from backend.reminders.services import device_subscribe
from tests.conftest import PASSWORD
from tests.support.plans import stretch_routine

EXPORT = "/api/v1/export/"
EXPORT_CSV = "/api/v1/export/?file=csv"
DELETE = "/api/v1/accounts/delete/"


@pytest.fixture
def full(person, make_person, receiver, api_as):
    api_as.put("/api/v1/plans/stretches/", stretch_routine(), format="json")
    checkin = checkin_create(
        person=person, idempotency_key=uuid.uuid4(), tone=2, pain=4, ease=6, notes="after the walk"
    ).checkin
    therapist = make_person("therapist@example.com", name="Physio")
    TherapistAccess.objects.create(therapist=therapist, person=person)
    note_add(checkin=checkin, author=therapist, text="Good work")
    AccessLogEntry.objects.create(therapist=therapist, person=person, path="/checkins/trend/")
    invitation_create(person=person, role="caregiver", created_by=person)
    _feed, feed_token = calendar_feed_enable(person=person)
    keys = receiver.new_subscription().as_dict()
    device = device_subscribe(
        user=person, endpoint=keys["endpoint"], p256dh=keys["keys"]["p256dh"],
        auth=keys["keys"]["auth"], browser="chrome", user_agent="",
    )  # fmt: skip
    return {"checkin": checkin, "feed_token": feed_token, "device": device, "therapist": therapist}


@pytest.mark.django_db
def test_the_download_holds_everything_but_no_secrets(api_as, full):
    response = api_as.get(EXPORT)

    assert response["Content-Disposition"] == 'attachment; filename="tonus-data.json"'
    data = json.loads(response.content)
    assert data["person"]["email"] == "owner@example.com"
    assert [c["notes"] for c in data["checkins"]] == ["after the walk"]
    assert [n["text"] for n in data["therapist_notes"]] == ["Good work"]
    assert [s["name"] for s in data["stretches"]] == ["Calf stretch", "Hamstring stretch"]
    assert data["therapists"][0]["therapist__name"] == "Physio"
    assert [e["path"] for e in data["therapist_access_log"]] == ["/checkins/trend/"]
    assert data["invitations"][0]["role"] == "caregiver" and data["calendar_feed_on"] is True
    text = response.content.decode()
    for secret in (
        full["feed_token"],
        full["device"].p256dh,
        full["device"].auth,
        "pbkdf2",
        "md5$",
    ):
        assert secret not in text


@pytest.mark.django_db
def test_a_caregiver_downloads_a_childs_data_and_a_therapist_cannot(api_as, person, full):
    child = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    api_as.credentials(HTTP_X_TONUS_PERSON=str(child.id))
    assert json.loads(api_as.get(EXPORT).content)["person"]["name"] == "Emily"

    api_as.force_login(full["therapist"])
    api_as.credentials(HTTP_X_TONUS_PERSON=str(person.id))
    assert api_as.get(EXPORT).status_code == 404


def csv_files(response) -> dict[str, str]:
    """The download's files by name, decoded as a spreadsheet would."""
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
def test_the_csv_download_is_a_zip_with_a_file_for_each_kind_of_record(api_as, full):
    response = api_as.get(EXPORT_CSV)

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="tonus-data.zip"'
    files = {name: rows(text) for name, text in csv_files(response).items()}
    assert [p["email"] for p in files["person.csv"]] == ["owner@example.com"]
    assert [(c["notes"], c["pain"]) for c in files["checkins.csv"]] == [("after the walk", "4")]
    assert [n["text"] for n in files["therapist_notes.csv"]] == ["Good work"]
    assert [s["name"] for s in files["stretches.csv"]] == ["Calf stretch", "Hamstring stretch"]
    assert [t["therapist__name"] for t in files["therapists.csv"]] == ["Physio"]
    assert [e["path"] for e in files["therapist_access_log.csv"]] == ["/checkins/trend/"]
    assert [i["role"] for i in files["invitations.csv"]] == ["caregiver"]
    assert [d["browser"] for d in files["devices.csv"]] == ["chrome"]
    assert files["export.csv"][0]["calendar_feed_on"] == "true"
    text = "".join(csv_files(response).values())
    for secret in (full["feed_token"], full["device"].p256dh, full["device"].auth, "pbkdf2"):
        assert secret not in text


@pytest.mark.django_db
def test_the_csv_files_have_the_sections_and_columns_of_the_json(api_as, full):
    data = json.loads(api_as.get(EXPORT).content)
    files = csv_files(api_as.get(EXPORT_CSV))

    lists = {section: v for section, v in data.items() if isinstance(v, list)}
    assert set(files) == {f"{section}.csv" for section in lists} | {"person.csv", "export.csv"}
    assert header(files["person.csv"]) == list(data["person"])
    assert header(files["export.csv"]) == ["exported_at", "calendar_feed_on"]
    for section, json_rows in lists.items():
        assert len(rows(files[f"{section}.csv"])) == len(json_rows), section
        for row in json_rows:
            assert header(files[f"{section}.csv"]) == list(row), section
    # No suggestion was made: the file still names its columns.
    assert lists["plan_suggestions"] == []
    assert header(files["plan_suggestions.csv"])[:2] == ["therapist__name", "message"]


@pytest.mark.django_db
def test_the_csv_download_holds_no_one_elses_data(api_as, person, make_person, full):
    other = make_person("other@example.com", name="Someone Else")
    checkin_create(
        person=other, idempotency_key=uuid.uuid4(), tone=1, pain=2, ease=3, notes="their note"
    )
    child = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    checkin_create(
        person=child, idempotency_key=uuid.uuid4(), tone=1, pain=1, ease=9, notes="child's note"
    )

    text = "".join(csv_files(api_as.get(EXPORT_CSV)).values())

    assert "after the walk" in text
    for theirs in ("their note", "Someone Else", "other@example.com", "child's note", "Emily"):
        assert theirs not in text


@pytest.mark.django_db
def test_a_caregiver_downloads_a_childs_csv_and_not_their_own(api_as, person, full):
    child = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    checkin_create(
        person=child, idempotency_key=uuid.uuid4(), tone=1, pain=1, ease=9, notes="child's note"
    )
    api_as.credentials(HTTP_X_TONUS_PERSON=str(child.id))

    files = {name: rows(text) for name, text in csv_files(api_as.get(EXPORT_CSV)).items()}

    assert [(p["name"], p["email"]) for p in files["person.csv"]] == [("Emily", "")]
    assert [c["notes"] for c in files["checkins.csv"]] == ["child's note"]
    assert files["therapist_notes.csv"] == [] and files["devices.csv"] == []
    assert len(files["caregivers.csv"]) == 1


@pytest.mark.django_db
def test_a_therapist_gets_no_csv_download(api_as, person, full):
    api_as.force_login(full["therapist"])
    api_as.credentials(HTTP_X_TONUS_PERSON=str(person.id))

    response = api_as.get(EXPORT_CSV)

    assert response.status_code == 404 and b"after the walk" not in response.content


@pytest.mark.django_db
def test_text_a_spreadsheet_would_run_as_a_formula_stays_text(api_as, full):
    note_add(checkin=full["checkin"], author=full["therapist"], text='=HYPERLINK("http://x")')

    notes = rows(csv_files(api_as.get(EXPORT_CSV))["therapist_notes.csv"])

    assert [n["text"] for n in notes] == ["Good work", '\'=HYPERLINK("http://x")']


@pytest.mark.django_db
def test_an_unknown_kind_of_file_is_refused_naming_the_field(api_as, person):
    response = api_as.get(EXPORT, {"file": "xls"})

    assert response.status_code == 400 and "file" in response.json()


@pytest.mark.django_db
def test_the_settings_page_offers_both_downloads(client, person):
    client.force_login(person)

    page = client.get("/accounts/settings/").content.decode()

    assert f'href="{EXPORT}"' in page and "Download all my data (JSON)" in page
    assert f'href="{EXPORT_CSV}"' in page and "Download all my data (CSV)" in page


@pytest.mark.django_db
def test_a_wrong_password_deletes_nothing(api_as, person, full):
    response = api_as.post(DELETE, {"password": "not-it"}, format="json")

    assert response.status_code == 400 and "password" in response.json()
    assert User.objects.filter(id=person.id).exists()


@pytest.mark.django_db
def test_deleting_the_account_takes_everything_with_it(api_as, person, make_person, full):
    alone = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    shared = dependent_create(caregiver=person, name="Leo", time_zone="Europe/London")
    other_parent = make_person("parent2@example.com")
    CareRelation.objects.create(caregiver=other_parent, person=shared)

    response = api_as.post(DELETE, {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    assert not User.objects.filter(id__in=[person.id, alone.id]).exists()
    assert User.objects.filter(id=shared.id).exists()  # the other parent still cares for Leo
    assert not CheckIn.objects.exists()
    assert not SubscriptionInfo.objects.filter(id=full["device"].id).exists()
    assert not Invitation.objects.exists() and not AccessLogEntry.objects.exists()
    assert not TherapistAccess.objects.exists()
    assert api_as.get("/api/v1/accounts/me/").status_code == 403  # signed out


@pytest.mark.django_db
def test_the_settings_page_deletes_the_account_after_the_password(client, person):
    client.force_login(person)

    wrong = client.post("/accounts/delete/", {"delete-password": "nope"})
    assert wrong.status_code == 400 and "That is not your password." in wrong.content.decode()
    done = client.post("/accounts/delete/", {"delete-password": PASSWORD}, follow=True)

    assert "Your account and everything in it are deleted." in done.content.decode()
    assert not User.objects.filter(id=person.id).exists()
