from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TreatmentEvent(models.Model):
    """Another treatment that changes tone, on the person's timeline. Data only: Tonus never
    advises on doses, so there is no dose field."""

    class Kind(models.TextChoices):
        BOTULINUM_TOXIN = "botulinum_toxin", _("Botulinum toxin injection")
        MEDICINE = "medicine", _("Oral medicine")
        CASTING = "casting", _("Casting or splinting")
        THERAPY = "therapy", _("Block of therapy")

    class Change(models.TextChoices):
        STARTED = "started", _("Started")
        CHANGED = "changed", _("Changed")
        STOPPED = "stopped", _("Stopped")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="treatment_events"
    )
    kind = models.CharField(_("treatment"), max_length=20, choices=Kind.choices)
    started_on = models.DateField(_("date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    muscles = models.CharField(_("muscles injected"), max_length=200, blank=True)
    medicine = models.CharField(_("medicine"), max_length=80, blank=True)
    change = models.CharField(_("change"), max_length=10, choices=Change.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} event {self.id} of person {self.person_id}"

    @property
    def summary(self) -> str:
        """What the event was, in a few words, for marks, tables and the report."""
        if self.kind == self.Kind.BOTULINUM_TOXIN and self.muscles:
            return f"{self.get_kind_display()} ({self.muscles})"
        if self.kind == self.Kind.MEDICINE:
            return f"{self.medicine}: {self.get_change_display().lower()}"
        return str(self.get_kind_display())
