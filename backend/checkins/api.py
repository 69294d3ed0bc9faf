from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.checkins.export import checkins_to_csv
from backend.checkins.imports import checkin_import_start
from backend.checkins.models import CheckIn, CheckInChange, CheckInImport, Flag
from backend.checkins.selectors import (
    alerts_for,
    alerts_of_person,
    change_state_of,
    checkin_history,
    checkin_imports_of,
    checkins_for_person,
    notes_for_person,
    trend_for_person,
    with_changes,
)
from backend.checkins.serializers import (
    CheckInCorrectionSerializer,
    CheckInInputSerializer,
    ToneField,
)
from backend.checkins.services import (
    alert_resolve,
    baseline_reset,
    checkin_correct,
    checkin_create,
    checkin_delete,
    note_add,
    note_read,
)
from backend.checkins.tasks import checkin_import_queue
from backend.plans.api import GuidanceLineSerializer
from backend.plans.guidance import Guidance
from backend.plans.guidance_words import ESTIMATE_LABEL, guidance_lines, guidance_message
from backend.plans.models import Technique
from backend.plans.selectors import plan_guidance_for
from backend.shared.access import Allow
from backend.shared.api import InputSerializer
from backend.shared.parsers import SizeLimitMixin


class CheckInPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class NoteSerializer(InputSerializer):
    id = serializers.IntegerField(read_only=True)
    author = serializers.CharField(source="author_name", read_only=True)
    text = serializers.CharField(max_length=1000)
    created_at = serializers.DateTimeField(read_only=True)
    read_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the person or a caregiver first opened it; null: unread.",
    )


class CheckInSerializer(serializers.ModelSerializer):
    tone = ToneField()
    occurrence = serializers.IntegerField(source="occurrence_id", allow_null=True)
    recorded_by = PersonRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="Who logged it: the person, or a caregiver for them. Null on older check-ins.",
    )
    amended = serializers.SerializerMethodField(
        help_text="Corrected or amended since it was logged: its history has the changes."
    )
    changed_at = serializers.SerializerMethodField(help_text="The latest change; null: none.")

    class Meta:
        model = CheckIn
        fields = [
            "id", "idempotency_key", "occurrence", "recorded_at", "tone", "pain", "ease",
            "rom_joint", "rom_degrees", "rom_change", "minutes", "technique", "worse_after",
            "stress", "sleep", "milestone", "notes", "recorded_by", "amended", "changed_at",
        ]  # fmt: skip

    def get_amended(self, checkin) -> bool:
        return change_state_of(checkin)[1] is not None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_changed_at(self, checkin):
        changed_at = change_state_of(checkin)[0]
        return serializers.DateTimeField().to_representation(changed_at) if changed_at else None


class CheckInListSerializer(CheckInSerializer):
    therapist_notes = NoteSerializer(many=True, read_only=True)

    class Meta(CheckInSerializer.Meta):
        fields = [*CheckInSerializer.Meta.fields, "therapist_notes"]


class CheckInApi(APIView):
    allows = Allow.THERAPIST_READS

    # Named on the view so the schema shows the paginated shape of the list.
    pagination_class = CheckInPagination

    CheckInInputSerializer = CheckInInputSerializer

    class CheckInResultSerializer(CheckInSerializer):
        advice = serializers.ListField(child=serializers.CharField(), read_only=True)

        class Meta(CheckInSerializer.Meta):
            fields = [*CheckInSerializer.Meta.fields, "advice"]

    @extend_schema(responses={200: CheckInListSerializer(many=True)})
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            with_changes(checkins_for_person(person=request.person))
            .select_related("recorded_by")
            .prefetch_related("therapist_notes")
            .order_by("-recorded_at", "-id"),
            request,
            view=self,
        )
        return paginator.get_paginated_response(CheckInListSerializer(page, many=True).data)

    @extend_schema(
        request=CheckInInputSerializer,
        responses={201: CheckInResultSerializer, 200: CheckInResultSerializer},
        description="201 when stored, 200 when this idempotency key was stored before.",
    )
    def post(self, request):
        serializer = self.CheckInInputSerializer(
            data=request.data, context={"person": request.person}
        )
        serializer.is_valid(raise_exception=True)
        result = checkin_create(
            person=request.person, recorded_by=request.user, **serializer.validated_data
        )
        data = CheckInSerializer(result.checkin).data | {"advice": result.advice}
        return Response(
            data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


def _checkin_of(request, checkin_id: int) -> CheckIn:
    checkin = checkins_for_person(person=request.person).filter(id=checkin_id).first()
    if checkin is None:
        raise NotFound(_("No such check-in."))
    return checkin


class CheckInDetailApi(APIView):
    """The person or a caregiver corrects or deletes a check-in; every change is kept."""

    allows = Allow.THERAPIST_READS  # a therapist's write is refused, as for new check-ins

    @extend_schema(
        request=CheckInCorrectionSerializer,
        responses=CheckInSerializer,
        description="Within 7 days of recorded_at a correction; later an amendment, which "
        "needs a `reason`. The values before are kept in the check-in's history.",
    )
    def patch(self, request, checkin_id: int):
        checkin = _checkin_of(request, checkin_id)
        serializer = CheckInCorrectionSerializer(
            data=request.data, context={"person": request.person}, partial=True
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        reason = changes.pop("reason", "")
        try:
            checkin = checkin_correct(
                checkin=checkin, by=request.user, changes=changes, reason=reason
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        fresh = with_changes(CheckIn.objects.filter(id=checkin.id)).select_related("recorded_by")
        return Response(CheckInSerializer(fresh.get()).data)

    @extend_schema(
        request=None,
        responses={204: None},
        description="Within 7 days of recorded_at only; later, 400: correct it instead.",
    )
    def delete(self, request, checkin_id: int):
        checkin = _checkin_of(request, checkin_id)
        try:
            checkin_delete(checkin=checkin, by=request.user)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


class CheckInChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CheckInChange.Kind.choices)
    changed_by = serializers.CharField(source="changed_by_name")
    changed_at = serializers.DateTimeField()
    before = serializers.JSONField(help_text="The check-in's values before the change.")
    after = serializers.JSONField(allow_null=True, help_text="Null when it was deleted.")
    reason = serializers.CharField()


class CheckInHistoryApi(APIView):
    """Who changed a check-in, when, and what it held before and after; kept after deletion."""

    allows = Allow.THERAPIST_READS

    @extend_schema(responses=CheckInChangeSerializer(many=True))
    def get(self, request, checkin_id: int):
        changes = checkin_history(person=request.person, checkin_id=checkin_id)
        if not changes.exists():
            _checkin_of(request, checkin_id)  # a check-in never changed: an empty history
        return Response(CheckInChangeSerializer(changes, many=True).data)


class CheckInNotesApi(APIView):
    """Notes a therapist leaves on a check-in; everyone who may see the check-in reads them."""

    allows = {"GET": Allow.THERAPIST_READS, "POST": Allow.THERAPIST_WRITES}

    def _checkin(self, request, checkin_id):
        checkin = checkins_for_person(person=request.person).filter(id=checkin_id).first()
        if checkin is None:
            raise NotFound(_("No such check-in."))
        return checkin

    @extend_schema(responses=NoteSerializer(many=True))
    def get(self, request, checkin_id: int):
        checkin = self._checkin(request, checkin_id)
        notes = checkin.therapist_notes.all()
        return Response(NoteSerializer(notes, many=True).data)

    @extend_schema(request=NoteSerializer, responses={201: NoteSerializer})
    def post(self, request, checkin_id: int):
        checkin = self._checkin(request, checkin_id)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = note_add(
            checkin=checkin, author=request.user, text=serializer.validated_data["text"]
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class NoteReadApi(APIView):
    """The person or a caregiver opened the note: the therapist sees it read."""

    allows = Allow.MANAGE

    @extend_schema(request=None, responses=NoteSerializer)
    def post(self, request, note_id: int):
        note = notes_for_person(person=request.person).filter(id=note_id).first()
        if note is None:
            raise NotFound(_("No such note."))
        return Response(NoteSerializer(note_read(note=note, by=request.user)).data)


class BaselineResetApi(APIView):
    allows = Allow.THERAPIST_READS

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        baseline_reset(person=request.person)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReassessmentSerializer(serializers.Serializer):
    due = serializers.BooleanField(help_text="The card is shown now.")
    days = serializers.IntegerField(help_text="Days since the baseline.")
    status = serializers.ChoiceField(
        choices=["too_early", "not_enough", "working", "not_yet"],
        help_text="not_enough: fewer than 3 check-ins in the last 14 days or in the first week.",
    )
    tone_met = serializers.BooleanField(allow_null=True)
    pain_met = serializers.BooleanField(allow_null=True)
    latest_tone = ToneField(
        allow_null=True,
        help_text="Median grade of the last 14 days (the higher middle grade when even).",
    )
    baseline_pain = serializers.FloatField(
        allow_null=True, help_text="Median pain of the 7 days from the baseline check-in."
    )
    latest_pain = serializers.FloatField(
        allow_null=True, help_text="Median pain of the last 14 days, up to today."
    )
    pain_change = serializers.FloatField(allow_null=True, help_text="-0.4: 40% below baseline.")
    next_due_on = serializers.DateField(
        allow_null=True,
        help_text="The person's local date the next reassessment opens; null while one is due.",
    )
    latest_days = serializers.IntegerField(
        allow_null=True, help_text="Days from the baseline to the latest check-in."
    )
    recent_count = serializers.IntegerField(help_text="Check-ins in the last 14 days.")
    baseline_count = serializers.IntegerField(help_text="Check-ins in the baseline week.")


class PointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    recorded_at = serializers.DateTimeField()
    tone = ToneField()
    pain = serializers.IntegerField()
    ease = serializers.IntegerField()
    rom_joint = serializers.CharField()
    rom_degrees = serializers.IntegerField(allow_null=True)
    rom_change = serializers.CharField()
    recorded_by = inline_serializer(
        "PointRecordedBy",
        {"id": serializers.IntegerField(), "name": serializers.CharField()},
        allow_null=True,
        help_text="Who logged it: the person, or a caregiver for them. Null on older check-ins.",
    )


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


class OutcomeGroupSerializer(serializers.Serializer):
    weeks = serializers.IntegerField()
    mean_pain = serializers.FloatField(allow_null=True)
    mean_tone = serializers.FloatField(allow_null=True, help_text="On the ordinal scale 0–5.")


class AdherenceOutcomeSerializer(serializers.Serializer):
    enough = serializers.BooleanField(help_text="False: too few weeks on one side to compare.")
    met = OutcomeGroupSerializer()
    not_met = OutcomeGroupSerializer()


class TrendSerializer(serializers.Serializer):
    series = PointSerializer(many=True)
    plan_changes = PlanChangeSerializer(many=True)
    adherence = WeekSerializer(many=True)
    baseline = CheckInSerializer(allow_null=True)
    reassessment = ReassessmentSerializer(allow_null=True)
    open_flags = FlagSerializer(many=True)
    adherence_outcome = AdherenceOutcomeSerializer()


class TrendApi(APIView):
    allows = Allow.THERAPIST_READS

    @extend_schema(responses=TrendSerializer)
    def get(self, request):
        person = request.person
        trend = trend_for_person(person=person, today=timezone.localdate(timezone=person.time_zone))
        return Response(TrendSerializer(trend).data)


class CsvUploadParser(SizeLimitMixin, MultiPartParser):
    pass


class CsvParser(SizeLimitMixin, BaseParser):
    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return stream.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ParseError(_("The file must be UTF-8 text.")) from error


# A file in a multipart form: described as binary, which generated clients upload as a file.
@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    pass


class CheckInExportApi(APIView):
    allows = Allow.THERAPIST_READS

    @extend_schema(responses={(200, "text/csv"): str})
    def get(self, request):
        checkins = checkins_for_person(person=request.person).order_by("recorded_at", "id")
        response = HttpResponse(checkins_to_csv(checkins), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="tonus-checkins.csv"'
        return response


class CheckInImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=CheckInImport.Status.choices)
    total = serializers.IntegerField(help_text="Rows in the file.")
    processed = serializers.IntegerField(help_text="Rows checked so far.")
    created = serializers.IntegerField(source="created_count", allow_null=True)
    unchanged = serializers.IntegerField(
        source="unchanged_count",
        allow_null=True,
        help_text="Rows already stored (the same idempotency key), left as they were.",
    )
    errors = serializers.JSONField(
        help_text='When nothing was imported: {"rows": {line: {field: [messages]}}} for the '
        'first failing lines, or {"file": [message]}.'
    )
    error_count = serializers.IntegerField(help_text="Lines that failed, all of them.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, job) -> str:
        return reverse("api-checkins-import-status", args=[job.id])


class CheckInImportApi(APIView):
    """Takes back an export, in the background: rows already stored (same idempotency key)
    are left as they are; one bad row and nothing is stored."""

    allows = Allow.MANAGE

    # A form with the file, as generated clients and browsers send it; a bare text/csv body
    # (what the export gives back) is still taken.
    parser_classes = [CsvUploadParser, CsvParser]

    class CheckInImportUploadSerializer(InputSerializer):
        file = UploadField(help_text="A CSV file as the check-in export makes it.")

    @extend_schema(
        request={"multipart/form-data": CheckInImportUploadSerializer},
        description="Send the file as multipart/form-data in the field `file` (a body of "
        "type text/csv is taken too). The rows are checked and stored in the background: "
        "follow `url` until `status` is `done` or `failed`.",
        responses={202: CheckInImportSerializer},
    )
    def post(self, request):
        try:
            job = checkin_import_start(
                person=request.person, by=request.user, text=csv_upload_text(request)
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        checkin_import_queue(job.id)
        data = CheckInImportSerializer(job).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class CheckInImportStatusApi(APIView):
    allows = Allow.MANAGE

    @extend_schema(responses=CheckInImportSerializer)
    def get(self, request, import_id: int):
        job = checkin_imports_of(person=request.person).filter(id=import_id).first()
        if job is None:
            raise NotFound()
        return Response(CheckInImportSerializer(job).data)


def csv_upload_text(request) -> str:
    if isinstance(request.data, str):
        return request.data
    upload = CheckInImportApi.CheckInImportUploadSerializer(data=request.data)
    upload.is_valid(raise_exception=True)
    try:
        return upload.validated_data["file"].read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError(_("The file must be UTF-8 text.")) from error


class PlanCheckApi(APIView):
    """Sessions and minutes in, the same guidance the plan pages and the plan API give out."""

    allows = Allow.THERAPIST_READS

    class PlanCheckInputSerializer(serializers.Serializer):
        sessions_per_week = serializers.IntegerField(min_value=0, max_value=14)
        minutes = serializers.IntegerField(min_value=0, max_value=240)
        technique = serializers.ChoiceField(
            choices=Technique.choices, required=False, help_text="Left out: any technique."
        )
        first_weeks = serializers.BooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text="In a plan's first two weeks. Left out: as the person's massage plan is "
            "(yes when there is none).",
        )

    class PlanCheckSerializer(serializers.Serializer):
        in_line = serializers.BooleanField()
        guidance = GuidanceLineSerializer(many=True)
        estimate = serializers.CharField(allow_null=True)
        estimate_label = serializers.CharField(allow_null=True)

    @extend_schema(parameters=[PlanCheckInputSerializer], responses=PlanCheckSerializer)
    def get(self, request):
        serializer = self.PlanCheckInputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        guidance = plan_guidance_for(person=request.person, **serializer.validated_data)
        return Response(self._data(guidance))

    @staticmethod
    def _data(guidance: Guidance) -> dict:
        estimate = (
            guidance_message(guidance, "study_estimate")
            if "study_estimate" in guidance.codes
            else None
        )
        return {
            "in_line": guidance.in_line,
            "guidance": guidance_lines(guidance),
            "estimate": estimate,
            "estimate_label": ESTIMATE_LABEL if estimate else None,
        }


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonRefSerializer()
    kind = serializers.ChoiceField(choices=Flag.Kind.choices)
    created_at = serializers.DateTimeField()
    checkin = serializers.IntegerField(source="checkin_id", allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = serializers.CharField(
        source="resolved_by_name",
        help_text="Who resolved it: a therapist, or the person or a caregiver dismissing the "
        "overstimulation card. Empty when it cleared by itself.",
    )
    resolution = serializers.CharField(help_text="Why it was resolved.")


class AlertApi(APIView):
    """The therapist's alerts about everyone who granted them access, newest first."""

    allows = Allow.LOGIN

    class AlertQuerySerializer(serializers.Serializer):
        resolved = serializers.BooleanField(
            required=False, default=False, help_text="true: the history of resolved alerts."
        )

    @extend_schema(parameters=[AlertQuerySerializer], responses=AlertSerializer(many=True))
    def get(self, request):
        query = self.AlertQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        alerts = alerts_for(therapist=request.user, resolved=query.validated_data["resolved"])
        return Response(AlertSerializer(alerts, many=True).data)


class AlertResolveApi(APIView):
    """A therapist with access resolves an alert about the person, saying why."""

    allows = Allow.THERAPIST_WRITES

    class AlertResolveInputSerializer(InputSerializer):
        reason = serializers.CharField(max_length=200)

    @extend_schema(request=AlertResolveInputSerializer, responses=AlertSerializer)
    def post(self, request, flag_id: int):
        flag = alerts_of_person(person=request.person).filter(id=flag_id).first()
        if flag is None:
            raise NotFound(_("No such alert."))
        serializer = self.AlertResolveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            flag = alert_resolve(
                flag=flag, by=request.user, reason=serializer.validated_data["reason"]
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(AlertSerializer(flag).data)
