import json
from datetime import datetime, timedelta

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from backend.checkins.selectors import checkins_for_person
from backend.export.fhir import checkins_fhir_bundle
from backend.export.person_data import person_data_json, person_data_zip
from backend.shared.access import Allow


class ExportApi(APIView):
    """All the data Tonus holds about the person (or the child they care for): one JSON file,
    or with `file=csv` a zip with one CSV file for each section of the JSON."""

    allows = Allow.MANAGE

    class ExportQuerySerializer(serializers.Serializer):
        file = serializers.ChoiceField(
            choices=["json", "csv"],
            required=False,
            default="json",
            help_text="json: one file; csv: a zip with one CSV file for each kind of record.",
        )

    @extend_schema(
        parameters=[ExportQuerySerializer],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "application/zip"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request):
        person = request.person
        query = self.ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data["file"] == "csv":
            response = HttpResponse(person_data_zip(person=person), content_type="application/zip")
            response["Content-Disposition"] = 'attachment; filename="tonus-data.zip"'
            return response
        response = HttpResponse(
            person_data_json(person=person), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="tonus-data.json"'
        return response


FHIR_JSON = "application/fhir+json"


class FhirExportApi(APIView):
    """The check-ins as an HL7 FHIR R4 Bundle of Observations (pain, muscle tone, range of
    motion, ease of daily tasks, stress, sleep), for a clinic's system. With `month`, only
    that month's, in the person's time zone."""

    allows = Allow.THERAPIST_READS

    class FhirQuerySerializer(serializers.Serializer):
        month = serializers.RegexField(
            # Check-ins start in 2000 (the check-in API refuses earlier ones).
            r"^20[0-9]{2}-(0[1-9]|1[0-2])$",
            required=False,
            help_text="YYYY-MM, 2000-01 to 2099-12: only this month's check-ins, in the "
            "person's time zone. Left out: all of them.",
        )

    @extend_schema(
        parameters=[FhirQuerySerializer],
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
        description="A FHIR Bundle of type collection: the Patient, then the Observations.",
    )
    def get(self, request):
        person = request.person
        query = self.FhirQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        checkins = checkins_for_person(person=person).order_by("recorded_at", "id")
        name = "tonus-fhir"
        if month := query.validated_data.get("month"):
            start = datetime.strptime(month, "%Y-%m").replace(tzinfo=person.time_zone)
            end = (start + timedelta(days=32)).replace(day=1)
            checkins = checkins.filter(recorded_at__gte=start, recorded_at__lt=end)
            name = f"tonus-fhir-{month}"
        bundle = checkins_fhir_bundle(person=person, checkins=checkins)
        response = HttpResponse(json.dumps(bundle), content_type=f"{FHIR_JSON}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
