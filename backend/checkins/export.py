"""The check-in log as CSV, and back: the export is the person's own copy of their data."""

import csv
import io

from backend.checkins.models import CheckIn, Tone
from backend.shared.spreadsheet import csv_text, csv_text_read

COLUMNS = [
    "idempotency_key", "recorded_at", "occurrence", "tone", "pain", "ease", "rom_joint",
    "rom_degrees", "rom_change", "minutes", "technique", "worse_after", "stress", "sleep",
    "milestone", "notes",
]  # fmt: skip
# Written, never read back: who logged the row when that was not the person (a caregiver).
LOGGED_BY = "logged_by"


def _cell(checkin: CheckIn, column: str) -> str:
    value = {
        "recorded_at": checkin.recorded_at.isoformat(),
        "occurrence": checkin.occurrence_id,
        "tone": Tone(checkin.tone).label,  # "1+", as people read it
        "worse_after": "yes" if checkin.worse_after else "no",
    }.get(column, getattr(checkin, column, None))
    if column == LOGGED_BY:
        by = checkin.recorded_by
        value = by.display_name if by is not None and by.id != checkin.person_id else None
    if isinstance(value, str):
        return csv_text(value)  # notes and names people typed: never a formula
    return "" if value is None else str(value)


def checkins_to_csv(checkins) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*COLUMNS, LOGGED_BY])
    for checkin in checkins.select_related("recorded_by"):
        writer.writerow([_cell(checkin, column) for column in [*COLUMNS, LOGGED_BY]])
    return out.getvalue()


def checkins_from_csv(text: str) -> list[dict]:
    """Rows as the check-in API takes them; validation is the API serializer's job."""
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        data = {column: csv_text_read(row.get(column) or "") for column in COLUMNS}
        for optional in ("occurrence", "rom_degrees", "minutes", "stress", "sleep"):
            if data[optional] == "":
                data[optional] = None
        data["worse_after"] = {"yes": True, "no": False}.get(
            data["worse_after"], data["worse_after"]
        )
        rows.append(data)
    return rows
