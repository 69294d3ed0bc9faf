"""What every API operation shares: input that refuses unknown fields, and documented errors."""

import zoneinfo
from collections.abc import Mapping

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from timezone_field.rest_framework import TimeZoneSerializerField

from backend.shared.parsers import RequestTooLarge

UNKNOWN_FIELD = _("Unknown field.")


# Refuses fields the serializer does not take, naming each one, nested ones too. Without it
# DRF drops them in silence, so a misspelt field ("pian") would store nothing and still
# answer 200. Read-only fields are refused as well: sending one changes nothing.
# (Comments, not docstrings: the schema would show a docstring on every input component.)
class StrictInputMixin:
    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            writable = {field.field_name for field in self._writable_fields}
            unknown = {name: [UNKNOWN_FIELD] for name in data if name not in writable}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if unknown and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **unknown}) from error
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


# The base of every serializer that reads a request body, and of model serializers that do.
class InputSerializer(StrictInputMixin, serializers.Serializer):
    pass


class ModelInputSerializer(StrictInputMixin, serializers.ModelSerializer):
    pass


# The IANA names, as a browser's Intl API gives them. "Factory" is no place.
TIME_ZONES = frozenset(zoneinfo.available_timezones() - {"Factory"})


# Published as a string with its format, not an enum: some 600 names make identifiers that
# collide in generated clients ("GMT0" and "GMT-0"), and the list changes with tzdata.
TIME_ZONE_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "maxLength": 64,
    "pattern": r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$",
    "example": "Europe/Madrid",
    "description": "An IANA time zone name (the tz database), as a browser's "
    "Intl.DateTimeFormat().resolvedOptions().timeZone gives it: Area/Location such as "
    "Europe/Madrid or America/Argentina/Buenos_Aires, or UTC. Names not in the database are "
    "refused.",
}


@extend_schema_field(TIME_ZONE_SCHEMA)
class TimeZoneField(TimeZoneSerializerField):
    """An IANA time zone name, checked against the list before the zone files are opened:
    a name such as "America" (a folder), "zone.tab" or one with a NUL byte is no zone."""

    def __init__(self, **kwargs):
        super().__init__(use_pytz=False, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or data not in TIME_ZONES:
            self.fail("invalid")
        return super().to_internal_value(data)


_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A validation error names each refused field; nested fields nest, list items are lists.
_FIELDS = {"type": "object", "additionalProperties": True}


FIELD_ERRORS = OpenApiResponse(_FIELDS, description="The input was refused: each field with why.")
NOT_FOUND = OpenApiResponse(_DETAIL, description="No such thing, or not one this login may see.")
ACTING_PERSON = OpenApiParameter(
    "X-Tonus-Person",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    description="Act for someone in your care, or (read-only) a patient who shared their plan "
    "with you. Anyone else is answered 404.",
)


class ApiSchema(AutoSchema):
    """Documents the error answers DRF gives, so clients (and schema checks) can expect them."""

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if isinstance(serializer, StrictInputMixin):
            schema["additionalProperties"] = False
        return schema

    def _signed_in(self) -> bool:
        return any(not isinstance(p, AllowAny) for p in self.view.get_permissions())

    def _error_responses(self, has_input: bool) -> dict:
        view = self.view
        signed_in = self._signed_in()
        responses = {}
        if has_input:
            responses["400"] = FIELD_ERRORS
        if signed_in:
            responses["401"] = OpenApiResponse(
                _DETAIL,
                description="An access token that is missing its value, wrong, expired or "
                "revoked (with WWW-Authenticate: Token).",
            )
        if signed_in or self.method not in ("GET", "HEAD", "OPTIONS"):
            responses["403"] = OpenApiResponse(
                _DETAIL, description="Not signed in, no CSRF token, or not allowed."
            )
        if signed_in:
            responses["404"] = NOT_FOUND
        # Any operation: DRF's content negotiation refuses an Accept header it cannot meet.
        responses["406"] = OpenApiResponse(
            _DETAIL, description="The Accept header allows no type this operation answers."
        )
        if self.method in ("POST", "PUT", "PATCH") and has_input:
            responses["413"] = OpenApiResponse(_DETAIL, description="The body is too large.")
            responses["415"] = OpenApiResponse(_DETAIL, description="Unsupported media type.")
        if view.get_throttles():
            responses["429"] = OpenApiResponse(_DETAIL, description="Too many requests.")
        return responses

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._signed_in():
            parameters = [*parameters, ACTING_PERSON]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        has_input = bool(self._get_request_body()) or bool(
            [p for p in self._get_parameters() if p["in"] == "query"]
        )
        for code, response in self._error_responses(has_input).items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses


def _api_or_page(status: int, default_detail, page):
    """Django's own error answers (a URL that matches nothing, a refusal in a middleware) as
    JSON under /api/, like DRF's; pages keep their HTML."""

    def handler(request, exception=None, **kwargs):
        if not request.path.startswith("/api/"):
            return page(request, exception, **kwargs)
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse({"detail": str(RequestTooLarge.default_detail)}, status=413)
        message = exception.args[0] if exception is not None and exception.args else None
        # Only our own messages are shown; a resolver's "tried" patterns or a
        # SuspiciousOperation's details are not for clients.
        if status == 400 or not isinstance(message, str):
            message = default_detail
        return JsonResponse({"detail": str(message)}, status=status)

    return handler


# DRF's own default texts, in DRF's catalogs for every language.
bad_request = _api_or_page(400, exceptions.ParseError.default_detail, defaults.bad_request)
permission_denied = _api_or_page(
    403, exceptions.PermissionDenied.default_detail, defaults.permission_denied
)
page_not_found = _api_or_page(404, exceptions.NotFound.default_detail, defaults.page_not_found)


TIME_FORMAT = "%H:%M"


# OpenAPI's "time" format is HH:MM:SS with a zone: say what this field really takes.
@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "18:30"}
)
class LocalTimeField(serializers.TimeField):
    """A wall time as "HH:MM", 00:00 to 23:59."""

    def __init__(self, **kwargs):
        super().__init__(format=TIME_FORMAT, input_formats=[TIME_FORMAT], **kwargs)
