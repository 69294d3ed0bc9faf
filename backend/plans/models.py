from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from timezone_field import TimeZoneField

from backend.plans.stretches import (
    MUSCLES,
    BuiltInStretch,
    built_in,
    muscle_display,
    muscles_display,
)


class Hold(models.TextChoices):
    """Why a reminder is not sent: the person paused them, or the safety screen asks for a
    clinician's word before massage."""

    PAUSED = "paused", _("Reminders paused")
    SAFETY_HOLD = "safety_hold", _("Held until a clinician says massage is safe")


class Technique(models.TextChoices):
    MYOFASCIAL_RELEASE = "myofascial_release", _("Myofascial release")
    TRIGGER_POINT = "trigger_point", _("Trigger point therapy")
    STRETCH_MASSAGE = "stretch_massage", _("Stretch-massage hybrid")
    NEUROMUSCULAR = "neuromuscular_facilitation", _("Neuromuscular facilitation")
    DEEP_TISSUE = "deep_tissue", _("Deep tissue")
    SWEDISH = "swedish", _("Swedish")
    SHIATSU = "shiatsu", _("Shiatsu")
    OTHER = "other", _("Other")


class GivenBy(models.TextChoices):
    THERAPIST = "therapist", _("A therapist")
    CAREGIVER = "caregiver", _("A caregiver at home")
    SELF = "self", _("Myself")


class Side(models.TextChoices):
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BOTH = "both", _("Both sides")


# Offered first in the pickers; any other muscle can be typed in.
COMMON_MUSCLES = list(MUSCLES)


class MassagePlan(models.Model):
    """A person's current massage plan: 1 or 2 sessions a week (their Schedule rows)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="massage_plan"
    )
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(90)]
    )
    technique = models.CharField(max_length=40, choices=Technique.choices)
    target_muscles = models.JSONField(default=list)
    given_by = models.CharField(max_length=20, choices=GivenBy.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Massage plan of person {self.person_id}"

    @property
    def muscles_display(self) -> str:
        return muscles_display(self.target_muscles)


class StretchRoutine(models.Model):
    """A person's daily stretches, at one or more times a day (their Schedule rows)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stretch_routine"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Stretch routine of person {self.person_id}"


class Stretch(models.Model):
    routine = models.ForeignKey(StretchRoutine, on_delete=models.CASCADE, related_name="stretches")
    position = models.PositiveSmallIntegerField()
    # A built-in stretch's key (backend.plans.stretches): its name, steps and picture then
    # come from the catalog, in the reader's language. Null for a stretch typed in.
    catalog_key = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    name = models.CharField(max_length=80)
    target_muscle = models.CharField(max_length=80)
    side = models.CharField(max_length=10, choices=Side.choices)
    hold_seconds = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(300)]
    )
    repetitions = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(30)]
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["routine", "position"], name="stretch_position_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def built_in(self) -> BuiltInStretch | None:
        return built_in(self.catalog_key)

    @property
    def display_name(self) -> str:
        stretch = self.built_in
        return str(stretch.name) if stretch else self.name

    @property
    def muscle_display(self) -> str:
        return muscle_display(self.target_muscle)


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class Schedule(models.Model):
    """One recurring reminder: a local wall time in a zone, daily or on one weekday.

    `next_day` is the local date of the next occurrence and `next_due_at` the UTC instant it
    falls due: the dispatcher finds due work through the index on `next_due_at` alone.
    """

    class Kind(models.TextChoices):
        MASSAGE = "massage", _("Massage session")
        STRETCH = "stretch", _("Stretches")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="schedules"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    massage_plan = models.ForeignKey(
        MassagePlan, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    stretch_routine = models.ForeignKey(
        StretchRoutine, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=WEEKDAYS
    )  # Monday is 0; null: every day
    local_time = models.TimeField()
    time_zone = TimeZoneField(use_pytz=False)
    next_day = models.DateField()
    next_due_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["weekday", "local_time"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="massage", massage_plan__isnull=False, stretch_routine__isnull=True
                    )
                    | models.Q(
                        kind="stretch", stretch_routine__isnull=False, massage_plan__isnull=True
                    )
                ),
                name="schedule_belongs_to_its_plan",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.local_time:%H:%M} ({self.time_zone})"


class SafetyScreen(models.Model):
    """Answers to the questions asked before massage. Any "yes" holds massage reminders."""

    QUESTIONS = [
        "acute_inflammation",
        "open_wounds",
        "deep_vein_thrombosis",
        "recent_fracture_or_surgery",
        "severe_osteoporosis",
    ]

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_screens"
    )
    answered_at = models.DateTimeField(auto_now_add=True)
    acute_inflammation = models.BooleanField(_("Acute inflammation (hot, red, swollen area)"))
    open_wounds = models.BooleanField(_("Open wounds or broken skin"))
    deep_vein_thrombosis = models.BooleanField(
        _("Deep vein thrombosis (a blood clot), now or suspected")
    )
    recent_fracture_or_surgery = models.BooleanField(_("A recent fracture or surgery"))
    severe_osteoporosis = models.BooleanField(_("Severe osteoporosis"))

    class Meta:
        ordering = ["-answered_at", "-id"]
        get_latest_by = ["answered_at", "id"]

    def __str__(self) -> str:
        return f"Safety screen {self.id} of person {self.person_id}"

    @property
    def positive(self) -> bool:
        return any(getattr(self, question) for question in self.QUESTIONS)


class PlanChange(models.Model):
    """A dated note of each change to a plan, for the marks on the trend charts."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_changes"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=200)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return self.summary


class Proposal(models.Model):
    """A therapist's suggested change to the massage plan; only the person or a caregiver applies it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_proposals"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(max_length=500)
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(5), MaxValueValidator(90)]
    )
    technique = models.CharField(max_length=40, choices=Technique.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # First opened by the person or a caregiver of theirs: the therapist sees "read".
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"proposal for person {self.person_id}: {self.status}"

    @property
    def changes_plan(self) -> bool:
        return self.duration_minutes is not None or bool(self.technique)
