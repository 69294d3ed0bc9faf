"""A household with one of everything, built with the service functions: a parent with a
plan, check-ins, a device and a child in their care, and a therapist both share with."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from backend.accounts.models import User
from backend.accounts.services import api_token_create
from backend.care.models import SupportRelation, TherapistAccess
from backend.care.services import dependent_create, invitation_create
from backend.checkins.models import CheckInImport
from backend.checkins.services import alert_raise, checkin_create, note_add
from backend.goals.services import goal_create
from backend.plans.models import Schedule
from backend.plans.services import (
    SessionTime,
    StretchInput,
    massage_plan_save,
    proposal_create,
    safety_screen_record,
    stretch_routine_save,
)
from backend.reminders.calendar import calendar_feed_enable
from backend.reminders.models import Occurrence
from backend.reminders.services import device_subscribe
from backend.treatments.services import treatment_record
from tests.support.plans import NO


def _fill(subject: User, therapist: User) -> dict:
    safety_screen_record(person=subject, **NO)
    massage_plan_save(
        person=subject,
        sessions=[SessionTime(weekday=1, at=time(18, 30))],
        duration_minutes=15,
        technique="swedish",
        target_muscles=["gastrocnemius"],
        given_by="caregiver",
    )
    stretch_routine_save(
        person=subject,
        times=[time(8, 0)],
        stretches=[
            StretchInput(
                name="Calf stretch",
                target_muscle="gastrocnemius",
                side="both",
                hold_seconds=30,
                repetitions=3,
            )
        ],
    )
    checkin = checkin_create(
        person=subject, idempotency_key=uuid.uuid4(), tone=2, pain=5, ease=5, notes="Stiff"
    ).checkin
    note = note_add(checkin=checkin, author=therapist, text="Keep the stretches slow.")
    flag = alert_raise(person=subject, kind="pain", checkin=checkin)
    proposal = proposal_create(person=subject, therapist=therapist, message="Try 20 minutes")
    invitation, _code = invitation_create(person=subject, role="caregiver", created_by=subject)
    schedule = Schedule.objects.filter(person=subject, kind=Schedule.Kind.STRETCH).first()
    occurrence = Occurrence.objects.create(
        schedule=schedule,
        kind=schedule.kind,
        person=subject,
        local_date=date(2026, 11, 2),
        due_at=datetime(2026, 11, 2, 8, tzinfo=UTC),
        status=Occurrence.Status.ISSUED,
    )
    calendar_feed_enable(person=subject)
    goal = goal_create(person=subject, text="Put on shoes without help")
    event = treatment_record(
        person=subject, kind="botulinum_toxin", started_on=date(2026, 11, 2), muscles="left calf"
    )
    TherapistAccess.objects.create(therapist=therapist, person=subject)
    upload = CheckInImport.objects.create(
        person=subject, started_by=subject, total=1, status=CheckInImport.Status.DONE
    )
    return {
        "checkin_id": checkin.id,
        "note_id": note.id,
        "flag_id": flag.id,
        "proposal_id": proposal.id,
        "invitation_id": invitation.id,
        "occurrence_id": occurrence.id,
        "therapist_id": therapist.id,
        "goal_id": goal.id,
        "event_id": event.id,
        "import_id": upload.id,
    }


@dataclass
class Household:
    parent: User
    child: User
    therapist: User
    ids: dict = field(default_factory=dict)  # the parent's things, and the child's id
    child_ids: dict = field(default_factory=dict)


def household_build(make_person, receiver) -> Household:
    parent = make_person("parent@example.com", name="Sam")
    therapist = make_person("therapist@example.com", name="Dr. Lee")
    child = dependent_create(caregiver=parent, name="Emily", time_zone="Europe/London")
    ids = _fill(parent, therapist)
    child_ids = _fill(child, therapist)
    subscription = receiver.new_subscription().as_dict()
    device = device_subscribe(
        user=parent,
        endpoint=subscription["endpoint"],
        p256dh=subscription["keys"]["p256dh"],
        auth=subscription["keys"]["auth"],
    )
    token, _secret = api_token_create(
        user=parent, name="Clinic system", scope="read", expires_in_days=30
    )
    # The parent's circle: a support person of their own, and the child's caregiver is them.
    supporter = make_person("support@example.com", name="Jo")
    SupportRelation.objects.create(supporter=supporter, person=parent)
    ids |= {
        "person_id": child.id,
        "device_id": device.id,
        "token_id": token.id,
        "caregiver_id": parent.id,
        "supporter_id": supporter.id,
    }
    return Household(parent=parent, child=child, therapist=therapist, ids=ids, child_ids=child_ids)
