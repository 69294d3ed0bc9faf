"""The check-in CSV import: what the upload costs a web worker, and what the background job costs,
beside the import as it used to run inside the request (a serializer and a check-in made per row).

    .venv/bin/python bench/csv_import.py [--rows N]

Without --rows the file is as large as an upload may be (DATA_UPLOAD_MAX_MEMORY_SIZE). Runs on a
throwaway PostgreSQL database (DATABASE_URL, default .../tonus_bench_import) with production
settings. Fails only when a row is lost or stored twice.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import bench_environment, database_drop, database_recreate, manage  # noqa: E402

NOTES = "Calf then hamstrings, lighter pressure"


def csv_text(columns: list[str], *, rows: int | None, limit: int) -> str:
    start = datetime(2025, 1, 1, 8, tzinfo=UTC)
    lines = [",".join(columns)]
    size, number = len(lines[0]) + 1, 0
    while rows is None or number < rows:
        cells = {
            "idempotency_key": str(uuid.uuid4()),
            "recorded_at": (start + timedelta(minutes=30 * number)).isoformat(),
            "tone": "1+",
            "pain": str(number % 11),
            "ease": "6",
            "worse_after": "no",
            "notes": NOTES,
        }
        line = ",".join(cells.get(column, "") for column in columns)
        if rows is None and size + len(line) + 1 > limit:
            break
        lines.append(line)
        size += len(line) + 1
        number += 1
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None, help="rows in the file (default: fill)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tonus_bench_import")
    var_dir = Path(tempfile.mkdtemp(prefix="tonus-bench-import-"))
    os.environ.update(bench_environment(var_dir, url))
    database_recreate(url)
    try:
        manage("migrate", "--noinput")
        return measure(args.rows)
    finally:
        from django.db import connections

        connections.close_all()
        database_drop(url)


def measure(rows: int | None) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction

    from backend.accounts.models import User
    from backend.checkins.export import COLUMNS, checkins_from_csv
    from backend.checkins.imports import checkin_import_run, checkin_import_start
    from backend.checkins.models import CheckIn
    from backend.checkins.serializers import CheckInInputSerializer
    from backend.checkins.services import checkin_create

    text = csv_text(COLUMNS, rows=rows, limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    count = text.count("\n") - 1
    print(f"A file of {count:,} rows, {len(text.encode()) / 2**20:.2f} MB")

    def person(email: str) -> User:
        return User.objects.create_user(email=email, password=None, time_zone="Europe/Madrid")

    # The import as it ran inside the web request: a serializer and a check-in per row.
    before = person("row-by-row@example.com")
    began = time.perf_counter()
    checked = []
    for row in checkins_from_csv(text):
        serializer = CheckInInputSerializer(data=row, context={"person": before})
        serializer.is_valid(raise_exception=True)
        checked.append(serializer.validated_data)
    with transaction.atomic():
        for data in checked:
            checkin_create(person=before, recorded_by=before, **data)
    row_by_row = time.perf_counter() - began

    # Now: the request records the file; the worker checks it in chunks and inserts in bulk.
    after = person("background@example.com")
    began = time.perf_counter()
    job = checkin_import_start(person=after, by=after, text=text)
    upload = time.perf_counter() - began
    began = time.perf_counter()
    job = checkin_import_run(import_id=job.id)
    background = time.perf_counter() - began

    print(f"Row by row in the request (before):  {row_by_row:8.2f} s of a web worker")
    print(f"Upload answer (now):                 {upload * 1000:8.1f} ms of a web worker")
    print(f"Background import (now):             {background:8.2f} s of the bulk worker")
    print(f"web worker time, before ÷ now: {row_by_row / upload:,.0f}×")
    print(f"import time, row by row ÷ background: {row_by_row / background:.1f}×")
    stored = {who.email: CheckIn.objects.filter(person=who).count() for who in (before, after)}
    keys = CheckIn.objects.filter(person=after).values("idempotency_key").distinct().count()
    ok = (
        job.status == "done"
        and job.created_count == count == keys
        and set(stored.values()) == {count}
    )
    print(f"stored: {stored}; import {job.status}, {job.created_count} created")
    print("PASS: every row stored once" if ok else "FAIL: rows lost or stored twice")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
