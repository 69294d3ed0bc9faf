from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import (
    ESCALATE_MAX,
    ESCALATE_MIN,
    ApiToken,
    Role,
    User,
    paused_until_validate,
    roles_validate,
)
from backend.accounts.services import (
    TooManyPasswordTries,
    password_confirm,
    password_reset_allowed,
)

# The escalation window, on a person's settings and on a child's profile.
ESCALATE_HELP = _(
    "If a reminder is not done or checked in within this many minutes (30 to 240), your "
    "support people are told. Leave empty for never."
)
ESCALATE_WIDGET = forms.NumberInput(
    attrs={"min": ESCALATE_MIN, "max": ESCALATE_MAX, "inputmode": "numeric"}
)


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("What brings you to Tonus?"))
        kwargs.setdefault("help_text", _("Choose all that fit. You can change this later."))
        super().__init__(choices=Role.choices, **kwargs)
        self.error_messages["required"] = _("Choose at least one.")


def _roles_check(form: forms.ModelForm, cleaned: dict) -> None:
    if "roles" not in cleaned:
        return  # already said what is wrong with it
    try:
        roles_validate(cleaned["roles"], name=cleaned.get("name", ""))
    except forms.ValidationError as error:
        form.add_error(None, error)


class SignUpForm(forms.ModelForm):
    roles = RolesField(initial=[Role.PRACTISE])
    password = forms.CharField(
        label=_("Password"),
        max_length=128,  # as the API takes
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )

    class Meta:
        model = User
        fields = ["roles", "name", "profession", "email", "password", "time_zone"]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        labels = {"name": _("Your name")}
        help_texts = {
            "name": _("Shown to the people you share with. A therapist needs one."),
            "profession": _("For therapists, optional: for example physiotherapist."),
            "time_zone": _("Reminders arrive at this zone's local time."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model allows none (a child has no login); an account needs one.
        self.fields["email"].required = True

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])

    def validate_unique(self):
        """Not here: a taken address is answered as a new one is (sign_up_request)."""

    def clean(self):
        cleaned = super().clean()
        _roles_check(self, cleaned)
        password = cleaned.get("password")
        if password:
            # Validated against the would-be person so similarity to the email is caught.
            candidate = User(email=cleaned.get("email", ""))
            try:
                validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class SettingsForm(forms.ModelForm):
    roles = RolesField()

    class Meta:
        model = User
        fields = [
            "roles",
            "name",
            "profession",
            "language",
            "time_zone",
            "quiet_hours_start",
            "quiet_hours_end",
            "reminders_paused",
            "paused_until",
            "discreet_notifications",
            "alerts_by_push",
            "escalate_after",
        ]
        help_texts = {
            "language": _("For pages and reminders."),
            "time_zone": _("Reminders arrive at this zone's local time."),
            "quiet_hours_start": _("A reminder due in quiet hours waits until they end."),
            "reminders_paused": _("For a holiday: no reminders until you turn this off."),
            "paused_until": _("Optional: reminders start again the day after."),
            "discreet_notifications": _("Lock-screen text says only “Time for your routine”."),
            "alerts_by_push": _(
                "A notification says only that there is a new alert about a patient; "
                "the dashboard shows which."
            ),
            "escalate_after": ESCALATE_HELP,
        }
        widgets = {
            "quiet_hours_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_hours_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "paused_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "escalate_after": ESCALATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].initial = self.instance.roles
        # A form posted without it (an older page) keeps the language already chosen.
        self.fields["language"].required = False
        # Likewise the roles, which older pages did not ask.
        self.fields["roles"].required = False
        # Alerts are a therapist's: nobody else is offered them.
        if not self.instance.is_therapist:
            del self.fields["alerts_by_push"]

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or self.instance.language

    def clean_roles(self) -> list[str]:
        return self.cleaned_data.get("roles") or self.instance.roles

    def clean_paused_until(self):
        day = self.cleaned_data.get("paused_until")
        paused_until_validate(day, today=timezone.localdate(timezone=self.instance.time_zone))
        return day

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("quiet_hours_start"), cleaned.get("quiet_hours_end")
        if (start is None) != (end is None):
            field = "quiet_hours_end" if end is None else "quiet_hours_start"
            self.add_error(field, _("Quiet hours need both a start and an end."))
        _roles_check(self, cleaned)
        return cleaned


def _password_check(request, user, password: str) -> None:
    """A wrong password is a form error; too many of them, the log-in lockout page."""
    try:
        right = password_confirm(request=request, user=user, password=password)
    except TooManyPasswordTries as exc:
        request.axes_locked_out = True  # django-axes' middleware answers with its page
        raise forms.ValidationError(_("Too many tries.")) from exc
    if not right:
        raise forms.ValidationError(_("That is not your password."))


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request

    def clean_password(self):
        password = self.cleaned_data["password"]
        _password_check(self.request, self.user, password)
        return password


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's, with the old password's tries counted as log-in's are."""

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        _password_check(self.request, self.user, old_password)
        return old_password


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, with at most a few emails to one address an hour: the form cannot be used
    to flood someone's inbox. The page says the same either way."""

    def save(self, *args, **kwargs):
        if password_reset_allowed(email=self.cleaned_data["email"]):
            super().save(*args, **kwargs)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Where the token is used, for example the clinic's system."),
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("1 year"))],
        initial=90,
    )
