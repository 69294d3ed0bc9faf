"""Answers for a database that is out of reach for a moment: 503 with Retry-After, not a 500.

A restart, a failover or a dropped connection is over in seconds. The person's phone keeps a
check-in it could not send and tries again with the same idempotency key, so it must be told
that trying again will work: 503 and Retry-After, with a JSON body on the API.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def _drop_broken_connections() -> None:
    # The next request must start on a fresh connection, not the dead one. Django's
    # request_finished signal does this too; doing it here also covers callers without it.
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def database_unavailable(request) -> HttpResponse:
    _drop_broken_connections()
    detail = _("Tonus cannot reach its database for a moment. Try again shortly.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": detail, "code": "database_unavailable"}, status=503)
    else:
        response = HttpResponse(detail, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def api_exception_handler(exc, context):
    """DRF's handler, plus 503 for a database error raised inside an API view."""
    if isinstance(exc, DATABASE_ERRORS):
        logger.warning("database unavailable during %s: %s", context["request"].path, exc)
        return database_unavailable(context["request"])
    return exception_handler(exc, context)


def server_error(request):
    """handler500: a database error raised outside a view (a middleware loading the session
    or the person) is a 503 too; anything else is the usual 500 page."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    return defaults.server_error(request)
