from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.checkins.models import CheckIn, RangeChange, Tone
from backend.checkins.selectors import checkins_for_person, trend_for_person
from backend.checkins.services import baseline_reset, checkin_create
from backend.plans.models import Technique
from backend.reminders.selectors import occurrences_for_person

TONE_BY_LABEL = {tone.label: tone.value for tone in Tone}


class CheckInPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500


class ToneField(serializers.ChoiceField):
    """The Modified Ashworth grade by its label ("0", "1", "1+", "2", "3", "4")."""

    def __init__(self, **kwargs):
        super().__init__(choices=list(TONE_BY_LABEL), **kwargs)

    def to_internal_value(self, data):
        return TONE_BY_LABEL[
            super().to_internal_value(str(data) if isinstance(data, int) else data)
        ]

    def to_representation(self, value):
        return Tone(value).label


def _score(**kwargs):
    return serializers.IntegerField(min_value=0, max_value=10, **kwargs)


class CheckInSerializer(serializers.ModelSerializer):
    tone = ToneField()
    occurrence = serializers.IntegerField(source="occurrence_id", allow_null=True)

    class Meta:
        model = CheckIn
        fields = [
            "id", "idempotency_key", "occurrence", "recorded_at", "tone", "pain", "ease",
            "rom_joint", "rom_degrees", "rom_change", "minutes", "technique", "worse_after",
            "stress", "sleep", "milestone", "notes",
        ]  # fmt: skip


class CheckInApi(APIView):
    class CheckInInputSerializer(serializers.Serializer):
        idempotency_key = serializers.UUIDField(
            help_text="Made by the client once per check-in; a resend with it stores nothing new."
        )
        occurrence = serializers.IntegerField(required=False, allow_null=True, default=None)
        recorded_at = serializers.DateTimeField(required=False)
        tone = ToneField()
        pain = _score()
        ease = _score()
        rom_joint = serializers.CharField(
            max_length=60, required=False, allow_blank=True, default=""
        )
        rom_degrees = serializers.IntegerField(
            min_value=0, max_value=360, required=False, allow_null=True
        )
        rom_change = serializers.ChoiceField(
            choices=RangeChange.choices, required=False, allow_blank=True, default=""
        )
        minutes = serializers.IntegerField(
            min_value=0, max_value=240, required=False, allow_null=True
        )
        technique = serializers.ChoiceField(
            choices=Technique.choices, required=False, allow_blank=True, default=""
        )
        worse_after = serializers.BooleanField(required=False, default=False)
        stress = _score(required=False, allow_null=True)
        sleep = _score(required=False, allow_null=True)
        milestone = serializers.CharField(
            max_length=200, required=False, allow_blank=True, default=""
        )
        notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
        baseline = serializers.BooleanField(
            required=False, default=False, help_text="An explicit baseline assessment."
        )

        def validate_occurrence(self, value):
            if value is None:
                return None
            # Someone else's reminder answers exactly like one that does not exist.
            occurrence = (
                occurrences_for_person(user=self.context["person"]).filter(id=value).first()
            )
            if occurrence is None:
                raise serializers.ValidationError("No such reminder.")
            return occurrence

        def validate_recorded_at(self, value):
            now = timezone.now()
            if value > now + timedelta(minutes=5):
                raise serializers.ValidationError("A check-in cannot be in the future.")
            if value < now - timedelta(days=365):
                raise serializers.ValidationError("A check-in can be at most a year old.")
            return value

    class CheckInResultSerializer(CheckInSerializer):
        advice = serializers.ListField(child=serializers.CharField(), read_only=True)

        class Meta(CheckInSerializer.Meta):
            fields = [*CheckInSerializer.Meta.fields, "advice"]

    @extend_schema(request=CheckInInputSerializer, responses={200: CheckInSerializer(many=True)})
    def get(self, request):
        paginator = CheckInPagination()
        page = paginator.paginate_queryset(
            checkins_for_person(person=request.user).order_by("-recorded_at", "-id"),
            request,
            view=self,
        )
        return paginator.get_paginated_response(CheckInSerializer(page, many=True).data)

    @extend_schema(
        request=CheckInInputSerializer,
        responses={201: CheckInResultSerializer, 200: CheckInResultSerializer},
        description="201 when stored, 200 when this idempotency key was stored before.",
    )
    def post(self, request):
        serializer = self.CheckInInputSerializer(
            data=request.data, context={"person": request.user}
        )
        serializer.is_valid(raise_exception=True)
        result = checkin_create(person=request.user, **serializer.validated_data)
        data = CheckInSerializer(result.checkin).data | {"advice": result.advice}
        return Response(
            data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


class BaselineResetApi(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        baseline_reset(person=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReassessmentSerializer(serializers.Serializer):
    due = serializers.BooleanField(help_text="The card is shown now.")
    days = serializers.IntegerField(help_text="Days since the baseline.")
    status = serializers.ChoiceField(choices=["too_early", "no_data", "working", "not_yet"])
    tone_met = serializers.BooleanField(allow_null=True)
    pain_met = serializers.BooleanField(allow_null=True)
    latest_tone = ToneField(allow_null=True)
    baseline_pain = serializers.IntegerField(allow_null=True)
    latest_pain = serializers.IntegerField(allow_null=True)
    pain_change = serializers.FloatField(allow_null=True, help_text="-0.4: 40% below baseline.")


class PointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    recorded_at = serializers.DateTimeField()
    tone = ToneField()
    pain = serializers.IntegerField()
    ease = serializers.IntegerField()
    rom_joint = serializers.CharField()
    rom_degrees = serializers.IntegerField(allow_null=True)
    rom_change = serializers.CharField()


class WeekSerializer(serializers.Serializer):
    week_start = serializers.DateField()
    massage_planned = serializers.IntegerField()
    massage_done = serializers.IntegerField()
    stretch_days_planned = serializers.IntegerField()
    stretch_days_done = serializers.IntegerField()


class PlanChangeSerializer(serializers.Serializer):
    changed_at = serializers.DateTimeField()
    summary = serializers.CharField()


class FlagSerializer(serializers.Serializer):
    kind = serializers.CharField()
    created_at = serializers.DateTimeField()
    checkin = serializers.IntegerField(source="checkin_id", allow_null=True)


class TrendSerializer(serializers.Serializer):
    series = PointSerializer(many=True)
    plan_changes = PlanChangeSerializer(many=True)
    adherence = WeekSerializer(many=True)
    baseline = CheckInSerializer(allow_null=True)
    reassessment = ReassessmentSerializer(allow_null=True)
    open_flags = FlagSerializer(many=True)


class TrendApi(APIView):
    @extend_schema(responses=TrendSerializer)
    def get(self, request):
        person = request.user
        trend = trend_for_person(person=person, today=timezone.localdate(timezone=person.time_zone))
        return Response(TrendSerializer(trend).data)
