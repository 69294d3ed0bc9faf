"""Everything Tonus holds about one person, for them to download (the right of access).

Secrets that would let someone act as the person are left out: password hash, push keys,
the calendar address and invitation codes (only their hashes are kept anyway). The same
sections come as one JSON file or as a zip with one CSV file each.
"""

import csv
import io
import json
import zipfile
import zoneinfo
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from backend.accounts.models import User
from backend.care.models import (
    AccessLogEntry,
    CareRelation,
    Invitation,
    SupportRelation,
    TherapistAccess,
)
from backend.checkins.models import (
    Baseline,
    CheckIn,
    CheckInChange,
    CheckInImport,
    Flag,
    Note,
)
from backend.goals.models import Goal, GoalRating
from backend.plans.models import (
    MassagePlan,
    PlanChange,
    Proposal,
    SafetyScreen,
    Schedule,
    Stretch,
    StretchRoutine,
)
from backend.reminders.models import CalendarFeed, Occurrence
from backend.reminders.selectors import devices_with_info
from backend.shared.spreadsheet import csv_text
from backend.treatments.models import TreatmentEvent


class Rows(list):
    """A section's rows that also know their columns: a CSV with no rows still has its header."""

    def __init__(self, fields, rows=()):
        super().__init__(rows)
        self.fields = list(fields)


def _rows(queryset, *fields) -> Rows:
    return Rows(fields, queryset.values(*fields))


CHECKIN_FIELDS = [
    "id", "recorded_at", "tone", "pain", "ease", "rom_joint", "rom_degrees", "rom_change",
    "minutes", "technique", "worse_after", "stress", "sleep", "milestone", "notes",
]  # fmt: skip


def _checkins(person: User) -> Rows:
    """The check-ins, each with who logged it when that was not the person (a caregiver)."""
    checkins = CheckIn.objects.filter(person=person).select_related("recorded_by")
    rows = []
    for checkin in checkins.order_by("recorded_at", "id"):
        row = {field: getattr(checkin, field) for field in CHECKIN_FIELDS}
        by = checkin.recorded_by
        row["logged_by"] = by.display_name if by is not None and by.id != person.id else ""
        rows.append(row)
    return Rows([*CHECKIN_FIELDS, "logged_by"], rows)


def person_data(*, person: User, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    devices = [
        {"name": d.tonus_device.name if hasattr(d, "tonus_device") else "", "browser": d.browser}
        for d in devices_with_info(user=person)
    ]
    return {
        "exported_at": now.astimezone(UTC).isoformat(),
        "person": {
            "email": person.email,
            "name": person.name,
            "birth_year": person.birth_year,
            "time_zone": str(person.time_zone),
            "quiet_hours_start": person.quiet_hours_start,
            "quiet_hours_end": person.quiet_hours_end,
            "reminders_paused": person.reminders_paused,
            "paused_until": person.paused_until,
            "discreet_notifications": person.discreet_notifications,
            "date_joined": person.date_joined,
        },
        "massage_plan": _rows(
            MassagePlan.objects.filter(person=person),
            "duration_minutes", "technique", "target_muscles", "given_by", "created_at",
            "updated_at",
        ),
        "stretch_routine": _rows(StretchRoutine.objects.filter(person=person), "updated_at"),
        "stretches": _rows(
            Stretch.objects.filter(routine__person=person),
            "name", "target_muscle", "side", "hold_seconds", "repetitions",
        ),
        "schedules": _rows(
            Schedule.objects.filter(person=person),
            "kind", "weekday", "local_time", "time_zone", "next_due_at",
        ),
        "safety_screens": _rows(
            SafetyScreen.objects.filter(person=person), "answered_at", *SafetyScreen.QUESTIONS
        ),
        "plan_changes": _rows(PlanChange.objects.filter(person=person), "changed_at", "summary"),
        "plan_suggestions": _rows(
            Proposal.objects.filter(person=person),
            "therapist__name", "message", "duration_minutes", "technique", "status",
            "created_at", "decided_at", "read_at",
        ),
        "reminders": _rows(
            Occurrence.objects.filter(person=person),
            "kind", "local_date", "due_at", "status", "skip_reason", "issued_at", "done_at",
        ),
        "checkins": _checkins(person),
        "therapist_notes": _rows(
            Note.objects.filter(checkin__person=person),
            "checkin_id", "author_name", "text", "created_at", "read_at",
        ),
        "baseline": _rows(Baseline.objects.filter(person=person), "checkin_id", "set_at"),
        # Every correction, amendment and deletion, with what the check-in held before.
        "checkin_changes": _rows(
            CheckInChange.objects.filter(person=person),
            "checkin_number", "kind", "changed_by_name", "changed_at", "before", "after", "reason",
        ),
        # What each upload did; its file is kept only until it is imported.
        "checkin_imports": _rows(
            CheckInImport.objects.filter(person=person),
            "created_at", "status", "total", "created_count", "unchanged_count", "error_count",
            "finished_at",
        ),
        "flags": _rows(
            Flag.objects.filter(person=person), "kind", "checkin_id", "created_at", "resolved_at",
            "resolved_by_name", "resolution",
        ),
        "goals": _rows(
            Goal.objects.filter(person=person),
            "id", "text", "status", "earlier_texts", "created_at", "closed_at",
        ),
        "goal_ratings": _rows(
            GoalRating.objects.filter(goal__person=person),
            "goal_id", "score", "window_start", "rated_at", "superseded_at",
        ),
        "treatments": _rows(
            TreatmentEvent.objects.filter(person=person),
            "kind", "started_on", "ended_on", "muscles", "medicine", "change", "note",
            "created_at",
        ),
        "caregivers": _rows(
            CareRelation.objects.filter(person=person), "caregiver__name", "created_at"
        ),
        "support_people": _rows(
            SupportRelation.objects.filter(person=person), "supporter__name", "created_at"
        ),
        "therapists": _rows(
            TherapistAccess.objects.filter(person=person),
            "therapist__name", "therapist__email", "granted_at", "revoked_at",
        ),
        "therapist_access_log": _rows(
            AccessLogEntry.objects.filter(person=person), "therapist_name", "path", "at"
        ),
        "invitations": _rows(
            Invitation.objects.filter(person=person),
            "role", "created_at", "expires_at", "accepted_at",
        ),
        "calendar_feed_on": CalendarFeed.objects.filter(person=person).exists(),
        "devices": Rows(["name", "browser"], devices),
    }  # fmt: skip


class ExportEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, zoneinfo.ZoneInfo):
            return str(o)
        return super().default(o)


def person_data_json(*, person: User) -> str:
    return json.dumps(person_data(person=person), cls=ExportEncoder, indent=2, ensure_ascii=False)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    # Dates, times, true/false and lists written as the JSON download writes them.
    encoded = json.loads(json.dumps(value, cls=ExportEncoder))
    return encoded if isinstance(encoded, str) else json.dumps(encoded, ensure_ascii=False)


def _csv(fields: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_cell(row[field]) for field in fields])
    # With the byte order mark, spreadsheets read accented names as UTF-8.
    return out.getvalue().encode("utf-8-sig")


def person_data_zip(*, person: User) -> bytes:
    """The JSON download's sections, one CSV each: a list is a file of rows, the person a
    file of one row, and the single values (when, the calendar switch) export.csv."""
    files, single = {}, {}
    for section, value in person_data(person=person).items():
        if isinstance(value, Rows):
            files[section] = (value.fields, value)
        elif isinstance(value, dict):
            files[section] = (list(value), [value])
        else:
            single[section] = value
    files["export"] = (list(single), [single])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for section, (fields, rows) in files.items():
            zipped.writestr(f"{section}.csv", _csv(fields, rows))
    return archive.getvalue()
