"""Alerts for the therapist: pain 7 or more, the overstimulation guard, and a stalled plan."""

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from backend.care.models import TherapistAccess
from backend.checkins.models import Flag
from backend.checkins.services import checkin_create, stalled_alerts_raise
from backend.checkins.tasks import raise_stalled_alerts
from backend.reminders.models import Occurrence
from backend.reminders.services import device_subscribe

NOW = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)


def check_in(person, *, pain=3, at=None, **fields):
    fields = {"tone": 2, "ease": 5, **fields}
    return checkin_create(
        person=person, idempotency_key=uuid.uuid4(), pain=pain, recorded_at=at, **fields
    ).checkin


def alerts_shown(client) -> list[str]:
    page = client.get("/care/patients/").content.decode()
    section = re.search(r'<section class="card alerts".*?</section>', page, re.S)
    if section is None:
        return []
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r'<li class="alert">.*?<p>(.*?)</p>', section[0], re.S)
    ]


def acting_for(client, person):
    client.credentials(HTTP_X_TONUS_PERSON=str(person.id))
    return client


@pytest.fixture
def named(person):
    person.name = "Ana"
    person.save()
    return person


@pytest.mark.django_db
def test_pain_of_seven_or_more_is_an_alert_at_the_top_of_the_dashboard(
    client, named, with_therapist
):
    check_in(named, pain=6)
    assert not Flag.objects.exists()

    checkin = check_in(named, pain=7)

    [flag] = Flag.objects.all()
    assert (flag.kind, flag.checkin, flag.person) == ("pain", checkin, named)
    client.force_login(with_therapist)
    [shown] = alerts_shown(client)
    assert shown.startswith("Ana: Pain 7 or more (pain 7)")
    page = client.get("/care/patients/").content.decode()
    assert page.index('id="alerts"') < page.index('class="card patient"')


@pytest.mark.django_db
def test_alerts_are_newest_first_and_include_the_overstimulation_guard(
    client, named, with_therapist
):
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        check_in(named, pain=8)
    with time_machine.travel(NOW, tick=False):
        check_in(named, pain=2, worse_after=True)

    client.force_login(with_therapist)
    shown = alerts_shown(client)

    assert [line.split(" · ")[0] for line in shown] == [
        "Ana: Possible overstimulation (pain 2)",
        "Ana: Pain 7 or more (pain 8)",
    ]


@pytest.mark.django_db
def test_only_therapists_with_access_see_the_alert(client, named, with_therapist, make_person):
    other = make_person("other-therapist@example.com")
    check_in(named, pain=9)

    client.force_login(other)
    assert alerts_shown(client) == []
    assert client.get("/api/v1/alerts/").json() == []

    TherapistAccess.objects.filter(therapist=with_therapist).update(revoked_at=timezone.now())
    client.force_login(with_therapist)
    assert alerts_shown(client) == []


@pytest.mark.django_db
def test_the_persons_own_trend_shows_no_advice_for_a_pain_alert(client, person, with_therapist):
    check_in(person, pain=9)
    client.force_login(person)

    trend = client.get("/api/v1/trends/").json()

    assert trend["open_flags"] == []
    assert "lighter pressure" not in client.get("/checkins/trend/").content.decode()


@pytest.mark.django_db
def test_the_therapist_resolves_an_alert_with_a_reason_kept_in_history(
    client, named, with_therapist
):
    check_in(named, pain=8)
    [flag] = Flag.objects.all()
    client.force_login(with_therapist)
    switched = client.post(
        f"/care/switch/{named.id}/", {"next": f"/checkins/alerts/{flag.id}/"}, follow=True
    )
    assert switched.status_code == 200
    assert "Why it is resolved" in switched.content.decode()

    empty = client.post(f"/checkins/alerts/{flag.id}/", {"reason": " "})
    assert empty.status_code == 400
    assert 'id="id_reason_error"' in empty.content.decode()
    too_long = client.post(f"/checkins/alerts/{flag.id}/", {"reason": "x" * 201})
    assert too_long.status_code == 400
    flag.refresh_from_db()
    assert flag.resolved_at is None

    done = client.post(f"/checkins/alerts/{flag.id}/", {"reason": "Called her: a bad night."})

    assert done.status_code == 302 and done["Location"] == "/care/patients/"
    flag.refresh_from_db()
    assert (flag.resolved_by, flag.resolution) == (with_therapist, "Called her: a bad night.")
    assert flag.resolved_at is not None
    page = client.get("/care/patients/").content.decode()
    assert alerts_shown(client) == []
    history = re.search(r'id="resolved-alerts".*?</section>', page, re.S)[0]
    assert "Resolved by therapist" in history and "Called her: a bad night." in history


@pytest.mark.django_db
def test_only_a_therapist_resolves_and_outsiders_learn_nothing(client, person, outsider):
    check_in(person, pain=8)
    [flag] = Flag.objects.all()

    client.force_login(person)
    assert client.post(f"/checkins/alerts/{flag.id}/", {"reason": "fine"}).status_code == 403
    client.force_login(outsider)
    assert client.get(f"/checkins/alerts/{flag.id}/").status_code == 404
    flag.refresh_from_db()
    assert flag.resolved_at is None


@pytest.mark.django_db
def test_the_api_lists_and_resolves_alerts_naming_the_field_when_the_reason_is_missing(
    api, named, with_therapist
):
    check_in(named, pain=8)
    [flag] = Flag.objects.all()
    api.force_login(with_therapist)

    [listed] = api.get("/api/v1/alerts/").json()
    assert listed["person"] == {"id": named.id, "name": "Ana"}
    assert (listed["kind"], listed["resolved_at"]) == ("pain", None)

    url = f"/api/v1/alerts/{flag.id}/resolve/"
    missing = acting_for(api, named).post(url, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    resolved = acting_for(api, named).post(url, {"reason": "Seen in clinic."}, format="json")
    assert resolved.status_code == 200
    assert resolved.json()["resolution"] == "Seen in clinic."
    assert resolved.json()["resolved_by"] == "therapist"
    assert api.get("/api/v1/alerts/").json() == []
    [history] = api.get("/api/v1/alerts/?resolved=true").json()
    assert history["id"] == flag.id
    again = acting_for(api, named).post(url, {"reason": "Twice."}, format="json")
    assert again.status_code == 400 and "reason" in again.json()


def done_on(person, day: date):
    Occurrence.objects.create(
        kind="stretch",
        person=person,
        local_date=day,
        due_at=datetime.combine(day, time(9), tzinfo=UTC),
        status=Occurrence.Status.DONE,
        done_at=datetime.combine(day, time(9, 5), tzinfo=UTC),
    )


def raise_at(when):
    with time_machine.travel(when, tick=False):
        return stalled_alerts_raise(now=when)


@pytest.mark.django_db
def test_fourteen_days_without_practice_or_check_in_is_one_stalled_alert(
    make_person, person, with_therapist
):
    person.date_joined = NOW - timedelta(days=60)
    person.save()
    lone = make_person("lone@example.com")  # no therapist: nobody to tell
    lone.date_joined = NOW - timedelta(days=60)
    lone.save()
    done_on(person, (NOW - timedelta(days=20)).date())
    check_in(person, at=NOW - timedelta(days=13, hours=23))

    assert raise_at(NOW) == []

    later = NOW + timedelta(days=1)
    [flag] = raise_at(later)
    assert (flag.person, flag.kind) == (person, "stalled")
    # One at a time, and resolving it raises no new one while nothing has happened.
    assert raise_at(later + timedelta(days=1)) == []
    Flag.objects.update(resolved_at=later)
    assert raise_at(later + timedelta(days=30)) == []

    # Active again, then still again for 14 days: a new alert.
    done_on(person, (later + timedelta(days=31)).date())
    assert raise_at(later + timedelta(days=40)) == []
    assert len(raise_at(later + timedelta(days=46))) == 1
    assert Flag.objects.filter(person=lone).count() == 0


@pytest.mark.django_db
def test_the_daily_beat_task_raises_stalled_alerts(person, with_therapist):
    person.date_joined = timezone.now() - timedelta(days=15)
    person.save()

    assert raise_stalled_alerts() == 1
    assert Flag.objects.get().kind == "stalled"
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "backend.checkins.tasks.raise_stalled_alerts" in tasks


@pytest.mark.django_db(transaction=True)
def test_a_therapist_who_opted_in_gets_a_push_with_no_health_detail(
    person, make_person, receiver, celery_worker
):
    opted_in = make_person("t1@example.com", alerts_by_push=True, is_therapist=True)
    quiet = make_person("t2@example.com", is_therapist=True)
    phones = {}
    for therapist in (opted_in, quiet):
        TherapistAccess.objects.create(therapist=therapist, person=person)
        phones[therapist] = receiver.new_subscription()
        device_subscribe(
            user=therapist,
            endpoint=phones[therapist].endpoint,
            p256dh=phones[therapist].p256dh,
            auth=phones[therapist].auth,
        )

    check_in(person, pain=9)

    [message] = receiver.wait_for(1, timeout=20)
    assert message.endpoint == phones[opted_in].endpoint
    assert message.json() == {
        "title": "Tonus",
        "body": "New alert about a patient",
        "url": "/care/patients/",
        "tag": f"alert-{Flag.objects.get().id}",
    }
    assert receiver.messages_for(phones[quiet]) == []
