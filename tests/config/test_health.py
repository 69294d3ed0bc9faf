"""/healthz: no log-in, no personal data; 503 naming the failing part."""

from datetime import timedelta

import pytest
from django.utils import timezone

from backend.reminders.tasks import dispatch_pass
from tests.support.redis_server import free_port

pytestmark = pytest.mark.django_db


def test_it_answers_503_naming_the_dispatcher_until_a_pass_has_finished(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "failing": {"dispatcher": "no dispatcher pass has finished yet"},
    }


def test_it_answers_200_to_anyone_and_is_never_cached(client, person):
    dispatch_pass(now=timezone.now())

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    client.force_login(person)
    assert client.get("/healthz").json() == {"status": "ok"}  # says nothing about anyone


def test_three_minutes_without_a_finished_pass_is_trouble(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    dispatch_pass(now=timezone.now())

    time_machine.shift(timedelta(minutes=2, seconds=59))
    assert client.get("/healthz").status_code == 200

    time_machine.shift(timedelta(seconds=2))
    late = client.get("/healthz")
    assert late.status_code == 503
    assert late.json()["failing"] == {
        "dispatcher": "the last dispatcher pass finished 3 minutes ago"
    }


def test_it_names_redis_when_the_broker_does_not_answer(client, settings):
    dispatch_pass(now=timezone.now())
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == {"broker": "Redis, the task broker, does not answer"}


def test_it_names_redis_when_the_cache_does_not_answer(client, settings):
    dispatch_pass(now=timezone.now())
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == {"cache": "Redis, the cache, does not answer"}
