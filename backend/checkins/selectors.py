"""Reads for the trend view: a fixed number of queries however long the history is."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from math import ceil
from statistics import fmean

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery

from backend.accounts.models import User
from backend.care.access import patients_of, people_with_a_therapist
from backend.checkins.models import Baseline, CheckIn, CheckInChange, CheckInImport, Flag, Note
from backend.checkins.reassessment import (
    BASELINE_DAYS,
    RECENT_DAYS,
    Reassessment,
    reassess,
    window_opened,
)
from backend.plans.models import PlanChange, Schedule
from backend.plans.selectors import proposals_for_person
from backend.reminders.models import Occurrence

SERIES_FIELDS = [
    "id",
    "recorded_at",
    "tone",
    "pain",
    "ease",
    "rom_joint",
    "rom_degrees",
    "rom_change",
]


def _recorders_name(series: list[dict]) -> None:
    """Each point's recorded_by: {id, name} of who logged it, or None when not known."""
    ids = {point["recorded_by_id"] for point in series if point["recorded_by_id"]}
    names = {user.id: user.display_name for user in User.objects.filter(id__in=ids)}
    for point in series:
        by = point.pop("recorded_by_id")
        point["recorded_by"] = {"id": by, "name": names[by]} if by in names else None


def checkins_for_person(*, person: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(person=person)


def with_changes(checkins: QuerySet[CheckIn]) -> QuerySet[CheckIn]:
    """Each check-in with its latest correction or amendment: `changed_at` and `change_kind`
    (None when never changed). What every page and the API show as "amended"."""
    latest = CheckInChange.objects.filter(checkin=OuterRef("pk")).order_by("-changed_at", "-id")
    return checkins.annotate(
        changed_at=Subquery(latest.values("changed_at")[:1]),
        change_kind=Subquery(latest.values("kind")[:1]),
    )


def change_state_of(checkin: CheckIn) -> tuple[datetime | None, str | None]:
    """(changed_at, change_kind) of one check-in, annotated by with_changes or looked up."""
    if not hasattr(checkin, "change_kind"):
        if checkin.pk is None:
            return None, None
        latest = with_changes(CheckIn.objects.filter(pk=checkin.pk)).first()
        checkin.changed_at, checkin.change_kind = (
            (latest.changed_at, latest.change_kind) if latest else (None, None)
        )
    return checkin.changed_at, checkin.change_kind


def checkin_history(*, person: User, checkin_id: int) -> QuerySet[CheckInChange]:
    """The changes of one of the person's check-ins, oldest first; kept after a deletion."""
    return CheckInChange.objects.filter(person=person, checkin_number=checkin_id)


def baseline_of(*, person: User) -> CheckIn | None:
    baseline = Baseline.objects.filter(person=person).select_related("checkin").first()
    return baseline.checkin if baseline else None


@dataclass(frozen=True)
class WeekAdherence:
    week_start: date
    massage_planned: int
    massage_done: int
    stretch_days_planned: int
    stretch_days_done: int


def adherence_by_week(*, person: User, since: date | None = None) -> list[WeekAdherence]:
    """Sessions done against planned, and stretch days done against planned, by local week."""
    occurrences = Occurrence.objects.filter(person=person).exclude(status=Occurrence.Status.SKIPPED)
    if since:
        occurrences = occurrences.filter(local_date__gte=since)
    rows = occurrences.annotate(
        checked_in=Exists(CheckIn.objects.filter(occurrence=OuterRef("pk")))
    ).values_list("kind", "local_date", "status", "checked_in")
    massage = defaultdict(lambda: [0, 0])
    stretch_days: dict[date, dict[date, bool]] = defaultdict(dict)
    for kind, day, status, checked_in in rows:
        week = day - timedelta(days=day.weekday())
        done = status == Occurrence.Status.DONE or checked_in
        if kind == Schedule.Kind.MASSAGE:
            massage[week][0] += 1
            massage[week][1] += done
        else:
            stretch_days[week][day] = stretch_days[week].get(day, False) or done
    weeks = sorted(set(massage) | set(stretch_days))
    return [
        WeekAdherence(
            week_start=week,
            massage_planned=massage[week][0],
            massage_done=massage[week][1],
            stretch_days_planned=len(stretch_days[week]),
            stretch_days_done=sum(stretch_days[week].values()),
        )
        for week in weeks
    ]


# A week "met the plan" when every massage session was done and most stretch days were.
STRETCH_DAYS_SHARE = 0.7
# Fewer weeks than this on either side and the comparison would say more than it knows.
MIN_WEEKS_TO_COMPARE = 2


def week_met_plan(*, week: WeekAdherence) -> bool:
    return week.massage_done >= week.massage_planned and week.stretch_days_done >= ceil(
        STRETCH_DAYS_SHARE * week.stretch_days_planned
    )


@dataclass(frozen=True)
class OutcomeGroup:
    weeks: int
    mean_pain: float | None
    mean_tone: float | None  # on the ordinal scale, 0..5


@dataclass(frozen=True)
class AdherenceOutcome:
    enough: bool
    met: OutcomeGroup
    not_met: OutcomeGroup


def adherence_outcome(
    *, adherence: list[WeekAdherence], series: list[dict], zone
) -> AdherenceOutcome:
    """Pain and tone in weeks that met the plan against weeks that did not."""
    met_weeks = {w.week_start for w in adherence if week_met_plan(week=w)}
    missed_weeks = {w.week_start for w in adherence} - met_weeks
    values = {True: ([], []), False: ([], [])}
    for point in series:
        day = point["recorded_at"].astimezone(zone).date()
        week = day - timedelta(days=day.weekday())
        if week in met_weeks or week in missed_weeks:
            pains, tones = values[week in met_weeks]
            pains.append(point["pain"])
            tones.append(point["tone"])

    def group(weeks: set, key: bool) -> OutcomeGroup:
        pains, tones = values[key]
        return OutcomeGroup(
            weeks=len(weeks),
            mean_pain=round(fmean(pains), 1) if pains else None,
            mean_tone=round(fmean(tones), 1) if tones else None,
        )

    met, not_met = group(met_weeks, True), group(missed_weeks, False)
    enough = all(
        g.weeks >= MIN_WEEKS_TO_COMPARE and g.mean_pain is not None for g in (met, not_met)
    )
    return AdherenceOutcome(enough=enough, met=met, not_met=not_met)


def reassessment_of(*, person: User, baseline: CheckIn, today: date) -> Reassessment:
    """The card's verdict from two windows of the person's check-ins: the baseline week and
    the last RECENT_DAYS local days up to and including today. One query."""
    zone = person.time_zone
    week_start = baseline.recorded_at
    week_end = week_start + timedelta(days=BASELINE_DAYS)
    recent_start = datetime.combine(today - timedelta(days=RECENT_DAYS - 1), time.min, tzinfo=zone)
    recent_end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone)
    rows = list(
        checkins_for_person(person=person)
        .filter(
            Q(recorded_at__gte=week_start, recorded_at__lt=week_end)
            | Q(recorded_at__gte=recent_start, recorded_at__lt=recent_end)
        )
        .order_by("recorded_at", "id")
        .values_list("recorded_at", "tone", "pain")
    )
    recent = [row for row in rows if recent_start <= row[0] < recent_end]
    return reassess(
        plan_started=week_start.astimezone(zone).date(),
        today=today,
        baseline_week=[(t, p) for at, t, p in rows if week_start <= at < week_end],
        recent=[(t, p) for _at, t, p in recent],
        latest_on=recent[-1][0].astimezone(zone).date() if recent else None,
    )


@dataclass(frozen=True)
class Trend:
    series: list[dict]
    plan_changes: list[dict]
    adherence: list[WeekAdherence]
    baseline: CheckIn | None
    latest: dict | None
    reassessment: Reassessment | None
    open_flags: list[Flag]
    adherence_outcome: AdherenceOutcome


def trend_for_person(
    *, person: User, today: date, since: datetime | None = None, until: datetime | None = None
) -> Trend:
    checkins = checkins_for_person(person=person)
    if since:
        checkins = checkins.filter(recorded_at__gte=since)
    if until:
        checkins = checkins.filter(recorded_at__lt=until)
    series = list(checkins.order_by("recorded_at", "id").values(*SERIES_FIELDS, "recorded_by_id"))
    _recorders_name(series)
    baseline = baseline_of(person=person)
    latest = series[-1] if series else None
    reassessment = (
        None if baseline is None else reassessment_of(person=person, baseline=baseline, today=today)
    )
    adherence = adherence_by_week(person=person)
    return Trend(
        series=series,
        plan_changes=list(PlanChange.objects.filter(person=person).values("changed_at", "summary")),
        adherence=adherence,
        adherence_outcome=adherence_outcome(
            adherence=adherence, series=series, zone=person.time_zone
        ),
        baseline=baseline,
        latest=latest,
        reassessment=reassessment,
        # What the person's own pages say of: the overstimulation guard. Therapists' other
        # alerts are theirs.
        open_flags=list(
            Flag.objects.filter(
                person=person, kind=Flag.Kind.OVERSTIMULATION, resolved_at__isnull=True
            )[:20]
        ),
    )


# No practice and no check-in for this long: the therapist hears the person has stalled.
STALLED_AFTER = timedelta(days=14)


def _latest(queryset, field: str):
    return Subquery(
        queryset.filter(person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(latest=Max(field))
        .values("latest")[:1]
    )


def stalled_people(*, now: datetime) -> list[User]:
    """People with a therapist, nothing done and nothing checked in for STALLED_AFTER, and no
    stalled alert since they were last active: one alert a lull, however long it lasts."""
    since = now - STALLED_AFTER
    people = people_with_a_therapist().annotate(
        last_done=_latest(Occurrence.objects.filter(status=Occurrence.Status.DONE), "done_at"),
        last_checkin=_latest(CheckIn.objects.all(), "recorded_at"),
        last_stalled=_latest(Flag.objects.filter(kind=Flag.Kind.STALLED), "created_at"),
        open_stalled=Exists(
            Flag.objects.filter(
                person=OuterRef("pk"), kind=Flag.Kind.STALLED, resolved_at__isnull=True
            )
        ),
    )
    found = []
    for person in people.filter(open_stalled=False).order_by("id"):
        active = max(t for t in (person.last_done, person.last_checkin, person.date_joined) if t)
        if active <= since and (person.last_stalled is None or person.last_stalled < active):
            found.append(person)
    return found


def alerts_for(*, therapist: User, resolved: bool = False, limit: int = 50) -> list[Flag]:
    """Alerts about the therapist's patients, newest first: open ones, or the history."""
    return list(
        Flag.objects.filter(person__in=patients_of(therapist), resolved_at__isnull=not resolved)
        .select_related("person", "checkin")
        .order_by("-resolved_at" if resolved else "-created_at", "-id")[:limit]
    )


def alerts_of_person(*, person: User) -> QuerySet[Flag]:
    return Flag.objects.filter(person=person).select_related("checkin", "person")


@dataclass(frozen=True)
class TherapistMessage:
    """A note on a check-in or a suggested plan change, as the Home card shows it."""

    kind: str  # "note" or "suggestion"
    id: int
    author: str
    text: str
    created_at: datetime


def unread_therapist_messages(*, person: User) -> list[TherapistMessage]:
    """Notes and suggestions for the person that nobody in their circle has opened yet."""
    notes = [
        TherapistMessage("note", n.id, n.author_name, n.text, n.created_at)
        for n in Note.objects.filter(checkin__person=person, read_at__isnull=True)
    ]
    suggestions = [
        TherapistMessage("suggestion", p.id, p.therapist.display_name, p.message, p.created_at)
        for p in proposals_for_person(person=person).filter(read_at__isnull=True)
    ]
    return sorted(notes + suggestions, key=lambda m: m.created_at, reverse=True)


def notes_for_person(*, person: User) -> QuerySet[Note]:
    return Note.objects.filter(checkin__person=person)


def checkin_imports_of(*, person: User) -> QuerySet[CheckInImport]:
    return CheckInImport.objects.filter(person=person).select_related("started_by")


def reassessment_window_start(*, person: User, today: date) -> date:
    """The day the open or latest reassessment window opened: what a goal's rating belongs to.
    Before the first window, the starting point's day; with no starting point yet, today."""
    baseline = baseline_of(person=person)
    if baseline is None:
        return today
    started = baseline.recorded_at.astimezone(person.time_zone).date()
    opened = window_opened((today - started).days)
    return started if opened is None else started + timedelta(days=opened)
