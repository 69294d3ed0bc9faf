import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from backend.accounts.models import User
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


@pytest.fixture(autouse=True)
def _worker_quiet_after_test(request):
    """A test that used the worker leaves it idle, so no task of its own outlives it and
    touches the next test's rows (or races the table flush that ends a transactional test)."""
    yield
    if "celery_worker" not in request.fixturenames:
        return
    worker = request.getfixturevalue("celery_worker")
    celery_app.control.purge()
    inspect = celery_app.control.inspect(destination=[worker.hostname], timeout=1)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        active, scheduled = inspect.active() or {}, inspect.scheduled() or {}
        if not any(active.values()) and not any(scheduled.values()):
            return
        time.sleep(0.2)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real worker on the real broker, consuming a queue of this run's own.

    Tests that use it need committed data: mark them django_db(transaction=True).
    """
    worker = WorkerProcess(log_dir=ARTIFACTS)
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = worker.queue
    worker.start()
    yield worker
    worker.stop()
    celery_app.conf.task_default_queue = previous_queue
