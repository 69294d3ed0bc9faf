"""The check-in CSV import: checked and stored by the worker of long jobs, all or nothing."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.checkins.export import COLUMNS
from backend.checkins.models import Baseline, CheckIn, CheckInImport
from tests.support.imports import IMPORT, import_csv, import_finished

HEADER = ",".join(COLUMNS)
START = datetime(2025, 1, 1, 8, tzinfo=UTC)


def row(number: int, *, tone: str = "1+", pain: int = 4, notes: str = "") -> str:
    cells = {
        "idempotency_key": str(uuid.uuid4()),
        "recorded_at": (START + timedelta(minutes=30 * number)).isoformat(),
        "tone": tone,
        "pain": str(pain),
        "ease": "6",
        "worse_after": "no",
        "notes": notes,
    }
    return ",".join(cells.get(column, "") for column in COLUMNS)


def csv_file(rows: list[str]) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def at_the_size_limit() -> str:
    """Valid rows, as many as fit under the upload limit."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    lines, size, number = [HEADER], len(HEADER) + 1, 0
    while True:
        line = row(number, pain=number % 11, notes="Calf then hamstrings, lighter pressure")
        if size + len(line) + 1 > limit:
            return "\n".join(lines) + "\n"
        lines.append(line)
        size += len(line) + 1
        number += 1


@pytest.mark.django_db(transaction=True)
def test_a_file_at_the_size_limit_is_imported_in_the_background(api_as, person, bulk_worker):
    text = at_the_size_limit()
    rows = text.count("\n") - 1

    response = api_as.post(IMPORT, text, content_type="text/csv")

    # The web request only records the file: the worker checks and stores it.
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert response.json()["total"] == rows
    job = import_finished(api_as, response["Location"], timeout=300)
    assert (job["status"], job["created"], job["unchanged"]) == ("done", rows, 0), job["errors"]
    assert job["processed"] == rows
    assert CheckIn.objects.filter(person=person, recorded_by=person).count() == rows
    # With no baseline yet, the earliest row becomes it.
    assert Baseline.objects.get(person=person).checkin.recorded_at == START
    # The file is not kept once the check-ins are.
    assert CheckInImport.objects.get().text == ""


@pytest.mark.django_db(transaction=True)
def test_a_broken_row_is_named_by_its_line_and_nothing_is_stored(api_as, person, bulk_worker):
    good = [row(number) for number in range(40)]
    broken = good[:6] + [row(6, tone="5"), *good[7:20], row(20, pain=11), *good[21:]]

    job = import_csv(api_as, csv_file(broken))

    assert job["status"] == "failed"
    # Line 1 is the header: the seventh row is line 8.
    assert job["errors"] == {
        "rows": {
            "8": {"tone": ['"5" is not a valid choice.']},
            "22": {"pain": ["Ensure this value is less than or equal to 10."]},
        }
    }
    assert job["error_count"] == 2
    assert job["created"] is None
    assert not CheckIn.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_page_shows_the_import_and_then_its_result(client, person, bulk_worker):
    client.force_login(person)
    upload = SimpleUploadedFile("mine.csv", csv_file([row(1), row(2)]).encode(), "text/csv")

    response = client.post("/checkins/import/", {"file": upload})

    assert response.status_code == 302
    status_page = response["Location"]
    job = CheckInImport.objects.get()
    import_finished(client, f"/api/v1/checkins/imports/{job.id}/")
    page = client.get(status_page).content.decode()
    assert "Imported: 2 check-ins added." in page
    assert "2 check-ins added" in client.get("/checkins/import/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_page_names_the_lines_to_correct(client, person, bulk_worker):
    client.force_login(person)
    upload = SimpleUploadedFile(
        "mine.csv", csv_file([row(1), row(2, tone="9")]).encode(), "text/csv"
    )

    status_page = client.post("/checkins/import/", {"file": upload})["Location"]
    import_finished(client, f"/api/v1/checkins/imports/{CheckInImport.objects.get().id}/")
    page = client.get(status_page).content.decode()

    assert "Nothing was imported." in page
    assert "<td>3</td><td>tone</td>" in page
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_a_second_file_waits_for_the_first(api_as, person):
    # No worker runs here: the first import stays queued.
    first = api_as.post(IMPORT, csv_file([row(1)]), content_type="text/csv")
    second = api_as.post(IMPORT, csv_file([row(2)]), content_type="text/csv")

    assert first.status_code == 202
    assert second.status_code == 400
    assert list(second.json()) == ["file"]
    assert CheckInImport.objects.count() == 1


@pytest.mark.django_db
def test_what_can_be_told_at_once_is_a_400_naming_the_file(api_as, client, person):
    empty = api_as.post(IMPORT, HEADER + "\n", content_type="text/csv")
    not_utf8 = api_as.post(IMPORT, "tone\n1+\n".encode("utf-16"), content_type="text/csv")
    client.force_login(person)
    big = SimpleUploadedFile(
        "big.csv", b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "text/csv"
    )
    page = client.post("/checkins/import/", {"file": big})

    assert empty.status_code == 400 and list(empty.json()) == ["file"]
    assert not_utf8.status_code == 400
    assert page.status_code == 400
    assert "The file is larger than 2.5 MB." in page.content.decode()
    assert not CheckInImport.objects.exists()


@pytest.mark.django_db
def test_someone_elses_import_is_not_found(api_as, make_person):
    other = make_person("other@example.com")
    job = CheckInImport.objects.create(person=other, started_by=other, total=1)

    assert api_as.get(f"/api/v1/checkins/imports/{job.id}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_lines_to_correct_are_named_in_the_uploaders_language(api_as, person, bulk_worker):
    person.language = "es"
    person.save(update_fields=["language"])

    job = import_csv(api_as, csv_file([row(1), row(2, tone="5")]))

    assert job["errors"] == {"rows": {"3": {"tone": ['"5" no es una elección válida.']}}}
