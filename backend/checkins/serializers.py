"""What a check-in may hold, for the API and the CSV import alike."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from backend.checkins.models import RangeChange, Tone
from backend.plans.models import Technique
from backend.reminders.selectors import occurrences_for_person
from backend.shared.api import InputSerializer

TONE_BY_LABEL = {tone.label: tone.value for tone in Tone}
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


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


def score(**kwargs):
    return serializers.IntegerField(min_value=0, max_value=10, **kwargs)


class CheckInInputSerializer(InputSerializer):
    idempotency_key = serializers.UUIDField(
        help_text="Made by the client once per check-in; a resend with it stores nothing new."
    )
    occurrence = serializers.IntegerField(required=False, allow_null=True, default=None)
    recorded_at = serializers.DateTimeField(required=False)
    tone = ToneField()
    pain = score()
    ease = score()
    rom_joint = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    rom_degrees = serializers.IntegerField(
        min_value=0, max_value=360, required=False, allow_null=True
    )
    rom_change = serializers.ChoiceField(
        choices=RangeChange.choices, required=False, allow_blank=True, default=""
    )
    minutes = serializers.IntegerField(min_value=0, max_value=240, required=False, allow_null=True)
    technique = serializers.ChoiceField(
        choices=Technique.choices, required=False, allow_blank=True, default=""
    )
    worse_after = serializers.BooleanField(required=False, default=False)
    stress = score(required=False, allow_null=True)
    sleep = score(required=False, allow_null=True)
    milestone = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    baseline = serializers.BooleanField(
        required=False, default=False, help_text="An explicit baseline assessment."
    )

    def validate_occurrence(self, value):
        if value is None:
            return None
        # Someone else's reminder answers exactly like one that does not exist.
        occurrence = occurrences_for_person(user=self.context["person"]).filter(id=value).first()
        if occurrence is None:
            raise serializers.ValidationError(_("No such reminder."))
        return occurrence

    def validate_recorded_at(self, value):
        now = timezone.now()
        if value > now + timedelta(days=1):
            raise serializers.ValidationError(_("A check-in cannot be in the future."))
        if value > now:
            # A phone whose clock runs fast must not lose a check-in it queued offline.
            return now
        if value < EARLIEST:
            raise serializers.ValidationError(_("A check-in cannot be before the year 2000."))
        return value


class CheckInCorrectionSerializer(CheckInInputSerializer):
    """New values for a check-in, any of them; when and for which reminder stay as logged."""

    idempotency_key = None
    occurrence = None
    recorded_at = None
    baseline = None
    reason = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Why: required when the check-in is older than 7 days (an amendment).",
    )
