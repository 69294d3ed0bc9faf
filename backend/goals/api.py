from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.goals.models import TEXT_LENGTH, Attainment, Goal, GoalRating
from backend.goals.selectors import goals_for_person, goals_with_ratings
from backend.goals.services import goal_create, goal_rate, goal_update
from backend.shared.access import Allow
from backend.shared.api import InputSerializer


def _service_errors(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict)


class RatingSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="-2 much less than expected … +2 much more.")
    label = serializers.CharField()
    window_start = serializers.DateField(help_text="The day the reassessment window opened.")
    rated_at = serializers.DateTimeField()


class GoalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    status = serializers.ChoiceField(choices=Goal.Status.choices)
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    latest_rating = RatingSerializer(allow_null=True)
    ratings = RatingSerializer(source="current_ratings", many=True)


def _goal_out(goal: Goal) -> dict:
    found = next(g for g in goals_with_ratings(person=goal.person) if g.id == goal.id)
    return GoalSerializer(found).data


class GoalsApi(APIView):
    allows = Allow.THERAPIST_READS

    class GoalInputSerializer(InputSerializer):
        text = serializers.CharField(max_length=TEXT_LENGTH)

    @extend_schema(responses=GoalSerializer(many=True))
    def get(self, request):
        return Response(GoalSerializer(goals_with_ratings(person=request.person), many=True).data)

    @extend_schema(request=GoalInputSerializer, responses={201: GoalSerializer})
    def post(self, request):
        serializer = self.GoalInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            goal = goal_create(person=request.person, **serializer.validated_data)
        except DjangoValidationError as error:
            raise _service_errors(error) from error
        return Response(_goal_out(goal), status=status.HTTP_201_CREATED)


class GoalDetailApi(APIView):
    allows = Allow.THERAPIST_READS

    class GoalChangeInputSerializer(InputSerializer):
        text = serializers.CharField(max_length=TEXT_LENGTH, required=False)
        status = serializers.ChoiceField(choices=Goal.Status.choices, required=False)

    @extend_schema(request=GoalChangeInputSerializer, responses=GoalSerializer)
    def patch(self, request, goal_id: int):
        goal = get_object_or_404(goals_for_person(person=request.person), id=goal_id)
        serializer = self.GoalChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            goal = goal_update(goal=goal, **serializer.validated_data)
        except DjangoValidationError as error:
            raise _service_errors(error) from error
        return Response(_goal_out(goal))

    @extend_schema(responses={204: None})
    def delete(self, request, goal_id: int):
        """Retires the goal: it leaves the active three, its ratings stay in the history."""
        goal = get_object_or_404(goals_for_person(person=request.person), id=goal_id)
        goal_update(goal=goal, status=Goal.Status.RETIRED)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GoalRatingApi(APIView):
    """The goal's rating for the current reassessment window (or the latest one): a second
    rating in the same window replaces the first."""

    allows = Allow.THERAPIST_READS
    # Given by the URL configuration: the reassessment schedule is the check-ins' to know.
    window_start: Callable[..., date] | None = None

    class RatingInputSerializer(InputSerializer):
        score = serializers.ChoiceField(choices=Attainment.values)

    @extend_schema(request=RatingInputSerializer, responses={201: RatingSerializer})
    def post(self, request, goal_id: int):
        person: User = request.person
        goal = get_object_or_404(goals_for_person(person=person), id=goal_id)
        serializer = self.RatingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        window = self.window_start(
            person=person, today=timezone.localdate(timezone=person.time_zone)
        )
        try:
            rating: GoalRating = goal_rate(
                goal=goal,
                score=serializer.validated_data["score"],
                window_start=window,
                by=request.user,
            )
        except DjangoValidationError as error:
            raise _service_errors(error) from error
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)
