import csv
import io
import uuid
from datetime import UTC, datetime, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.checkins.export import COLUMNS, LOGGED_BY
from backend.checkins.models import CheckIn
from backend.reminders.models import Occurrence
from backend.reminders.tasks import dispatch_pass
from tests.reminders.test_dispatch import stretches
from tests.support.imports import import_csv, import_finished

FULL = {
    "tone": "1+",
    "pain": 6,
    "ease": 4,
    "rom_joint": "left ankle",
    "rom_degrees": 15,
    "rom_change": "easier",
    "minutes": 20,
    "technique": "myofascial_release",
    "worse_after": True,
    "stress": 3,
    "sleep": 7,
    "milestone": "Put on shoes almost painless",
    "notes": 'Calf, then hamstrings; "lighter" pressure\nnext time, ça va',
    "recorded_at": "2026-03-02T18:45:10+00:00",
}


def export(api_as) -> str:
    response = api_as.get("/api/v1/checkins/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_csv_export_round_trips_every_field(api_as, person, bulk_worker):
    stretches(person, time(8, 0))
    dispatch_pass(now=datetime(2027, 3, 1, 7, 0, tzinfo=UTC))
    occurrence = Occurrence.objects.get()
    api_as.post(
        "/api/v1/checkins/",
        FULL | {"idempotency_key": str(uuid.uuid4()), "occurrence": occurrence.id},
        format="json",
    )
    api_as.post(
        "/api/v1/checkins/",
        {
            "idempotency_key": str(uuid.uuid4()),
            "tone": "0",
            "pain": 0,
            "ease": 10,
            "recorded_at": "2026-03-03T08:00:00+00:00",
        },
        format="json",
    )
    before = list(
        CheckIn.objects.order_by("recorded_at").values(
            *[c for c in COLUMNS if c != "occurrence"], "occurrence_id"
        )
    )
    first = export(api_as)

    CheckIn.objects.all().delete()
    imported = import_csv(api_as, first)

    assert (imported["status"], imported["created"], imported["unchanged"]) == ("done", 2, 0)
    after = list(
        CheckIn.objects.order_by("recorded_at").values(
            *[c for c in COLUMNS if c != "occurrence"], "occurrence_id"
        )
    )
    assert after == before
    assert export(api_as) == first
    row = next(csv.DictReader(io.StringIO(first)))
    assert (row["tone"], row["worse_after"], row["notes"]) == ("1+", "yes", FULL["notes"])


@pytest.mark.django_db(transaction=True)
def test_importing_the_same_file_twice_adds_nothing(api_as, person, bulk_worker):
    api_as.post("/api/v1/checkins/", FULL | {"idempotency_key": str(uuid.uuid4())}, format="json")
    file = export(api_as)

    again = import_csv(api_as, file)

    assert (again["status"], again["created"], again["unchanged"]) == ("done", 0, 1)
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_file_can_be_uploaded_in_a_form(api_as, person, bulk_worker):
    api_as.post("/api/v1/checkins/", FULL | {"idempotency_key": str(uuid.uuid4())}, format="json")
    file = export(api_as)
    CheckIn.objects.all().delete()

    upload = SimpleUploadedFile("tonus-checkins.csv", file.encode(), content_type="text/csv")
    response = api_as.post("/api/v1/checkins/import/", {"file": upload}, format="multipart")

    assert response.status_code == 202
    job = import_finished(api_as, response["Location"])
    assert (job["status"], job["created"], job["unchanged"]) == ("done", 1, 0)
    assert export(api_as) == file


@pytest.mark.django_db
def test_a_form_without_the_file_or_with_other_fields_is_refused(api_as, person):
    upload = SimpleUploadedFile("a.csv", b"tone\n", content_type="text/csv")

    missing = api_as.post("/api/v1/checkins/import/", {}, format="multipart")
    extra = api_as.post(
        "/api/v1/checkins/import/", {"file": upload, "fiel": "x"}, format="multipart"
    )

    assert missing.status_code == 400 and "file" in missing.json()
    assert extra.status_code == 400 and "fiel" in extra.json()


@pytest.mark.django_db
def test_the_export_holds_only_the_persons_own_check_ins(api_as, person, outsider):
    api_as.post("/api/v1/checkins/", FULL | {"idempotency_key": str(uuid.uuid4())}, format="json")
    api_as.force_login(outsider)

    assert export(api_as).splitlines() == [",".join([*COLUMNS, LOGGED_BY])]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x.example")', "+1+1", "-2", "@SUM(A1)", "'=x"]
)
def test_text_a_spreadsheet_would_run_stays_text_and_comes_back_as_typed(
    api_as, person, text, bulk_worker
):
    sent = FULL | {"notes": text, "milestone": text, "idempotency_key": str(uuid.uuid4())}
    api_as.post("/api/v1/checkins/", sent, format="json")
    file = export(api_as)
    row = next(csv.DictReader(io.StringIO(file)))

    assert row["notes"] == row["milestone"] == f"'{text}"  # a spreadsheet shows it as text
    CheckIn.objects.all().delete()
    assert import_csv(api_as, file)["status"] == "done"
    assert CheckIn.objects.get().notes == text
