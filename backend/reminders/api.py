import base64

from cryptography.hazmat.primitives.asymmetric import ec
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from backend.care.selectors import support_people_of
from backend.reminders.calendar import calendar_feed_disable, calendar_feed_enable
from backend.reminders.endpoints import endpoint_refusal
from backend.reminders.messages import action_token_occurrence_id, escalation_token_ids
from backend.reminders.models import CalendarFeed, Occurrence
from backend.reminders.selectors import (
    devices_with_info,
    occurrences_for_person,
    upcoming_reminders,
)
from backend.reminders.services import (
    device_remove,
    device_rename,
    device_subscribe,
    device_unsubscribe,
    occurrence_done,
    occurrence_done_together,
    occurrence_remind_again,
    occurrence_snooze,
)
from backend.reminders.tasks import remind_again_queue, reminder_test_queue
from backend.shared.access import Allow
from backend.shared.api import FIELD_ERRORS, NOT_FOUND, InputSerializer

# Keys as PushSubscription.toJSON() gives them: base64url, with or without padding.
P256DH_PATTERN = r"^[A-Za-z0-9_-]{87}=?$"  # 65 bytes: an uncompressed P-256 point
AUTH_PATTERN = r"^[A-Za-z0-9_-]{22}(==)?$"  # 16 bytes


class PushKeysSerializer(InputSerializer):
    p256dh = serializers.RegexField(
        P256DH_PATTERN,
        max_length=100,
        error_messages={"invalid": "p256dh must be 65 bytes in base64url."},
    )
    auth = serializers.RegexField(
        AUTH_PATTERN,
        max_length=100,
        error_messages={"invalid": "auth must be 16 bytes in base64url."},
    )

    def validate_p256dh(self, value: str) -> str:
        # The right length and alphabet is not enough: a key that is no point on the curve
        # would make every send to this device fail.
        raw = base64.urlsafe_b64decode(value.rstrip("=") + "=")
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError as exc:
            raise serializers.ValidationError("p256dh must be a point on the P-256 curve.") from exc
        return value


class DeviceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    endpoint = serializers.URLField()
    name = serializers.CharField(source="tonus_device.name", default="")
    added_at = serializers.DateTimeField(
        source="tonus_device.created_at", default=None, allow_null=True
    )
    last_success_at = serializers.DateTimeField(
        source="tonus_device.last_success_at", default=None, allow_null=True
    )
    failing = serializers.BooleanField(
        source="tonus_device.failing",
        default=False,
        help_text="Several sends in a row have failed: reminders may not reach this device.",
    )


class DeviceApi(APIView):
    """The browser's push subscription (PushSubscription.toJSON()) for the signed-in person."""

    allows = Allow.LOGIN

    class DeviceInputSerializer(InputSerializer):
        endpoint = serializers.URLField(max_length=500)
        keys = PushKeysSerializer()
        browser = serializers.CharField(
            max_length=100, required=False, allow_blank=True, default=""
        )
        user_agent = serializers.CharField(
            max_length=500, required=False, allow_blank=True, default=""
        )
        # Part of PushSubscription.toJSON(), usually null; push services say when one ends.
        expirationTime = serializers.FloatField(required=False, allow_null=True)

        def validate_endpoint(self, value: str) -> str:
            refusal = endpoint_refusal(value)
            if refusal is not None:
                raise serializers.ValidationError(refusal)
            return value

    class DeviceDeleteSerializer(InputSerializer):
        endpoint = serializers.URLField(max_length=500)

    @extend_schema(responses=DeviceSerializer(many=True))
    def get(self, request):
        return Response(DeviceSerializer(devices_with_info(user=request.user), many=True).data)

    @extend_schema(request=DeviceInputSerializer, responses={201: DeviceSerializer})
    def post(self, request):
        serializer = self.DeviceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        subscription = device_subscribe(
            user=request.user,
            endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"],
            auth=data["keys"]["auth"],
            browser=data["browser"],
            user_agent=data["user_agent"],
        )
        subscription = devices_with_info(user=request.user).get(id=subscription.id)
        return Response(DeviceSerializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DeviceDeleteSerializer,
        responses={204: None, 400: FIELD_ERRORS},
        operation_id="v1_devices_unsubscribe",
        description="Turn reminders off for the browser holding this push endpoint, sent in "
        'the body as {"endpoint": "https://..."}.',
    )
    def delete(self, request):
        serializer = self.DeviceDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not device_unsubscribe(
            user=request.user, endpoint=serializer.validated_data["endpoint"]
        ):
            raise NotFound(_("No such device."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReminderTestApi(APIView):
    allows = Allow.LOGIN

    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, ScopedRateThrottle]
    throttle_scope = "test_reminder"

    @extend_schema(
        request=None,
        responses={
            202: inline_serializer("ReminderTestQueued", {"devices": serializers.IntegerField()}),
            400: inline_serializer("ReminderTestNoDevice", {"detail": serializers.CharField()}),
        },
    )
    def post(self, request):
        devices = reminder_test_queue(user=request.user)
        if devices == 0:
            return Response(
                {"detail": _("Turn on reminders on this device first.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"devices": devices}, status=status.HTTP_202_ACCEPTED)


class OccurrenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    local_date = serializers.DateField()
    due_at = serializers.DateTimeField()
    status = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)
    snoozed = serializers.SerializerMethodField()
    done_by = serializers.CharField(
        source="done_by.display_name",
        default=None,
        allow_null=True,
        help_text="Who marked it done, when not the person: a caregiver or support person.",
    )

    def get_snoozed(self, occurrence) -> bool:
        return occurrence.snooze_due_at is not None


def _apply_action(occurrence, action: str, *, by=None):
    if action == "done":
        occurrence_done(occurrence=occurrence, done_by=by)  # refreshes the occurrence itself
    elif occurrence_snooze(occurrence=occurrence):
        occurrence.refresh_from_db()
    else:
        raise serializers.ValidationError(
            {"action": [_("This reminder can be snoozed only once.")]}
        )
    return Response(OccurrenceSerializer(occurrence).data)


def _escalation_action(token: str, action: str):
    """ "Done together" or "Remind again" from a support person's notification. The token
    names the support person; one no longer among the person's support people can do
    nothing."""
    ids = escalation_token_ids(token)
    occurrence = (
        Occurrence.objects.filter(id=ids[0]).select_related("person").first() if ids else None
    )
    support_person = None
    if occurrence is not None:
        support_person = next(
            (p for p in support_people_of(person=occurrence.person) if p.id == ids[1]), None
        )
    if support_person is None:
        raise NotFound(_("This reminder link has expired."))
    if action == "together":
        occurrence = occurrence_done_together(occurrence=occurrence, support_person=support_person)
    elif occurrence_remind_again(occurrence=occurrence):
        transaction.on_commit(lambda: remind_again_queue([occurrence.id]))
        occurrence.refresh_from_db()
    # A second "Remind again" sends nothing more: the answer is the same, the reminder as it is.
    return Response(OccurrenceSerializer(occurrence).data)


class OccurrenceActionApi(APIView):
    """Done or Snooze from a reminder, "Done together" or "Remind again" from a support
    person's notification, posted by the service worker.

    The phone may be locked and the page closed, so there is no session or CSRF token: the
    signed token in the push payload, seen only by the devices it was sent to, authorises
    this one reminder for two days.
    """

    allows = Allow.ANYONE
    authentication_classes: list = []

    class OccurrenceActionInputSerializer(InputSerializer):
        token = serializers.CharField(max_length=200)
        action = serializers.ChoiceField(choices=["done", "snooze", "together", "again"])

    @extend_schema(
        request=OccurrenceActionInputSerializer,
        responses={200: OccurrenceSerializer, 404: NOT_FOUND},
    )
    def post(self, request):
        serializer = self.OccurrenceActionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["action"] in ("together", "again"):
            return _escalation_action(
                serializer.validated_data["token"], serializer.validated_data["action"]
            )
        occurrence_id = action_token_occurrence_id(serializer.validated_data["token"])
        occurrence = Occurrence.objects.filter(id=occurrence_id).first() if occurrence_id else None
        if occurrence is None:
            raise NotFound(_("This reminder link has expired."))
        return _apply_action(occurrence, serializer.validated_data["action"])


class OccurrenceDoneApi(APIView):
    allows = Allow.SUPPORT_ACTS

    @extend_schema(request=None, responses=OccurrenceSerializer)
    def post(self, request, occurrence_id: int):
        occurrence = occurrences_for_person(user=request.person).filter(id=occurrence_id).first()
        if occurrence is None:
            raise NotFound()
        return _apply_action(occurrence, "done", by=request.user)


class DeviceDetailApi(APIView):
    allows = Allow.LOGIN

    class DeviceRenameInputSerializer(InputSerializer):
        name = serializers.CharField(max_length=60)

    def _device(self, request, device_id: int):
        device = devices_with_info(user=request.user).filter(id=device_id).first()
        if device is None:
            raise NotFound(_("No such device."))
        return device

    @extend_schema(request=DeviceRenameInputSerializer, responses=DeviceSerializer)
    def patch(self, request, device_id: int):
        device = self._device(request, device_id)
        serializer = self.DeviceRenameInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        device_rename(subscription=device, name=serializer.validated_data["name"])
        return Response(DeviceSerializer(self._device(request, device_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, device_id: int):
        if not device_remove(user=request.user, device_id=device_id):
            raise NotFound(_("No such device."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class UpcomingSerializer(serializers.Serializer):
    kind = serializers.CharField(source="schedule.kind")
    local_date = serializers.DateField()
    due_at = serializers.DateTimeField()
    local_time = serializers.SerializerMethodField()
    on_hold = serializers.CharField()

    def get_local_time(self, upcoming) -> str:
        return upcoming.due_at.astimezone(upcoming.schedule.time_zone).strftime("%H:%M")


class UpcomingApi(APIView):
    allows = Allow.THERAPIST_READS

    @extend_schema(responses=UpcomingSerializer(many=True))
    def get(self, request):
        upcoming = upcoming_reminders(user=request.person, now=timezone.now())
        return Response(UpcomingSerializer(upcoming, many=True).data)


class CalendarFeedSerializer(serializers.Serializer):
    on = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class NewCalendarFeedSerializer(CalendarFeedSerializer):
    url = serializers.URLField(help_text="Shown once: only a hash of its token is kept.")


class CalendarFeedApi(APIView):
    """A private calendar address with the person's reminders, for phones without Web Push."""

    allows = {"GET": Allow.MANAGE, "*": Allow.THERAPIST_READS}

    @extend_schema(responses=CalendarFeedSerializer)
    def get(self, request):
        feed = CalendarFeed.objects.filter(person=request.person).first()
        if feed is None:
            raise NotFound(_("The calendar feed is off."))
        return Response(CalendarFeedSerializer({"on": True, "created_at": feed.created_at}).data)

    @extend_schema(
        request=None,
        responses={201: NewCalendarFeedSerializer},
        description="Turn the feed on, or give it a new address; the old address stops at once.",
    )
    def post(self, request):
        feed, token = calendar_feed_enable(person=request.person)
        url = request.build_absolute_uri(reverse("calendar-feed", kwargs={"token": token}))
        data = {"on": True, "created_at": feed.created_at, "url": url}
        return Response(NewCalendarFeedSerializer(data).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request):
        if not calendar_feed_disable(person=request.person):
            raise NotFound(_("The calendar feed is off."))
        return Response(status=status.HTTP_204_NO_CONTENT)
