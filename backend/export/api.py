from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

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
