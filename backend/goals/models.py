from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Up to three goals at a time, in the person's own words.
MAX_ACTIVE = 3
TEXT_LENGTH = 120


class Attainment(models.IntegerChoices):
    """The goal attainment scale, five steps around what was expected."""

    MUCH_LESS = -2, _("Much less than expected")
    LESS = -1, _("Somewhat less than expected")
    EXPECTED = 0, _("As expected")
    MORE = 1, _("Somewhat more than expected")
    MUCH_MORE = 2, _("Much more than expected")


class Goal(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        RETIRED = "retired", _("Retired")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals"
    )
    text = models.CharField(_("goal"), max_length=TEXT_LENGTH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Earlier wordings, oldest first: [{"text": ..., "until": ISO time}].
    earlier_texts = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Goal {self.id} of person {self.person_id}"


class GoalRating(models.Model):
    """One rating of a goal at a reassessment. Rating again in the same window supersedes the
    earlier one, which stays as history."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    score = models.SmallIntegerField(
        choices=Attainment.choices, validators=[MinValueValidator(-2), MaxValueValidator(2)]
    )
    # The day the reassessment window opened: the key of "once per window".
    window_start = models.DateField()
    rated_at = models.DateTimeField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rated_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "window_start"],
                condition=models.Q(superseded_at__isnull=True),
                name="goal_rating_once_per_window",
            )
        ]

    def __str__(self) -> str:
        return f"Rating {self.id} of goal {self.goal_id}"

    @property
    def label(self) -> str:
        return Attainment(self.score).label

    @property
    def signed(self) -> str:
        return f"+{self.score}" if self.score > 0 else str(self.score)
