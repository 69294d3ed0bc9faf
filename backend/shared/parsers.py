"""Request body parsers for the API: DRF's, with a size limit and a depth limit.

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


# No body the API takes nests more than a few levels.
MAX_DEPTH = 32
TOO_DEEP = _("The request body is nested too deeply.")


def _deeper_than(data, limit: int) -> bool:
    # A loop, not recursion: walking the body must not itself run out of stack.
    waiting = [(data, 1)]
    while waiting:
        value, depth = waiting.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        waiting.extend((child, depth + 1) for child in children)
    return False


class DepthLimitMixin:
    """Refuses a body nested deeper than MAX_DEPTH with a 400.

    Python's json recurses once per level and gives up with a RecursionError (a 500) some
    thousand levels down; code walking a parsed body (validation, error messages) recurses too.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError(TOO_DEEP) from error
        if _deeper_than(data, MAX_DEPTH):
            raise exceptions.ParseError(TOO_DEEP)
        return data


class JSONParser(SizeLimitMixin, DepthLimitMixin, parsers.JSONParser):
    pass
