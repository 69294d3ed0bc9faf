"""Request body parsers for the API: DRF's, with a size limit.

Kept apart from backend.shared.api, which imports DRF's views: DRF reads this setting while
defining APIView, so the parser must import nothing that imports DRF's views.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = _("The request is too large.")
    default_code = "request_too_large"


class SizeLimitMixin:
    """Refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE before reading it.

    Django enforces that limit only when something reads request.body; DRF otherwise streams
    the body straight into the parser, whatever its size (on sign-up, with no login at all).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise RequestTooLarge()
        return super().parse(stream, media_type, parser_context)


class JSONParser(SizeLimitMixin, parsers.JSONParser):
    pass
