from contextlib import contextmanager
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import ESCALATE_MAX, ESCALATE_MIN, ESCALATE_SUGGESTED
from backend.accounts.services import user_update
from backend.care.access import person_in_care_of
from backend.care.models import Invitation
from backend.care.selectors import (
    access_log_entries,
    circle_of,
    dependent_in_care_of,
    invitations_pending,
    people_for,
    therapists_of,
    viewed_what,
)
from backend.care.services import (
    CareError,
    InvitationError,
    RemovalRefused,
    caregiver_leave,
    caregiver_remove,
    dependent_create,
    dependent_delete,
    invitation_accept,
    invitation_cancel,
    invitation_create,
    support_person_remove,
    therapist_revoke,
)
from backend.shared.access import Allow
from backend.shared.api import FIELD_ERRORS, InputSerializer, TimeZoneField
from backend.shared.throttles import PER_ACCOUNT_AND_ADDRESS


class CarePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    is_dependent = serializers.BooleanField()
    birth_year = serializers.IntegerField(allow_null=True)
    time_zone = TimeZoneField()
    escalate_after = serializers.IntegerField(allow_null=True)


def _escalate_after(**kwargs) -> serializers.IntegerField:
    """Minutes before the people looking after them hear of an undone reminder; null: never."""
    return serializers.IntegerField(
        allow_null=True, min_value=ESCALATE_MIN, max_value=ESCALATE_MAX, **kwargs
    )


class PeopleApi(APIView):
    """The people this login can act for; send X-Tonus-Person: <id> to act for one."""

    allows = Allow.LOGIN

    @extend_schema(responses=CarePersonSerializer(many=True))
    def get(self, request):
        return Response(CarePersonSerializer(people_for(user=request.user), many=True).data)


def _not_after_this_year(year: int) -> None:
    if year > date.today().year:
        raise serializers.ValidationError(_("Enter a year between 1900 and this year."))


def _birth_year(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1900, max_value=2100, validators=[_not_after_this_year], **kwargs
    )


class DependentApi(APIView):
    allows = Allow.LOGIN

    class DependentInputSerializer(InputSerializer):
        name = serializers.CharField(max_length=100)
        birth_year = _birth_year(required=False, allow_null=True)
        time_zone = TimeZoneField(
            required=False, help_text="The caregiver's own zone when not given."
        )
        # Suggested for a child: on unless the caregiver says otherwise.
        escalate_after = _escalate_after(required=False, default=ESCALATE_SUGGESTED)

    @extend_schema(request=DependentInputSerializer, responses={201: CarePersonSerializer})
    def post(self, request):
        serializer = self.DependentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = dependent_create(caregiver=request.user, **serializer.validated_data)
        return Response(CarePersonSerializer(person).data, status=status.HTTP_201_CREATED)


class DependentDetailApi(APIView):
    """A caregiver edits or deletes the profile of someone with no login of their own."""

    allows = Allow.LOGIN

    class DependentUpdateSerializer(InputSerializer):
        name = serializers.CharField(max_length=100, required=False)
        birth_year = _birth_year(required=False, allow_null=True)
        time_zone = TimeZoneField(required=False)
        escalate_after = _escalate_after(required=False)

    def _dependent(self, request, person_id):
        person = dependent_in_care_of(user=request.user, person_id=person_id)
        if person is None:
            raise NotFound(_("No such person."))
        return person

    @extend_schema(responses=CarePersonSerializer)
    def get(self, request, person_id: int):
        return Response(CarePersonSerializer(self._dependent(request, person_id)).data)

    @extend_schema(request=DependentUpdateSerializer, responses=CarePersonSerializer)
    def patch(self, request, person_id: int):
        person = self._dependent(request, person_id)
        serializer = self.DependentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = user_update(user=person, **serializer.validated_data)
        return Response(CarePersonSerializer(person).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, person_id: int):
        dependent_delete(person=self._dependent(request, person_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeaveApi(APIView):
    """A caregiver steps out of someone's care circle."""

    allows = Allow.LOGIN

    @extend_schema(request=None, responses={204: None, 400: FIELD_ERRORS})
    def post(self, request, person_id: int):
        person = person_in_care_of(request.user, person_id)
        if person is None:
            raise NotFound(_("No such person."))
        try:
            caregiver_leave(caregiver=request.user, person=person)
        except CareError as error:
            raise serializers.ValidationError({"person": [str(error)]}) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationApi(APIView):
    allows = Allow.MANAGE

    class InvitationInputSerializer(InputSerializer):
        role = serializers.ChoiceField(choices=Invitation.Role.choices)

    class InvitationSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        code = serializers.CharField(help_text="Shown once: only its hash is kept.")
        role = serializers.CharField()
        expires_at = serializers.DateTimeField()

    class PendingInvitationSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        role = serializers.CharField()
        created_at = serializers.DateTimeField()
        expires_at = serializers.DateTimeField()

    @extend_schema(responses=PendingInvitationSerializer(many=True))
    def get(self, request):
        pending = invitations_pending(person=request.person, now=timezone.now())
        return Response(self.PendingInvitationSerializer(pending, many=True).data)

    @extend_schema(request=InvitationInputSerializer, responses={201: InvitationSerializer})
    def post(self, request):
        person = request.person
        serializer = self.InvitationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            invitation, code = invitation_create(
                person=person, role=serializer.validated_data["role"], created_by=request.user
            )
        except CareError as error:
            raise serializers.ValidationError({"role": [str(error)]}) from error
        data = {
            "id": invitation.id,
            "code": code,
            "role": invitation.role,
            "expires_at": invitation.expires_at,
        }
        return Response(self.InvitationSerializer(data).data, status=status.HTTP_201_CREATED)


class InvitationCancelApi(APIView):
    allows = Allow.MANAGE

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, invitation_id: int):
        if not invitation_cancel(person=request.person, invitation_id=invitation_id):
            raise NotFound(_("No such invitation."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptApi(APIView):
    allows = Allow.LOGIN
    # A code is short enough to guess at speed: tries are counted per account and address.
    throttle_classes = PER_ACCOUNT_AND_ADDRESS
    throttle_scope = "invitation"

    class AcceptInputSerializer(InputSerializer):
        code = serializers.CharField(max_length=40)

    @extend_schema(request=AcceptInputSerializer, responses=CarePersonSerializer)
    def post(self, request):
        serializer = self.AcceptInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            invitation = invitation_accept(
                code=serializer.validated_data["code"], user=request.user
            )
        except InvitationError as error:
            raise serializers.ValidationError({"code": [str(error)]}) from error
        return Response(CarePersonSerializer(invitation.person).data)


class TherapistSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="therapist_id")
    name = serializers.CharField(source="therapist.display_name")
    granted_at = serializers.DateTimeField()


class TherapistApi(APIView):
    allows = Allow.MANAGE

    @extend_schema(responses=TherapistSerializer(many=True))
    def get(self, request):
        person = request.person
        return Response(TherapistSerializer(therapists_of(person=person), many=True).data)


class TherapistRevokeApi(APIView):
    allows = Allow.MANAGE

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, therapist_id: int):
        with _refused_as_403():
            revoked = therapist_revoke(
                person=request.person, therapist_id=therapist_id, by=request.user
            )
        if not revoked:
            raise NotFound(_("No such therapist."))
        return Response(status=status.HTTP_204_NO_CONTENT)


@contextmanager
def _refused_as_403():
    """In the circle but not the one who decides it: 403; a child's last caregiver: 400."""
    try:
        yield
    except RemovalRefused as error:
        raise PermissionDenied(str(error)) from error
    except CareError as error:
        raise serializers.ValidationError({"person": [str(error)]}) from error


class CircleMemberSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["caregiver", "support", "therapist"])
    id = serializers.IntegerField(source="user.id")
    name = serializers.CharField(source="user.display_name")
    since = serializers.DateTimeField()
    may_do = serializers.CharField(help_text="What they may do, in plain words.")


class CircleApi(APIView):
    """Everyone with access to the acting person: caregivers, support people, therapists."""

    allows = Allow.MANAGE

    @extend_schema(responses=CircleMemberSerializer(many=True))
    def get(self, request):
        return Response(CircleMemberSerializer(circle_of(person=request.person), many=True).data)


class CaregiverRemoveApi(APIView):
    """Takes a caregiver out at once. An adult decides their own circle; a child's caregivers
    decide the child's, but a child keeps at least one caregiver."""

    allows = Allow.MANAGE

    @extend_schema(request=None, responses={204: None, 400: FIELD_ERRORS})
    def delete(self, request, caregiver_id: int):
        with _refused_as_403():
            removed = caregiver_remove(
                person=request.person, caregiver_id=caregiver_id, by=request.user
            )
        if not removed:
            raise NotFound(_("No such caregiver."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SupportPersonRemoveApi(APIView):
    allows = Allow.MANAGE

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, supporter_id: int):
        with _refused_as_403():
            removed = support_person_remove(
                person=request.person, supporter_id=supporter_id, by=request.user
            )
        if not removed:
            raise NotFound(_("No such support person."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccessLogSerializer(serializers.Serializer):
    therapist = serializers.CharField(source="therapist_name", help_text="Their name then.")
    what = serializers.SerializerMethodField(
        help_text="What was looked at, in words; path is the address."
    )
    path = serializers.CharField()
    at = serializers.DateTimeField()

    def get_what(self, entry) -> str:
        return str(viewed_what(path=entry.path))


class AccessLogPagination(PageNumberPagination):
    page_size = 50


class AccessLogApi(ListAPIView):
    """Every time a therapist looked at the person's data, latest first, a page at a time."""

    allows = Allow.MANAGE
    serializer_class = AccessLogSerializer
    pagination_class = AccessLogPagination

    class AccessLogQuerySerializer(InputSerializer):
        page = serializers.IntegerField(min_value=1, required=False)
        # Blank allowed: the default "" must be a value the schema itself accepts.
        who = serializers.CharField(
            max_length=254,
            required=False,
            allow_blank=True,
            default="",
            help_text="Only this therapist's.",
        )

    @extend_schema(parameters=[AccessLogQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = self.AccessLogQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return access_log_entries(person=self.request.person, who=query.validated_data["who"])
