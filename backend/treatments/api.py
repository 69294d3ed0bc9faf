from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.shared.access import Allow
from backend.shared.api import InputSerializer
from backend.treatments.models import TreatmentEvent
from backend.treatments.selectors import treatments_for_person
from backend.treatments.services import treatment_delete, treatment_record


class TreatmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TreatmentEvent.Kind.choices)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    muscles = serializers.CharField()
    medicine = serializers.CharField()
    change = serializers.CharField(help_text="started, changed or stopped; empty otherwise.")
    note = serializers.CharField()


class TreatmentsApi(APIView):
    """Other treatments that change tone (data only: Tonus never advises on doses)."""

    allows = Allow.THERAPIST_READS

    class TreatmentInputSerializer(InputSerializer):
        kind = serializers.ChoiceField(choices=TreatmentEvent.Kind.choices)
        started_on = serializers.DateField()
        ended_on = serializers.DateField(required=False, allow_null=True)
        muscles = serializers.CharField(max_length=200, required=False, allow_blank=True)
        medicine = serializers.CharField(max_length=80, required=False, allow_blank=True)
        change = serializers.ChoiceField(
            choices=TreatmentEvent.Change.choices, required=False, allow_blank=True
        )
        note = serializers.CharField(max_length=500, required=False, allow_blank=True)

    @extend_schema(responses=TreatmentSerializer(many=True))
    def get(self, request):
        events = treatments_for_person(person=request.person)
        return Response(TreatmentSerializer(events, many=True).data)

    @extend_schema(request=TreatmentInputSerializer, responses={201: TreatmentSerializer})
    def post(self, request):
        serializer = self.TreatmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            event = treatment_record(
                person=request.person, by=request.user, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(TreatmentSerializer(event).data, status=status.HTTP_201_CREATED)


class TreatmentDetailApi(APIView):
    allows = Allow.THERAPIST_READS

    @extend_schema(responses={204: None})
    def delete(self, request, event_id: int):
        event = get_object_or_404(treatments_for_person(person=request.person), id=event_id)
        treatment_delete(event=event)
        return Response(status=status.HTTP_204_NO_CONTENT)
