from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CareRelation(models.Model):
    """A caregiver who manages another person's plans, reminders and check-ins."""

    caregiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cares_for"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caregivers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care relation")
        constraints = [
            models.UniqueConstraint(fields=["caregiver", "person"], name="care_relation_once"),
            models.CheckConstraint(
                condition=~models.Q(caregiver=models.F("person")), name="care_not_for_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.caregiver_id} cares for {self.person_id}"
