"""A check-in while the database is out of reach for a moment: a 503 the phone retries, and
the retry with the same idempotency key stores exactly one.

The outage is real: the test's database connection is ended by PostgreSQL itself
(pg_terminate_backend, as a restart or a failover does), from a second connection.
"""

import threading
import uuid
from datetime import UTC, datetime, time

import psycopg
import pytest
from django.db import connection
from rest_framework.test import APIClient

from backend.checkins.models import CheckIn
from backend.reminders.models import Occurrence
from backend.reminders.tasks import dispatch_pass
from tests.reminders.test_dispatch import stretches
from tests.support.databases import needs_postgresql
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _on_postgresql():
    needs_postgresql("ends PostgreSQL connections")


URL = "/api/v1/checkins/"


def admin_connection() -> psycopg.Connection:
    """A second connection to the test database, outside Django, that can end others."""
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        autocommit=True,
    )


def backend_pid() -> int:
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def terminate(admin: psycopg.Connection, pid: int) -> None:
    admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def phone(person) -> APIClient:
    # Like a real server, answer the error instead of raising it into the test.
    client = APIClient(raise_request_exception=False)
    client.force_login(person)
    return client


def checkin(**fields) -> dict:
    return {"idempotency_key": str(uuid.uuid4()), "tone": "1+", "pain": 4, "ease": 6} | fields


def assert_retry_later(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "database_unavailable"
    assert "try again" in response.json()["detail"].lower()


def test_a_check_in_sent_while_the_connection_was_cut_is_retried_and_stored_once(phone):
    body = checkin()
    with admin_connection() as admin:
        terminate(admin, backend_pid())

        refused = phone.post(URL, body, format="json")

    assert_retry_later(refused)
    assert CheckIn.objects.count() == 0
    stored = phone.post(URL, body, format="json")
    again = phone.post(URL, body, format="json")  # the outbox resending, to be sure
    assert (stored.status_code, again.status_code) == (201, 200)
    assert CheckIn.objects.count() == 1


def test_a_check_in_cut_off_while_being_stored_leaves_nothing_half_done(person, phone):
    stretches(person, time(8, 0))
    [occurrence_id] = dispatch_pass(now=datetime(2027, 3, 1, 7, 0, tzinfo=UTC)).queued
    body = checkin(occurrence=occurrence_id)
    pid = backend_pid()
    with admin_connection() as admin, admin_connection() as locker:
        # The check-in stops at the baseline, inside its transaction, with its row written;
        # there the database goes away.
        locker.autocommit = False
        locker.execute("LOCK TABLE checkins_baseline IN ACCESS EXCLUSIVE MODE")

        def cut_when_waiting():
            wait_until(
                lambda: (
                    admin.execute(
                        "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
                    ).fetchone()
                    == ("Lock",)
                ),
                timeout=30,
                what="the check-in waiting inside its transaction",
            )
            terminate(admin, pid)
            locker.rollback()

        cutter = threading.Thread(target=cut_when_waiting)
        cutter.start()
        refused = phone.post(URL, body, format="json")
        cutter.join(timeout=60)

    assert_retry_later(refused)
    assert CheckIn.objects.count() == 0
    assert Occurrence.objects.get().status == "due"  # not marked done by half a check-in
    stored = phone.post(URL, body, format="json")
    assert stored.status_code == 201
    assert CheckIn.objects.count() == 1
    assert Occurrence.objects.get().status == "done"


def test_the_check_in_page_says_to_try_again_rather_than_failing(phone):
    with admin_connection() as admin:
        terminate(admin, backend_pid())

        refused = phone.get("/checkins/new/")

    assert refused.status_code == 503
    assert int(refused["Retry-After"]) > 0
    assert "Try again shortly" in refused.content.decode()
    assert phone.get("/checkins/new/").status_code == 200
