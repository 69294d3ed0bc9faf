"""The CSV import: a file of check-ins (as the export writes it), checked line by line and
stored all or nothing, in the background so that a large file never holds a web worker.

A row whose idempotency key is already stored is left as it is, so importing an export again
changes nothing. Imported check-ins are a record being restored, not news: they raise no
alerts and send nothing.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.checkins.export import checkins_from_csv
from backend.checkins.models import Baseline, CheckIn, CheckInImport
from backend.checkins.serializers import CheckInInputSerializer
from backend.reminders.models import Occurrence
from backend.reminders.selectors import occurrences_for_person
from backend.reminders.services import occurrence_done

# The API refuses a larger body before reading it (backend.shared.parsers); the page's upload
# is held to the same size.
MAX_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
# The lines a failed import names; the count says how many more there were.
REPORTED_LINES = 50
PROGRESS_EVERY = 500
INSERT_BATCH = 1000
# Another import of the same person inserting the same keys at once: look again and retry.
INSERT_TRIES = 3
ACTIVE = (CheckInImport.Status.QUEUED, CheckInImport.Status.RUNNING)


def checkin_import_start(*, person: User, by: User, text: str) -> CheckInImport:
    """Record the file for the background import. Only what can be told at once is refused
    here: a file too large or with no rows, or a second file while one is still importing."""
    import_size_check(len(text.encode()))
    rows = checkins_from_csv(text)
    if not rows:
        raise ValidationError({"file": _("No check-ins found in the file.")})
    if CheckInImport.objects.filter(person=person, status__in=ACTIVE).exists():
        raise ValidationError(
            {"file": _("A file is still being imported. Wait for it to finish, then try again.")}
        )
    return CheckInImport.objects.create(person=person, started_by=by, text=text, total=len(rows))


def checkin_import_run(*, import_id: int) -> CheckInImport | None:
    """Check every row, then store them all in one transaction, or none and name the lines."""
    claimed = CheckInImport.objects.filter(id=import_id, status__in=ACTIVE).update(
        status=CheckInImport.Status.RUNNING
    )
    if not claimed:
        return None  # finished already: a message delivered twice changes nothing
    job = CheckInImport.objects.select_related("person", "started_by").get(id=import_id)
    rows = checkins_from_csv(job.text)
    # The lines to correct are named in the language of whoever uploaded the file.
    with translation.override(_reader(job).language):
        valid, errors = _checked(job, rows)
    if errors:
        return _finish(
            job,
            status=CheckInImport.Status.FAILED,
            errors={"rows": dict(list(errors.items())[:REPORTED_LINES])},
            error_count=len(errors),
        )
    created = _store(job, valid)
    return _finish(
        job,
        status=CheckInImport.Status.DONE,
        created_count=created,
        unchanged_count=len(valid) - created,
    )


def checkin_import_fail(*, import_id: int) -> None:
    """The import broke for a reason of ours, not the file's: say so, store nothing."""
    job = CheckInImport.objects.select_related("person", "started_by").filter(id=import_id).first()
    if job is None:
        return
    with translation.override(_reader(job).language):
        message = _("The import stopped on our side. Please upload the file again.")
    CheckInImport.objects.filter(id=import_id, status__in=ACTIVE).update(
        status=CheckInImport.Status.FAILED,
        finished_at=timezone.now(),
        text="",
        errors={"file": [message]},
    )


def _reader(job: CheckInImport) -> User:
    return job.started_by or job.person


def import_size_check(size: int) -> None:
    if size > MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(size)s MB.") % {"size": _megabytes(MAX_BYTES)}}
        )


def _megabytes(size: int) -> str:
    return number_format(size / 2**20, decimal_pos=1 if size % 2**20 else 0)


def _checked(job: CheckInImport, rows: list[dict]) -> tuple[list[dict], dict[str, dict]]:
    # The file's reminders in one query, not one per row.
    wanted = {row["occurrence"] for row in rows if str(row["occurrence"] or "").isdigit()}
    occurrences = {
        occurrence.id: occurrence
        for occurrence in occurrences_for_person(user=job.person).filter(
            id__in=[int(value) for value in wanted]
        )
    }
    context = {"person": job.person, "occurrences": occurrences}
    valid, errors = [], {}
    for start in range(0, len(rows), PROGRESS_EVERY):
        chunk = rows[start : start + PROGRESS_EVERY]
        # A list serializer builds the row's fields once, not once a row.
        serializer = CheckInInputSerializer(data=chunk, many=True, context=context)
        if serializer.is_valid():
            valid.extend(serializer.validated_data)
        else:
            found = serializer.errors
            # By row index within the chunk (a dict, or a list with empty ones in older DRF).
            found = found.items() if isinstance(found, dict) else enumerate(found)
            for index, problems in found:
                if problems:
                    # Line numbers as a spreadsheet shows them: the header is line 1.
                    errors[str(start + int(index) + 2)] = problems
        CheckInImport.objects.filter(id=job.id).update(processed=start + len(chunk))
    return valid, errors


def _store(job: CheckInImport, rows: list[dict]) -> int:
    for attempt in range(INSERT_TRIES):
        try:
            with transaction.atomic():
                return _insert(job, rows)
        except IntegrityError:
            if attempt == INSERT_TRIES - 1:
                raise
    raise AssertionError("unreachable")


def _insert(job: CheckInImport, rows: list[dict]) -> int:
    person, by = job.person, job.started_by
    keys = [row["idempotency_key"] for row in rows]
    stored = set(
        CheckIn.objects.filter(person=person, idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    now = timezone.now()
    new, seen = [], set(stored)
    for row in rows:
        if row["idempotency_key"] in seen:
            continue  # stored before, or twice in this file: the first one counts
        seen.add(row["idempotency_key"])
        fields = {key: value for key, value in row.items() if key != "baseline"}
        fields["recorded_at"] = fields.get("recorded_at") or now
        new.append(CheckIn(person=person, recorded_by=by, **fields))
    CheckIn.objects.bulk_create(new, batch_size=INSERT_BATCH)
    _reminders_done(new, by=by)
    _baseline_keep(person=person, new=new, asked=[row for row in rows if row.get("baseline")])
    return len(new)


def _reminders_done(checkins: list[CheckIn], *, by: User | None) -> None:
    """A check-in that answers a reminder still open marks it done, as one sent live does."""
    open_ids = set(
        Occurrence.objects.filter(
            id__in=[checkin.occurrence_id for checkin in checkins if checkin.occurrence_id]
        )
        .exclude(status=Occurrence.Status.DONE)
        .values_list("id", flat=True)
    )
    for checkin in checkins:
        if checkin.occurrence_id in open_ids:
            occurrence_done(occurrence=checkin.occurrence, now=checkin.recorded_at, done_by=by)
            open_ids.discard(checkin.occurrence_id)


def _baseline_keep(*, person: User, new: list[CheckIn], asked: list[dict]) -> None:
    """The latest row marked as a baseline becomes it; with no baseline yet, the first one."""
    if not new:
        return
    current, _created = Baseline.objects.select_for_update().get_or_create(person=person)
    chosen = None
    if asked:
        keys = {row["idempotency_key"] for row in asked}
        marked = [checkin for checkin in new if checkin.idempotency_key in keys]
        chosen = max(marked, key=lambda c: c.recorded_at) if marked else None
    if chosen is None and current.checkin_id is None:
        chosen = min(new, key=lambda c: (c.recorded_at, c.id))
    if chosen is not None:
        current.checkin = chosen
        current.save(update_fields=["checkin", "set_at"])


def _finish(job: CheckInImport, *, status: str, **fields) -> CheckInImport:
    fields |= {"status": status, "finished_at": timezone.now(), "text": ""}
    CheckInImport.objects.filter(id=job.id).update(**fields)
    job.refresh_from_db()
    return job
