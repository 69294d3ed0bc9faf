from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.plans.guidance import LONGEST, SESSIONS_PER_WEEK, SHORTEST, WARNINGS
from backend.plans.guidance_words import WEEKDAY_CODES, guidance_lines, week_advice, week_lines
from backend.plans.models import GivenBy, Proposal, SafetyScreen, Side, Technique
from backend.plans.selectors import (
    massage_plan_guidance,
    massage_plan_of,
    plan_week,
    proposals_for_person,
    safety_screen_latest,
    stretch_routine_of,
)
from backend.plans.services import (
    SessionTime,
    StretchInput,
    massage_plan_delete,
    massage_plan_save,
    proposal_create,
    proposal_decide,
    proposal_read,
    safety_screen_record,
    stretch_routine_delete,
    stretch_routine_save,
)
from backend.plans.stretches import CATALOG, SAFE_END_RANGE, muscle_display
from backend.shared.access import Allow
from backend.shared.api import InputSerializer, LocalTimeField, ModelInputSerializer


def _service_errors(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict)


class ScheduleSerializer(serializers.Serializer):
    weekday = serializers.SerializerMethodField()
    time = LocalTimeField(source="local_time")
    time_zone = serializers.CharField()
    next_due_at = serializers.DateTimeField(help_text="The next reminder, in UTC.")
    next_local = serializers.SerializerMethodField(help_text="The next reminder, local time.")

    def get_weekday(self, schedule) -> str | None:
        return None if schedule.weekday is None else WEEKDAY_CODES[schedule.weekday]

    def get_next_local(self, schedule) -> str:
        return schedule.next_due_at.astimezone(schedule.time_zone).isoformat()


class GuidanceLineSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="What the guideline says about the plan; warnings: " + ", ".join(sorted(WARNINGS))
    )
    message = serializers.CharField(help_text="The same in words, in the person's language.")
    warning = serializers.BooleanField(help_text="The plan is outside the guideline here.")


class WeekDaySerializer(serializers.Serializer):
    weekday = serializers.ChoiceField(choices=WEEKDAY_CODES)
    name = serializers.CharField(help_text="The day's name in the person's language.")
    massage = serializers.ChoiceField(
        choices=["session", "likely", "possible"],
        allow_null=True,
        help_text="A session that day, or relief from one likely (the day after) or possible "
        "(two days after); null: no massage relief.",
    )
    stretches = serializers.BooleanField(help_text="Daily stretches reach this day.")
    gap = serializers.BooleanField(help_text="Neither massage relief nor stretches.")
    text = serializers.CharField(help_text="The day in words.")


class SessionSerializer(InputSerializer):
    weekday = serializers.ChoiceField(choices=WEEKDAY_CODES)
    time = LocalTimeField()


class MassagePlanApi(APIView):
    allows = Allow.THERAPIST_READS

    class MassagePlanInputSerializer(InputSerializer):
        sessions = SessionSerializer(many=True, allow_empty=True)
        duration_minutes = serializers.IntegerField(min_value=SHORTEST, max_value=LONGEST)
        technique = serializers.ChoiceField(choices=Technique.choices)
        target_muscles = serializers.ListField(
            child=serializers.CharField(max_length=60), max_length=12, default=list
        )
        given_by = serializers.ChoiceField(choices=GivenBy.choices)

        def validate_sessions(self, sessions):
            fewest, most = SESSIONS_PER_WEEK
            if not fewest <= len(sessions) <= most:
                raise serializers.ValidationError(
                    _(
                        "Plan 1 or 2 massage sessions a week. Regular sessions with daily "
                        "stretches work best; more can overstimulate the muscles."
                    )
                )
            parsed = [
                SessionTime(weekday=WEEKDAY_CODES.index(session["weekday"]), at=session["time"])
                for session in sessions
            ]
            if len({session.weekday for session in parsed}) != len(parsed):
                raise serializers.ValidationError(_("Put the two sessions on different days."))
            return parsed

    class MassagePlanSerializer(serializers.Serializer):
        duration_minutes = serializers.IntegerField()
        technique = serializers.CharField()
        target_muscles = serializers.ListField(child=serializers.CharField())
        target_muscles_display = serializers.SerializerMethodField(
            help_text='In the language of the request: "Calf (gastrocnemius)".'
        )
        given_by = serializers.CharField()
        sessions = ScheduleSerializer(source="schedules.all", many=True)
        guidance = serializers.SerializerMethodField(
            help_text="The plan against the guideline, as the plan check gives it."
        )

        week = serializers.SerializerMethodField(
            help_text="Which days the sessions' relief (about 1–3 days) and the daily stretches "
            "reach, Monday to Sunday. General information, not medical advice."
        )
        week_advice = serializers.SerializerMethodField(
            help_text="When the sessions are bunched: days that would cover more of the week."
        )

        @extend_schema_field(GuidanceLineSerializer(many=True))
        def get_guidance(self, plan) -> list[dict]:
            return guidance_lines(massage_plan_guidance(plan=plan))

        @extend_schema_field(WeekDaySerializer(many=True))
        def get_week(self, plan) -> list[dict]:
            return week_lines(plan_week(person=plan.person))

        def get_week_advice(self, plan) -> str | None:
            return week_advice(plan_week(person=plan.person))

        def get_target_muscles_display(self, plan) -> list[str]:
            return [muscle_display(muscle) for muscle in plan.target_muscles]

    @extend_schema(responses=MassagePlanSerializer)
    def get(self, request):
        plan = massage_plan_of(person=request.person)
        if plan is None:
            raise NotFound(_("No massage plan yet."))
        return Response(self.MassagePlanSerializer(plan).data)

    @extend_schema(request=MassagePlanInputSerializer, responses=MassagePlanSerializer)
    def put(self, request):
        serializer = self.MassagePlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            plan = massage_plan_save(person=request.person, **serializer.validated_data)
        except DjangoValidationError as error:
            raise _service_errors(error) from error
        return Response(self.MassagePlanSerializer(massage_plan_of(person=plan.person)).data)

    @extend_schema(responses={204: None})
    def delete(self, request):
        if not massage_plan_delete(person=request.person):
            raise NotFound(_("No massage plan yet."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StretchInputSerializer(InputSerializer):
    catalog_key = serializers.ChoiceField(
        choices=list(CATALOG),
        required=False,
        allow_null=True,
        help_text="A built-in stretch: its name and muscle are the catalog's.",
    )
    name = serializers.CharField(max_length=80, required=False, default="")
    target_muscle = serializers.CharField(max_length=80, required=False, default="")
    side = serializers.ChoiceField(choices=Side.choices)
    hold_seconds = serializers.IntegerField(min_value=5, max_value=300)
    repetitions = serializers.IntegerField(min_value=1, max_value=30)

    def validate(self, data):
        if not data.get("catalog_key"):
            missing = {
                field: _("Name the stretch, or choose a built-in one.")
                if field == "name"
                else _("Name the muscle it stretches.")
                for field in ("name", "target_muscle")
                if not data.get(field, "").strip()
            }
            if missing:
                raise serializers.ValidationError(missing)
        return data


class StretchSerializer(serializers.Serializer):
    catalog_key = serializers.CharField(allow_null=True, help_text="Null for a custom stretch.")
    name = serializers.CharField(help_text="As stored; a built-in stretch's in English.")
    display_name = serializers.CharField(help_text="In the language of the request.")
    target_muscle = serializers.CharField()
    muscle_display = serializers.CharField(help_text='Plain words first: "Calf (gastrocnemius)".')
    side = serializers.CharField()
    hold_seconds = serializers.IntegerField()
    repetitions = serializers.IntegerField()
    steps = serializers.SerializerMethodField()
    cue = serializers.SerializerMethodField()
    picture = serializers.SerializerMethodField(help_text="The drawing's URL; null when custom.")

    def get_steps(self, stretch) -> list[str]:
        entry = stretch.built_in
        return [str(step) for step in entry.steps] if entry else []

    def get_cue(self, stretch) -> str:
        return str(SAFE_END_RANGE)

    def get_picture(self, stretch) -> str | None:
        entry = stretch.built_in
        return entry.picture_url if entry else None


class StretchRoutineApi(APIView):
    allows = Allow.THERAPIST_READS

    class StretchRoutineInputSerializer(InputSerializer):
        times = serializers.ListField(child=LocalTimeField(), min_length=1, max_length=6)
        stretches = StretchInputSerializer(many=True, allow_empty=False, max_length=20)

        def validate_times(self, times):
            if len(set(times)) != len(times):
                raise serializers.ValidationError(_("Each time of day once, please."))
            return times

    class StretchRoutineSerializer(serializers.Serializer):
        times = ScheduleSerializer(source="schedules.all", many=True)
        stretches = StretchSerializer(source="stretches.all", many=True)

    @extend_schema(responses=StretchRoutineSerializer)
    def get(self, request):
        routine = stretch_routine_of(person=request.person)
        if routine is None:
            raise NotFound(_("No stretch routine yet."))
        return Response(self.StretchRoutineSerializer(routine).data)

    @extend_schema(request=StretchRoutineInputSerializer, responses=StretchRoutineSerializer)
    def put(self, request):
        serializer = self.StretchRoutineInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        stretch_routine_save(
            person=request.person,
            times=data["times"],
            stretches=[StretchInput(**stretch) for stretch in data["stretches"]],
        )
        return Response(
            self.StretchRoutineSerializer(stretch_routine_of(person=request.person)).data
        )

    @extend_schema(responses={204: None})
    def delete(self, request):
        if not stretch_routine_delete(person=request.person):
            raise NotFound(_("No stretch routine yet."))
        return Response(status=status.HTTP_204_NO_CONTENT)


SAFETY_ADVICE_POSITIVE = gettext_lazy(
    "Massage reminders are on hold. Talk with your clinician before massage; your stretches "
    "can go on. Answer the questions again when things change."
)


class SafetyScreenApi(APIView):
    allows = Allow.THERAPIST_READS

    class SafetyScreenInputSerializer(ModelInputSerializer):
        class Meta:
            model = SafetyScreen
            fields = SafetyScreen.QUESTIONS
            extra_kwargs = {question: {"required": True} for question in SafetyScreen.QUESTIONS}

    class SafetyScreenSerializer(serializers.ModelSerializer):
        positive = serializers.BooleanField(read_only=True)
        advice = serializers.SerializerMethodField()

        class Meta:
            model = SafetyScreen
            fields = ["id", "answered_at", *SafetyScreen.QUESTIONS, "positive", "advice"]

        def get_advice(self, screen) -> str:
            return str(SAFETY_ADVICE_POSITIVE) if screen.positive else ""

    @extend_schema(responses=SafetyScreenSerializer)
    def get(self, request):
        screen = safety_screen_latest(person=request.person)
        if screen is None:
            raise NotFound(_("The safety questions are not answered yet."))
        return Response(self.SafetyScreenSerializer(screen).data)

    @extend_schema(request=SafetyScreenInputSerializer, responses={201: SafetyScreenSerializer})
    def post(self, request):
        serializer = self.SafetyScreenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        screen = safety_screen_record(person=request.person, **serializer.validated_data)
        return Response(self.SafetyScreenSerializer(screen).data, status=status.HTTP_201_CREATED)


class ProposalSerializer(ModelInputSerializer):
    therapist = serializers.CharField(source="therapist.display_name", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id", "therapist", "message", "duration_minutes", "technique", "status",
            "created_at", "decided_at", "read_at",
        ]  # fmt: skip
        read_only_fields = ["status", "created_at", "decided_at", "read_at"]
        extra_kwargs = {"duration_minutes": {"min_value": SHORTEST, "max_value": LONGEST}}


class ProposalApi(APIView):
    """A therapist suggests; the person or a caregiver answers. A therapist never edits a plan."""

    allows = {"GET": Allow.THERAPIST_READS, "POST": Allow.THERAPIST_WRITES}

    @extend_schema(responses=ProposalSerializer(many=True))
    def get(self, request):
        return Response(
            ProposalSerializer(proposals_for_person(person=request.person), many=True).data
        )

    @extend_schema(request=ProposalSerializer, responses={201: ProposalSerializer})
    def post(self, request):
        serializer = ProposalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            proposal = proposal_create(
                person=request.person, therapist=request.user, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise _service_errors(error) from error
        return Response(ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


class ProposalDecisionApi(APIView):
    allows = Allow.THERAPIST_READS

    class DecisionInputSerializer(InputSerializer):
        decision = serializers.ChoiceField(choices=["accept", "decline"])

    @extend_schema(request=DecisionInputSerializer, responses=ProposalSerializer)
    def post(self, request, proposal_id: int):
        proposal = proposals_for_person(person=request.person).filter(id=proposal_id).first()
        if proposal is None:
            raise NotFound(_("No such suggestion."))
        serializer = self.DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            proposal = proposal_decide(
                proposal=proposal,
                by=request.user,
                accept=serializer.validated_data["decision"] == "accept",
            )
        except DjangoValidationError as error:
            raise _service_errors(error) from error
        return Response(ProposalSerializer(proposal).data)


class ProposalReadApi(APIView):
    """The person or a caregiver opened the suggestion: the therapist sees it read."""

    allows = Allow.MANAGE

    @extend_schema(request=None, responses=ProposalSerializer)
    def post(self, request, proposal_id: int):
        proposal = proposals_for_person(person=request.person).filter(id=proposal_id).first()
        if proposal is None:
            raise NotFound(_("No such suggestion."))
        return Response(ProposalSerializer(proposal_read(proposal=proposal, by=request.user)).data)
