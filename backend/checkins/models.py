from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.plans.models import Technique
from backend.reminders.models import Occurrence


class Tone(models.IntegerChoices):
    """Modified Ashworth Scale. Stored as an ordinal so that 1+ sorts between 1 and 2."""

    MAS_0 = 0, "0"
    MAS_1 = 1, "1"
    MAS_1_PLUS = 2, "1+"
    MAS_2 = 3, "2"
    MAS_3 = 4, "3"
    MAS_4 = 5, "4"


TONE_DESCRIPTIONS = {
    Tone.MAS_0: _("No increase in tone"),
    Tone.MAS_1: _("Slight increase: a catch and release at the end of the movement"),
    Tone.MAS_1_PLUS: _("Slight increase: a catch, then slight resistance through under half"),
    Tone.MAS_2: _("More marked increase through most of the movement, still moves easily"),
    Tone.MAS_3: _("Considerable increase: moving it is difficult"),
    Tone.MAS_4: _("Rigid"),
}


class RangeChange(models.TextChoices):
    EASIER = "easier", _("Easier than last time")
    SAME = "same", _("About the same")
    HARDER = "harder", _("Harder than last time")


def _score(label):
    return models.PositiveSmallIntegerField(label, validators=[MaxValueValidator(10)])


class CheckIn(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    # Made by the phone, so a check-in sent again after a lost connection is stored once.
    idempotency_key = models.UUIDField()
    occurrence = models.ForeignKey(
        Occurrence, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    recorded_at = models.DateTimeField(help_text=_("When the person logged it, in UTC."))
    # Who entered it: the person, or a caregiver for them (empty on older check-ins).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    tone = models.PositiveSmallIntegerField(_("muscle tone (MAS)"), choices=Tone.choices)
    pain = _score(_("pain"))
    ease = _score(_("ease of daily tasks"))
    rom_joint = models.CharField(_("joint"), max_length=60, blank=True)
    rom_degrees = models.PositiveSmallIntegerField(
        _("range of motion (degrees)"), null=True, blank=True, validators=[MaxValueValidator(360)]
    )
    rom_change = models.CharField(
        _("range of motion"), max_length=10, choices=RangeChange.choices, blank=True
    )
    minutes = models.PositiveSmallIntegerField(
        _("minutes done"), null=True, blank=True, validators=[MaxValueValidator(240)]
    )
    technique = models.CharField(
        _("technique"), max_length=40, choices=Technique.choices, blank=True
    )
    # Soreness or spasms worse after the session: a sign of overstimulation.
    worse_after = models.BooleanField(_("soreness or spasms worse after"), default=False)
    stress = models.PositiveSmallIntegerField(
        _("stress or anxiety"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    sleep = models.PositiveSmallIntegerField(
        _("sleep quality"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    milestone = models.CharField(_("milestone"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "idempotency_key"], name="checkin_once_per_key"
            )
        ]
        indexes = [models.Index(fields=["person", "recorded_at"], name="checkin_person_time")]

    def __str__(self) -> str:
        return f"Check-in {self.id} of person {self.person_id}"

    @property
    def tone_label(self) -> str:
        return Tone(self.tone).label


class Baseline(models.Model):
    """The check-in later ones are compared with. Empty: the next check-in becomes it."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="baseline"
    )
    checkin = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.SET_NULL)
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Baseline of person {self.person_id}"


class Flag(models.Model):
    """An alert a therapist with access should see, until one of them resolves it."""

    class Kind(models.TextChoices):
        OVERSTIMULATION = "overstimulation", _("Possible overstimulation")
        PAIN = "pain", _("Pain 7 or more")
        STALLED = "stalled", _("No practice and no check-in for 14 days")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # A deleted check-in's alerts stay in the history, resolved.
    checkin = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Who resolved it and why; the name stays when the therapist's account goes.
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_by_name = models.CharField(max_length=254, blank=True)
    resolution = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} flag of person {self.person_id}"


class Note(models.Model):
    """A therapist's comment on a check-in, shown to the person and their caregivers.

    Part of the person's record: it stays when the therapist deletes their account, signed
    with the name they had when they wrote it.
    """

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="therapist_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=254)
    text = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    # First opened by the person or a caregiver of theirs: the therapist sees "read".
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note on check-in {self.checkin_id}"


class CheckInChange(models.Model):
    """One correction, amendment or deletion of a check-in: what it held before and after.

    Kept when the check-in is deleted, so the record shows what was there."""

    class Kind(models.TextChoices):
        CORRECTED = "corrected", _("Corrected")
        AMENDED = "amended", _("Amended")
        DELETED = "deleted", _("Deleted")

    checkin = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    # The check-in's id, kept once it is deleted: its history is still found by it.
    checkin_number = models.PositiveBigIntegerField(db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_changes"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by_name = models.CharField(max_length=254, blank=True)
    changed_at = models.DateTimeField()
    before = models.JSONField()
    after = models.JSONField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} change of check-in {self.checkin_id}"


class CheckInImport(models.Model):
    """A CSV file of check-ins, checked and stored in the background, all or nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Nothing imported")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_imports"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The file's text until the import ends; then the check-ins are the record, not the file.
    text = models.TextField(blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(null=True, blank=True)
    unchanged_count = models.PositiveIntegerField(null=True, blank=True)
    # {"file": [message]} or {"rows": {line number: {field: [messages]}}}, the first lines only.
    errors = models.JSONField(default=dict, blank=True)
    error_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Check-in import {self.id} of person {self.person_id}: {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
