from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from timezone_field.rest_framework import TimeZoneSerializerField

from backend.care.selectors import people_for
from backend.care.services import dependent_create


class CarePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    is_dependent = serializers.BooleanField()
    birth_year = serializers.IntegerField(allow_null=True)
    time_zone = TimeZoneSerializerField(use_pytz=False)


class PeopleApi(APIView):
    """The people this login can act for; send X-Tonus-Person: <id> to act for one."""

    @extend_schema(responses=CarePersonSerializer(many=True))
    def get(self, request):
        return Response(CarePersonSerializer(people_for(user=request.user), many=True).data)


class DependentApi(APIView):
    class DependentInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        birth_year = serializers.IntegerField(
            min_value=1900, max_value=2100, required=False, allow_null=True
        )
        time_zone = TimeZoneSerializerField(use_pytz=False)

    @extend_schema(request=DependentInputSerializer, responses={201: CarePersonSerializer})
    def post(self, request):
        serializer = self.DependentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = dependent_create(caregiver=request.user, **serializer.validated_data)
        return Response(CarePersonSerializer(person).data, status=status.HTTP_201_CREATED)
