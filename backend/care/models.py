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


class SupportRelation(models.Model):
    """Someone an adult chose to help with the day: they see today's reminders and can mark
    one done or ask for it again, nothing more."""

    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_people"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support relation")
        constraints = [
            models.UniqueConstraint(fields=["supporter", "person"], name="support_relation_once"),
            models.CheckConstraint(
                condition=~models.Q(supporter=models.F("person")), name="support_not_for_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supporter_id} supports {self.person_id}"


class Invitation(models.Model):
    """A code that lets one more caregiver, a support person or a therapist into a person's
    care circle."""

    class Role(models.TextChoices):
        CAREGIVER = "caregiver", _("Caregiver")
        SUPPORT = "support", _("Support person")
        THERAPIST = "therapist", _("Therapist")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    # Only a hash is kept: a database leak gives no usable codes.
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.role} invitation for person {self.person_id}"


class TherapistAccess(models.Model):
    """Read-only access a person (or their caregiver) granted a therapist; revocable at once."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patients_access"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapists_access"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "person"],
                condition=models.Q(revoked_at__isnull=True),
                name="therapist_access_once",
            )
        ]

    def __str__(self) -> str:
        return f"therapist {self.therapist_id} for person {self.person_id}"


class AccessLogEntry(models.Model):
    """Each time a therapist looked at a person's data: who, what, when.

    The person's record, not the therapist's: it outlives the therapist's account, with the
    name they had when they looked.
    """

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    therapist_name = models.CharField(max_length=254)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_log"
    )
    path = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "-at"], name="access_log_of_person")]

    def __str__(self) -> str:
        return f"{self.therapist_id} viewed {self.path}"
