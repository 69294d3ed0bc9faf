"""Telling support people of a reminder still undone, and what they can do from there.

End to end: the dispatcher pass, a real Celery worker and the local push receiver, which
checks VAPID and decrypts what each phone would show.
"""

import json
import signal
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from webpush.models import SubscriptionInfo

from backend.care.models import CareRelation, Invitation
from backend.care.services import (
    dependent_create,
    invitation_accept,
    invitation_create,
    support_person_remove,
)
from backend.plans.models import Schedule
from backend.plans.services import stretch_routine_save
from backend.reminders.delivery import occurrences_send
from backend.reminders.dispatch import STALLED_AFTER
from backend.reminders.messages import escalation_payload, escalation_token
from backend.reminders.models import Delivery, Occurrence
from backend.reminders.tasks import dispatch_pass
from tests.reminders.test_dispatch import CALF
from tests.reminders.test_faults import (  # noqa: F401 (workers: a fixture)
    BATCH,
    claims_run_out,
    drained,
    sent,
    workers,
)
from tests.reminders.test_messages import HEALTH_WORDS
from tests.reminders.test_sending import subscribe
from tests.support.plans import stretch_routine
from tests.support.waiting import wait_until

ACTION_URL = "/api/v1/reminders/action/"


def issued_occurrence(person, api_as) -> Occurrence:
    api_as.put("/api/v1/plans/stretches/", stretch_routine(times=["08:00"]), format="json")
    schedule = Schedule.objects.get(person=person)
    return Occurrence.objects.create(
        schedule=schedule,
        kind=schedule.kind,
        person=person,
        local_date=date(2026, 11, 2),
        due_at=datetime(2026, 11, 2, 8, tzinfo=UTC),
        status=Occurrence.Status.ISSUED,
    )


@pytest.mark.django_db
def test_a_caregiver_marking_a_childs_reminder_done_is_noted_as_who_did_it(api_as, person, child):
    api_as.credentials(HTTP_X_TONUS_PERSON=str(child.id))
    occurrence = issued_occurrence(child, api_as)

    response = api_as.post(f"/api/v1/occurrences/{occurrence.id}/done/")

    assert response.status_code == 200
    assert response.json()["done_by"] == person.display_name
    occurrence.refresh_from_db()
    assert (occurrence.status, occurrence.done_by) == ("done", person)


@pytest.mark.django_db
def test_a_person_marking_their_own_reminder_done_needs_no_who(api_as, person):
    occurrence = issued_occurrence(person, api_as)

    api_as.post(f"/api/v1/occurrences/{occurrence.id}/done/")

    occurrence.refresh_from_db()
    assert (occurrence.status, occurrence.done_by) == ("done", None)


@pytest.mark.django_db
def test_the_reminder_page_says_which_caregiver_marked_a_childs_reminder_done(
    api_as, client, person, child
):
    api_as.credentials(HTTP_X_TONUS_PERSON=str(child.id))
    occurrence = issued_occurrence(child, api_as)
    client.force_login(person)
    client.post(f"/care/switch/{child.id}/")

    page = client.post(f"/occurrences/{occurrence.id}/", follow=True).content.decode()

    assert f"Done by {person.display_name}" in page


# --- End to end ----------------------------------------------------------------------------


class Family:
    """Leo (a child, in UTC, telling after 30 minutes), looked after by `parent` and Ana, each
    with a phone, and a stretch reminder that fell due 35 minutes ago."""

    def __init__(self, parent, make_person, receiver, *, escalate_after=30):
        self.parent = parent
        self.ana = make_person("ana@example.com", name="Ana", time_zone="UTC")
        self.leo = dependent_create(
            caregiver=parent, name="Leo", time_zone="UTC", escalate_after=escalate_after
        )
        CareRelation.objects.create(caregiver=self.ana, person=self.leo)
        self.parent_phone = subscribe(parent, receiver)
        self.ana_phone = subscribe(self.ana, receiver)
        self.due = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=35)
        stretch_routine_save(
            person=self.leo,
            times=[self.due.time()],
            stretches=[CALF],
            now=self.due - timedelta(minutes=1),
        )
        self.receiver = receiver

    def reminded(self) -> Occurrence:
        """The pass sends the reminder (late, but within the catch-up window) to both phones."""
        dispatch_pass(now=timezone.now())
        self.receiver.wait_for(2, timeout=30)
        return Occurrence.objects.get(person=self.leo)

    def shown(self) -> Counter:
        """What each phone showed, by phone and kind of message."""
        phones = {self.parent_phone.endpoint: "parent", self.ana_phone.endpoint: "ana"}
        return Counter(
            (phones[m.endpoint], m.json()["tag"].split("-")[0])
            for m in self.receiver.messages
            if m.endpoint in phones
        )

    def escalation_for(self, phone) -> dict:
        [message] = [
            m.json()
            for m in self.receiver.messages_for(phone)
            if m.json()["tag"].startswith("escalation")
        ]
        return message


@pytest.fixture(autouse=True)
def _earlier_phones(push_receiver):
    """The phones of earlier tests: a send a worker was still finishing for one of them may
    land during this test, and is not this test's message."""
    EARLIER.clear()
    EARLIER.update(push_receiver.endpoints())


EARLIER: set[str] = set()


def settled(receiver, count: int) -> None:
    """`count` messages arrived and, a moment later, no more: nothing is sent twice."""

    def ours() -> list:
        return [m for m in receiver.messages if m.endpoint not in EARLIER]

    wait_until(lambda: len(ours()) >= count, what=f"{count} messages", timeout=30)
    wait_until(lambda: not Delivery.objects.filter(status="pending").exists(), what="all sent")
    assert len(ours()) == count


@pytest.mark.django_db(transaction=True)
def test_a_childs_reminder_not_done_in_time_reaches_every_caregiver_once(
    person, make_person, receiver, celery_worker
):
    """Support people of a child are everyone who looks after them: Ana, the other
    caregiver, and the parent too, whose phone also had the reminder; either may be the one
    at home with Leo."""
    family = Family(person, make_person, receiver)
    occurrence = family.reminded()
    assert occurrence.escalate_due_at == family.due + timedelta(minutes=30)

    # Every minute beat runs a pass: the window has passed, both caregivers hear of it once.
    dispatch_pass(now=timezone.now())
    settled(receiver, 4)
    dispatch_pass(now=timezone.now())
    dispatch_pass(now=timezone.now() + timedelta(minutes=20))

    assert family.shown() == {
        ("parent", "occurrence"): 1,
        ("ana", "occurrence"): 1,
        ("parent", "escalation"): 1,
        ("ana", "escalation"): 1,
    }
    message = family.escalation_for(family.ana_phone)
    assert message["title"] == "Leo's stretches aren't done yet"
    assert [a["title"] for a in message["actions"]] == ["Done together", "Remind again"]
    assert Occurrence.objects.get().escalate_due_at is None


@pytest.mark.django_db(transaction=True)
def test_done_together_records_it_with_who_did_it(person, make_person, receiver, celery_worker):
    family = Family(person, make_person, receiver)
    family.reminded()
    dispatch_pass(now=timezone.now())
    settled(receiver, 4)

    token = family.escalation_for(family.ana_phone)["token"]
    response = APIClient().post(ACTION_URL, {"token": token, "action": "together"}, format="json")

    assert response.status_code == 200
    assert response.json()["done_by"] == "Ana"
    occurrence = Occurrence.objects.get()
    assert (occurrence.status, occurrence.done_by) == ("done", family.ana)
    # The parent's Home shows who did it.
    client = APIClient()
    client.force_login(person)
    client.post(reverse("care-switch", args=[family.leo.id]))
    assert "Done by Ana" in client.get("/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_remind_again_sends_the_reminder_once_more_to_the_phones_that_had_it(
    person, make_person, receiver, celery_worker
):
    family = Family(person, make_person, receiver)
    family.reminded()
    dispatch_pass(now=timezone.now())
    settled(receiver, 4)
    token = family.escalation_for(family.ana_phone)["token"]

    first = APIClient().post(ACTION_URL, {"token": token, "action": "again"}, format="json")
    settled(receiver, 6)
    second = APIClient().post(ACTION_URL, {"token": token, "action": "again"}, format="json")
    dispatch_pass(now=timezone.now())
    dispatch_pass(now=timezone.now() + timedelta(minutes=20))
    settled(receiver, 6)

    assert (first.status_code, second.status_code) == (200, 200)
    assert family.shown() == {
        ("parent", "occurrence"): 2,
        ("ana", "occurrence"): 2,
        ("parent", "escalation"): 1,
        ("ana", "escalation"): 1,
    }
    again = [m.json() for m in receiver.messages_for(family.parent_phone)][-1]
    assert again["title"] == "Leo's stretches"


@pytest.mark.django_db(transaction=True)
def test_nobody_is_told_of_a_reminder_done_in_time_or_when_it_is_off(
    person, make_person, receiver, celery_worker
):
    family = Family(person, make_person, receiver)
    occurrence = family.reminded()
    APIClient().post(
        ACTION_URL,
        {"token": receiver.messages[0].json()["token"], "action": "done"},
        format="json",
    )
    dispatch_pass(now=timezone.now())
    settled(receiver, 2)
    occurrence.refresh_from_db()
    assert occurrence.escalate_due_at is None


@pytest.mark.django_db
def test_a_support_person_no_longer_in_the_circle_cannot_act(person, make_person, receiver):
    family = Family(person, make_person, receiver)
    schedule = Schedule.objects.get(person=family.leo)
    occurrence = Occurrence.objects.create(
        schedule=schedule,
        kind=schedule.kind,
        person=family.leo,
        local_date=family.due.date(),
        due_at=family.due,
        status=Occurrence.Status.ISSUED,
    )
    token = escalation_token(occurrence, family.ana)
    CareRelation.objects.filter(caregiver=family.ana).delete()

    response = APIClient().post(ACTION_URL, {"token": token, "action": "together"}, format="json")

    assert response.status_code == 404
    occurrence.refresh_from_db()
    assert occurrence.status == "issued"


def leos_reminder(family) -> Occurrence:
    schedule = Schedule.objects.get(person=family.leo)
    return Occurrence.objects.create(
        schedule=schedule,
        kind=schedule.kind,
        person=family.leo,
        local_date=family.due.date(),
        due_at=family.due,
        status=Occurrence.Status.ISSUED,
        escalate_due_at=family.due + timedelta(minutes=30),
    )


def told(occurrence, now) -> set[str]:
    """One fan-out of the escalation as the worker runs it at `now`: whose phones it reaches."""
    created = occurrences_send(
        occurrence_ids=[occurrence.id],
        kind=Delivery.Kind.ESCALATION,
        queue=lambda ids: None,
        now=now,
    )
    return set(
        Delivery.objects.filter(id__in=created).values_list(
            "subscription__webpush_info__user__email", flat=True
        )
    )


@pytest.mark.django_db
def test_a_support_person_in_their_quiet_hours_hears_when_they_end(person, make_person, receiver):
    family = Family(person, make_person, receiver)
    window_ends = family.due + timedelta(minutes=30)
    # Ana lives in New York and sleeps then: quiet from an hour before to two hours after.
    ana_local = window_ends.astimezone(ZoneInfo("America/New_York"))
    family.ana.time_zone = ZoneInfo("America/New_York")
    family.ana.quiet_hours_start = (ana_local - timedelta(hours=1)).time().replace(second=0)
    family.ana.quiet_hours_end = (ana_local + timedelta(hours=2)).time().replace(second=0)
    family.ana.save()
    occurrence = leos_reminder(family)

    assert told(occurrence, window_ends) == {person.email}
    occurrence.refresh_from_db()
    wakes = window_ends + timedelta(hours=2)
    assert occurrence.escalate_due_at == wakes
    assert told(occurrence, wakes - timedelta(minutes=1)) == set()
    assert told(occurrence, wakes) == {"ana@example.com"}
    occurrence.refresh_from_db()
    assert occurrence.escalate_due_at is None
    assert told(occurrence, wakes + timedelta(hours=1)) == set()  # each told once


@pytest.mark.django_db
def test_each_support_person_reads_it_in_their_language_and_discreetly_when_asked(
    person, make_person, receiver
):
    family = Family(person, make_person, receiver)
    family.ana.language, family.ana.discreet_notifications = "es", True
    family.ana.save()
    occurrence = leos_reminder(family)

    for_parent = escalation_payload(occurrence, recipient=person)
    for_ana = escalation_payload(occurrence, recipient=family.ana)

    assert for_parent["title"] == "Leo's stretches aren't done yet"
    assert (for_ana["title"], for_ana["body"]) == ("Tonus", "Un recordatorio de Leo sigue abierto.")
    assert [a["title"] for a in for_ana["actions"]] == ["Hecho juntos", "Recordar de nuevo"]
    text = json.dumps(for_ana).lower()
    assert [word for word in HEALTH_WORDS if word in text] == []
    # A token names who acts: Ana's does not act as the parent.
    assert for_ana["token"] != for_parent["token"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="workers side by side need PostgreSQL, as CI has"
)
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_escalation_loses_none_and_tells_no_one_twice(
    make_person,
    receiver,
    workers,  # noqa: F811 (the fault tests' fixture)
):
    """As the reminder fault test does: 30 children, each looked after by a parent with two
    phones, offline while a worker dies in the middle of the support people's messages."""
    due = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=35)
    phones = []
    for index in range(30):
        parent = make_person(f"parent{index}@example.com", time_zone="UTC")
        child = dependent_create(
            caregiver=parent, name=f"Child {index}", time_zone="UTC", escalate_after=30
        )
        stretch_routine_save(
            person=child, times=[due.time()], stretches=[CALF], now=due - timedelta(minutes=1)
        )
        for _ in range(2):
            phone = subscribe(parent, receiver)
            receiver.offline(phone)
            phones.append(phone)
    first = workers.start()
    assert len(dispatch_pass(now=timezone.now()).queued) == 30
    wait_until(lambda: sent() == 60, timeout=60, what="every reminder sent")

    # A slow push service, so the kill lands in the middle of the 60 escalations.
    receiver.answer_late(0.2)
    assert len(dispatch_pass(now=timezone.now()).escalations) == 30
    wait_until(lambda: len(receiver.accepted) >= 75, timeout=60, what="a quarter told")
    first.stop(signal.SIGKILL)
    receiver.answer_late(0)
    second = workers.start()
    wait_until(lambda: drained(second), timeout=60, what="the queue drained")
    assert sent() < 120  # the batch in flight died with the worker
    # Beat's pass, once the lost batch has stalled, queues it again.
    claims_run_out()
    dispatch_pass(now=timezone.now() + STALLED_AFTER + timedelta(minutes=1))
    wait_until(lambda: sent() == 120, timeout=60, what="every escalation sent")
    wait_until(lambda: drained(second), timeout=60, what="the queue drained")

    for phone in phones:
        receiver.online(phone)
    shown = Counter(
        (m.endpoint, m.json()["occurrence"], m.json()["tag"].split("-")[0])
        for m in receiver.messages
    )
    occurrences = dict(Occurrence.objects.values_list("person__caregivers__caregiver", "id"))
    owners = dict(SubscriptionInfo.objects.values_list("endpoint", "webpush_info__user"))
    expected = {
        (phone.endpoint, occurrences[owners[phone.endpoint]], kind): 1
        for phone in phones
        for kind in ("occurrence", "escalation")
    }
    assert shown == expected
    assert len(expected) == 120
    # The batch in flight when the worker died may have reached the push service before its
    # results were written; nothing else went twice.
    assert len(receiver.accepted) <= 120 + BATCH
    assert not Occurrence.objects.filter(escalate_due_at__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_an_adults_chosen_support_person_hears_and_reminds_them_until_removed(
    make_person, receiver, celery_worker
):
    """An adult's reminder reaches their own phone only; the support person they invited
    hears when it stays undone, and their "Remind again" reaches the adult's phone."""
    sam = make_person("sam@example.com", name="Sam", time_zone="UTC", escalate_after=30)
    ana = make_person("ana@example.com", name="Ana", time_zone="UTC", language="es")
    _invitation, code = invitation_create(person=sam, role=Invitation.Role.SUPPORT, created_by=sam)
    invitation_accept(code=code, user=ana)
    sam_phone, ana_phone = subscribe(sam, receiver), subscribe(ana, receiver)
    due = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=35)
    stretch_routine_save(
        person=sam, times=[due.time()], stretches=[CALF], now=due - timedelta(minutes=1)
    )

    dispatch_pass(now=timezone.now())
    settled(receiver, 1)
    dispatch_pass(now=timezone.now())
    settled(receiver, 2)
    assert [m.json()["title"] for m in receiver.messages_for(sam_phone)] == ["Stretches"]
    [told] = [m.json() for m in receiver.messages_for(ana_phone)]
    assert told["title"] == "Los estiramientos de Sam aún no están hechos"

    again = APIClient().post(ACTION_URL, {"token": told["token"], "action": "again"}, format="json")
    settled(receiver, 3)
    assert again.status_code == 200
    assert [m.json()["title"] for m in receiver.messages_for(sam_phone)] == ["Stretches"] * 2

    support_person_remove(person=sam, supporter_id=ana.id, by=sam)
    after = APIClient().post(
        ACTION_URL, {"token": told["token"], "action": "together"}, format="json"
    )
    assert after.status_code == 404
    assert Occurrence.objects.get().status == "issued"
