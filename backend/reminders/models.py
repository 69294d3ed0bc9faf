from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from webpush.models import SubscriptionInfo

from backend.plans.models import Hold, Schedule


class Occurrence(models.Model):
    """The ledger: one row per schedule and local date, so each is handled at most once."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")  # claimed by a pass; its deliveries are not made yet
        # Its deliveries are made and queued: the reminder is on its way, not yet known sent.
        ISSUED = "issued", _("Reminder issued")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed")  # found too late to be worth sending
        SKIPPED = "skipped", _("Skipped")  # paused, or held by the safety screen

    SkipReason = Hold

    # History outlives a removed session time: the occurrence keeps its kind and person.
    schedule = models.ForeignKey(
        Schedule, null=True, on_delete=models.SET_NULL, related_name="occurrences"
    )
    kind = models.CharField(max_length=10, choices=Schedule.Kind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="occurrences"
    )
    local_date = models.DateField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices)
    skip_reason = models.CharField(max_length=20, choices=SkipReason.choices, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # A second send, once: when the person tapped Snooze.
    snooze_due_at = models.DateTimeField(null=True, blank=True)
    # The next-morning nudge for a massage session neither done nor checked in.
    nudge_due_at = models.DateTimeField(null=True, blank=True)
    # When the person's support people are told it is still undone (their escalation window
    # after it fell due); only while the person has one. Cleared once their messages are made.
    escalate_due_at = models.DateTimeField(null=True, blank=True)
    # "Remind again" from a support person's notification: the reminder once more, once.
    again_due_at = models.DateTimeField(null=True, blank=True)
    # Who marked it done, when not the person themself (a caregiver, a support person).
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "local_date"], name="occurrence_once_per_day"
            )
        ]
        indexes = [
            models.Index(
                fields=["snooze_due_at"],
                name="occurrence_snooze_due",
                condition=models.Q(snooze_due_at__isnull=False),
            ),
            models.Index(
                fields=["nudge_due_at"],
                name="occurrence_nudge_due",
                condition=models.Q(nudge_due_at__isnull=False),
            ),
            models.Index(
                fields=["escalate_due_at"],
                name="occurrence_escalate_due",
                condition=models.Q(escalate_due_at__isnull=False),
            ),
            models.Index(
                fields=["again_due_at"],
                name="occurrence_again_due",
                condition=models.Q(again_due_at__isnull=False),
            ),
            models.Index(fields=["person", "due_at"], name="occurrence_person_due"),
            # The dispatcher looks for reminders whose fan-out was lost: a few due rows among
            # years of history.
            models.Index(
                fields=["due_at"],
                name="occurrence_due",
                condition=models.Q(status="due"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.local_date} ({self.status})"


class Delivery(models.Model):
    """One message of an occurrence to one device: sent at least once, marked when accepted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Sending")
        SENT = "sent", _("Accepted by the push service")
        FAILED = "failed", _("Failed")
        GONE = "gone", _("Device gone")

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        SNOOZE = "snooze", _("Snoozed reminder")
        NUDGE = "nudge", _("Next-morning nudge")
        ESCALATION = "escalation", _("Told a support person")
        AGAIN = "again", _("Reminded again")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        SubscriptionInfo, null=True, on_delete=models.SET_NULL, related_name="tonus_deliveries"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REMINDER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next try is planned; a pending row long past it lost its task and is queued again.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "subscription", "kind"], name="delivery_once_per_device"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_pending",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"Delivery {self.id} ({self.status})"


class DeviceInfo(models.Model):
    """What Tonus knows of a browser subscription beyond django-webpush's row."""

    subscription = models.OneToOneField(
        SubscriptionInfo, on_delete=models.CASCADE, related_name="tonus_device"
    )
    name = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    # After this many failed sends in a row the devices page says the device is not reachable.
    FAILING_AFTER = 3

    def __str__(self) -> str:
        return self.name or f"Device {self.subscription_id}"

    @property
    def failing(self) -> bool:
        return self.consecutive_failures >= self.FAILING_AFTER


class CalendarFeed(models.Model):
    """A private calendar URL for devices without Web Push. Revoked by replacing the token.

    Only a hash of the token is kept: the address is shown once, when it is made, and a
    database leak gives no working addresses.
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # When this address was made: a new address (calendar_feed_enable) sets it anew.
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of person {self.person_id}"


class DispatchPass(models.Model):
    """One dispatcher pass, for operators: when it ran, how long it took, what it did.

    A row is written as a pass starts and completed as it ends, so a pass that died midway
    shows as started and never finished. /healthz and `manage.py reminders_status` read these.
    """

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # The instant the pass ran as: the real time, or the one given to `dispatch_reminders --at`.
    as_of = models.DateTimeField()
    claimed = models.PositiveIntegerField(default=0, help_text="new reminders found due")
    queued = models.PositiveIntegerField(
        default=0, help_text="reminders, snoozes and nudges handed to the send workers"
    )
    missed = models.PositiveIntegerField(default=0, help_text="found too late to be worth sending")
    skipped = models.PositiveIntegerField(
        default=0, help_text="paused or held by the safety screen"
    )
    requeued = models.PositiveIntegerField(default=0, help_text="stalled sends queued again")
    # What the send workers reported between the previous pass and this one.
    sent = models.PositiveIntegerField(default=0, help_text="messages the push services took")
    failed = models.PositiveIntegerField(default=0, help_text="messages given up on")
    pruned = models.PositiveIntegerField(default=0, help_text="devices their push service forgot")
    # The workers' running totals as this pass read them (backend.reminders.tallies).
    tallies = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["started_at"], name="dispatch_pass_started")]

    def __str__(self) -> str:
        return f"Dispatcher pass at {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None
