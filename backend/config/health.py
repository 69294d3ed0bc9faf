"""/healthz: is Tonus up and are reminders flowing? For load balancers, orchestrators and
uptime monitors: no login, no personal data, never cached.

200 when the database and Redis answer and a dispatcher pass finished in the last three
minutes; otherwise 503 with a short JSON reason naming each failing part.
"""

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from backend.reminders.selectors import dispatcher_trouble
from backend.shared.access import Allow, allows

TIMEOUT_SECONDS = 2


def _database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "the database does not answer"
    return None


def _broker() -> str | None:
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError:
        return "Redis, the task broker, does not answer"
    finally:
        client.close()
    return None


def _cache() -> str | None:
    try:
        cache.get("healthz")
    except redis.RedisError:
        return "Redis, the cache, does not answer"
    return None


@allows(Allow.ANYONE)
@never_cache
@require_safe
def healthz(request):
    failing = {
        part: reason
        for part, reason in [
            ("database", _database()),
            ("broker", _broker()),
            ("cache", _cache()),
        ]
        if reason is not None
    }
    # The dispatcher's record lives in the database: without it there is nothing to read.
    if "database" not in failing:
        trouble = dispatcher_trouble(now=timezone.now())
        if trouble is not None:
            failing["dispatcher"] = trouble
    if failing:
        return JsonResponse({"status": "fail", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})
