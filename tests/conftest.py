import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.care.models import CareRelation, TherapistAccess
from backend.care.services import dependent_create
from backend.config.celery import app as celery_app
from tests.support.push_receiver import PushReceiver
from tests.support.worker import WorkerProcess

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "calf-stretch-every-morning"


@pytest.fixture(scope="session", autouse=True)
def _static_files():
    # Pages name hashed static files from the manifest, as in production.
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate-limit counts live in the cache, keyed by user id, which SQLite reuses after each
    # flush: each test starts with none.
    cache.clear()


@pytest.fixture
def make_person(db):
    def make(email: str = "person@example.com", **fields) -> User:
        fields.setdefault("time_zone", "Europe/Madrid")
        return User.objects.create_user(email=email, password=PASSWORD, **fields)

    return make


@pytest.fixture
def person(make_person) -> User:
    return make_person("owner@example.com")


@pytest.fixture
def outsider(make_person) -> User:
    return make_person("outsider@example.com")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as(person) -> APIClient:
    client = APIClient()
    client.force_login(person)
    return client


@pytest.fixture(scope="session")
def push_receiver():
    with PushReceiver(settings.WEBPUSH_SETTINGS["VAPID_PUBLIC_KEY"]) as receiver:
        yield receiver


@pytest.fixture
def receiver(push_receiver):
    push_receiver.clear()
    return push_receiver


@pytest.fixture(scope="session", autouse=True)
def _tasks_without_a_worker_go_nowhere():
    """Tasks queued by tests that do not use the worker wait in a queue nobody consumes, and
    are dropped at the end: a worker started for other tests must not run them (it would touch
    rows while that test's tables are being emptied)."""
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = f"tonus-test-unconsumed-{uuid.uuid4().hex[:8]}"
    yield
    celery_app.control.purge()
    celery_app.conf.task_default_queue = previous


@pytest.fixture(scope="session")
def _worker_process(django_db_setup, django_db_blocker):
    worker = WorkerProcess(log_dir=ARTIFACTS)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(_worker_process):
    """A real worker on the real broker, running this test's tasks.

    Tests that use it need committed data: mark them django_db(transaction=True). Afterwards
    the worker is left idle, so no task of this test outlives it.
    """
    unconsumed = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = _worker_process.queue
    yield _worker_process
    celery_app.control.purge()
    inspect = celery_app.control.inspect(destination=[_worker_process.hostname], timeout=1)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        active, scheduled = inspect.active() or {}, inspect.scheduled() or {}
        if not any(active.values()) and not any(scheduled.values()):
            break
        time.sleep(0.2)
    celery_app.conf.task_default_queue = unconsumed


@pytest.fixture
def bulk_worker(celery_worker, settings):
    """The worker of long jobs (the CSV import): here the test worker, on its queue."""
    settings.CELERY_BULK_QUEUE = celery_worker.queue
    return celery_worker


# A household around `person`: their child, their therapist, a second parent of the child.
@pytest.fixture
def child(person):
    return dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")


@pytest.fixture
def therapist(make_person):
    return make_person("therapist@example.com")


@pytest.fixture
def with_therapist(person, therapist):
    TherapistAccess.objects.create(therapist=therapist, person=person)
    return therapist


@pytest.fixture
def second_parent(make_person, child):
    parent = make_person("parent2@example.com")
    CareRelation.objects.create(caregiver=parent, person=child)
    return parent
