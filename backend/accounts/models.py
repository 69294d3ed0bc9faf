from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS
from timezone_field import TimeZoneField

# The window a person may choose before their support people hear of an undone reminder.
ESCALATE_MIN, ESCALATE_MAX = 30, 240
# Suggested when a child is added: a caregiver hears after an hour.
ESCALATE_SUGGESTED = 60


class Role(models.TextChoices):
    """What brings a person to Tonus; one or more."""

    PRACTISE = "practise", _("I practise myself")
    LOOK_AFTER = "look_after", _("I look after someone")
    THERAPIST = "therapist", _("I am a therapist")


# Each role is kept as a flag on the person, so that a query can filter on it.
ROLE_FIELDS = {
    Role.PRACTISE: "practises",
    Role.LOOK_AFTER: "looks_after",
    Role.THERAPIST: "is_therapist",
}


def roles_validate(roles, *, name: str) -> None:
    """At least one role; a therapist is shown to patients by a name, never by an address."""
    if not roles:
        raise ValidationError({"roles": _("Choose at least one.")})
    if Role.THERAPIST in roles and not name.strip():
        raise ValidationError({"name": _("Patients see this name: a therapist needs one.")})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_dependent(
        self, *, name: str, time_zone, birth_year: int | None = None, language: str | None = None
    ):
        """A person with no login of their own (a child), looked after by caregivers."""
        user = self.model(
            email=None,
            name=name,
            time_zone=time_zone,
            birth_year=birth_year,
            language=language or settings.LANGUAGE_CODE,
        )
        user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with a login: a patient, a caregiver or a therapist. Signs in with email."""

    username = None
    first_name = None
    last_name = None
    # Empty for a dependent: a person with no login, whose caregivers act for them.
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    # The zone the person lives in: reminders fall due at local wall times in this zone.
    time_zone = TimeZoneField(_("time zone"), default="UTC", use_pytz=False)
    # Reminders that fall due inside quiet hours wait until they end.
    quiet_hours_start = models.TimeField(_("quiet hours start"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours end"), null=True, blank=True)
    # A holiday: no reminders while paused, through `paused_until` when it is set.
    reminders_paused = models.BooleanField(_("reminders paused"), default=False)
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    # Lock-screen text with no health words.
    discreet_notifications = models.BooleanField(_("discreet notifications"), default=False)
    # Pages and reminders are written in this language; each name is shown in its own language.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # What brings the person: one or more; each decides what their home and menus offer.
    practises = models.BooleanField(_("I practise myself"), default=True)
    looks_after = models.BooleanField(_("I look after someone"), default=False)
    is_therapist = models.BooleanField(_("I am a therapist"), default=False)
    profession = models.CharField(_("profession"), max_length=100, blank=True)
    # A therapist's choice: alerts about their patients also come as a push.
    alerts_by_push = models.BooleanField(_("alerts as notifications"), default=False)
    # Minutes after a reminder falls due with nothing done or checked in, when the person's
    # support people are told. Empty: never.
    escalate_after = models.PositiveSmallIntegerField(
        _("tell my support people after (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(ESCALATE_MIN), MaxValueValidator(ESCALATE_MAX)],
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.email or self.name

    @property
    def is_dependent(self) -> bool:
        return self.email is None

    @property
    def roles(self) -> list[str]:
        return [role for role, field in ROLE_FIELDS.items() if getattr(self, field)]

    @property
    def display_name(self) -> str:
        return self.name or (self.email or "").split("@")[0]

    def is_paused_on(self, day) -> bool:
        return self.reminders_paused and (self.paused_until is None or day <= self.paused_until)


# A pause is for a holiday or an illness; turning reminders off is the way to stop for good.
LONGEST_PAUSE = timedelta(days=366)


def paused_until_validate(day: date | None, *, today: date) -> None:
    """A pause ends today or later, within a year: a date in the past or the far future is
    a slip, not a wish."""
    if day is None:
        return
    if day < today:
        raise ValidationError(_("Choose today or a later day."))
    if day > today + LONGEST_PAUSE:
        raise ValidationError(_("A pause can last up to a year."))


class ApiToken(AbstractAuthToken):
    """A key for a script, a clinic system or an app: acts as its owner, for as long as it
    lives. Only a hash is stored (knox); the token itself is shown once, when it is made."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    id = models.BigAutoField(primary_key=True)
    # knox makes the hash the primary key; an id of its own lets a token be named in a URL
    # without its hash.
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("access"), max_length=10, choices=Scope.choices)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"token {self.name} of user {self.user_id}"

    @property
    def writes(self) -> bool:
        return self.scope == self.Scope.READ_WRITE
