from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from timezone_field import TimeZoneFormField

from backend.plans.guidance import LONGEST, SHORTEST, plan_defaults
from backend.plans.models import (
    COMMON_MUSCLES,
    WEEKDAYS,
    GivenBy,
    Proposal,
    SafetyScreen,
    Side,
    Stretch,
    Technique,
)
from backend.plans.services import SessionTime
from backend.plans.stretches import MUSCLES, catalog_choices

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MassagePlanForm(forms.Form):
    first_day = forms.TypedChoiceField(label=_("First session: day"), choices=WEEKDAYS, coerce=int)
    first_time = forms.TimeField(label=_("First session: time"), widget=TIME_WIDGET)
    second_day = forms.TypedChoiceField(
        label=_("Second session: day"),
        choices=[("", _("No second session")), *WEEKDAYS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    second_time = forms.TimeField(
        label=_("Second session: time"), widget=TIME_WIDGET, required=False
    )
    duration_minutes = forms.IntegerField(
        label=_("Minutes per session"),
        min_value=SHORTEST,
        max_value=LONGEST,
        initial=15,
        help_text=_("Start with 15–20 minutes to see how your muscles respond."),
    )
    technique = forms.ChoiceField(label=_("Technique"), choices=Technique.choices)
    target_muscles = forms.MultipleChoiceField(
        label=_("Muscles"),
        choices=[(key, muscle.label) for key, muscle in MUSCLES.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_muscles = forms.CharField(
        label=_("Other muscles"),
        required=False,
        max_length=200,
        help_text=_("Separate with commas."),
    )
    given_by = forms.ChoiceField(
        label=_("Who gives the massage?"), choices=GivenBy.choices, widget=forms.RadioSelect
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("second_day") is not None and not cleaned.get("second_time"):
            self.add_error("second_time", _("Choose a time for the second session."))
        if cleaned.get("second_day") is not None and cleaned.get("second_day") == cleaned.get(
            "first_day"
        ):
            self.add_error("second_day", _("Put the two sessions on different days."))
        return cleaned

    def sessions(self) -> list[SessionTime]:
        data = self.cleaned_data
        sessions = [SessionTime(weekday=data["first_day"], at=data["first_time"])]
        if data.get("second_day") is not None:
            sessions.append(SessionTime(weekday=data["second_day"], at=data["second_time"]))
        return sessions

    def muscles(self) -> list[str]:
        typed = [
            m.strip() for m in self.cleaned_data.get("other_muscles", "").split(",") if m.strip()
        ]
        return [*self.cleaned_data.get("target_muscles", []), *typed][:12]

    @classmethod
    def initial_for(cls, plan) -> dict:
        schedules = list(plan.schedules.all())
        initial = {
            "duration_minutes": plan.duration_minutes,
            "technique": plan.technique,
            "given_by": plan.given_by,
            "target_muscles": [m for m in plan.target_muscles if m in COMMON_MUSCLES],
            "other_muscles": ", ".join(m for m in plan.target_muscles if m not in COMMON_MUSCLES),
        }
        for prefix, schedule in zip(["first", "second"], schedules, strict=False):
            initial[f"{prefix}_day"], initial[f"{prefix}_time"] = (
                schedule.weekday,
                schedule.local_time,
            )
        return initial


class StretchTimesForm(forms.Form):
    time_1 = forms.TimeField(label=_("Stretch at"), widget=TIME_WIDGET)
    time_2 = forms.TimeField(label=_("And at (optional)"), widget=TIME_WIDGET, required=False)
    time_3 = forms.TimeField(label=_("And at (optional)"), widget=TIME_WIDGET, required=False)

    def clean(self):
        cleaned = super().clean()
        times = [cleaned.get(name) for name in ("time_1", "time_2", "time_3") if cleaned.get(name)]
        if len(set(times)) != len(times):
            raise forms.ValidationError(_("Each time of day once, please."))
        cleaned["times"] = times
        return cleaned


class StretchForm(forms.ModelForm):
    catalog_key = forms.ChoiceField(
        label=_("Stretch"),
        choices=[("", _("My own stretch (name it below)")), *catalog_choices()],
        required=False,
        help_text=_("The built-in stretches come with steps and a picture."),
    )
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices, initial=Side.BOTH)

    class Meta:
        model = Stretch
        fields = ["catalog_key", "name", "target_muscle", "side", "hold_seconds", "repetitions"]
        labels = {
            "name": _("Name of your own stretch"),
            "target_muscle": _("Muscle it stretches"),
            "hold_seconds": _("Hold (seconds)"),
            "repetitions": _("Repetitions"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = self.fields["target_muscle"].required = False

    def clean(self):
        cleaned = super().clean()
        cleaned["catalog_key"] = cleaned.get("catalog_key") or None
        if cleaned["catalog_key"] is None:
            if not cleaned.get("name"):
                self.add_error("name", _("Name the stretch, or choose a built-in one."))
            if not cleaned.get("target_muscle"):
                self.add_error("target_muscle", _("Name the muscle it stretches."))
        return cleaned


# validate_max: a crafted form with a thousand rows is refused, not saved (the API allows 20).
StretchFormSet = forms.formset_factory(
    StretchForm, extra=2, min_num=1, validate_min=True, max_num=20, validate_max=True
)


class YesNoField(forms.TypedChoiceField):
    """A question every person must answer: no default, so nothing is assumed safe."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes",
            widget=forms.RadioSelect,
            **kwargs,
        )


class SafetyScreenForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in SafetyScreen.QUESTIONS:
            self.fields[question] = YesNoField(
                label=SafetyScreen._meta.get_field(question).verbose_name
            )


class ProposalForm(forms.ModelForm):
    # New lengths follow the guideline's limits, whatever older plans hold.
    duration_minutes = forms.IntegerField(
        label=_("New session length in minutes (optional)"),
        min_value=SHORTEST,
        max_value=LONGEST,
        required=False,
    )

    class Meta:
        model = Proposal
        fields = ["message", "duration_minutes", "technique"]
        labels = {
            "message": _("Your suggestion"),
            "technique": _("New technique (optional)"),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}


class StarterPlanForm(SafetyScreenForm):
    """Onboarding on one screen: the suggested first plan, adjusted in a few taps, and safety."""

    time_zone = TimeZoneFormField(
        label=_("Time zone"),
        use_pytz=False,
        help_text=_("Reminders arrive at this zone's local time."),
    )
    first_day = forms.TypedChoiceField(
        label=_("Massage: first day"), choices=WEEKDAYS, coerce=int, initial=1
    )
    second_day = forms.TypedChoiceField(
        label=_("Massage: second day"), choices=WEEKDAYS, coerce=int, initial=4
    )
    massage_time = forms.TimeField(label=_("Massage at"), widget=TIME_WIDGET, initial="18:00")
    duration_minutes = forms.TypedChoiceField(
        label=_("Session length"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("First sessions are short, to see how the muscles respond."),
    )
    given_by = forms.ChoiceField(
        label=_("Who gives the massage?"),
        choices=GivenBy.choices,
        initial=GivenBy.SELF,
        widget=forms.RadioSelect,
    )
    stretch_time = forms.TimeField(
        label=_("Daily calf and hamstring stretches at"), widget=TIME_WIDGET, initial="08:00"
    )

    field_order = [
        "time_zone", "first_day", "second_day", "massage_time", "duration_minutes", "given_by",
        "stretch_time",
    ]  # fmt: skip

    def __init__(self, *args, child: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        defaults = plan_defaults(child=child)
        minutes = self.fields["duration_minutes"]
        minutes.choices = [
            (m, ngettext("%(minutes)d minute", "%(minutes)d minutes", m) % {"minutes": m})
            for m in defaults.minute_choices
        ]
        minutes.initial = defaults.minutes

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("first_day") is not None and cleaned.get("first_day") == cleaned.get(
            "second_day"
        ):
            self.add_error("second_day", _("Put the two sessions on different days."))
        return cleaned

    def plan_fields(self):
        return [self[name] for name in self.field_order]

    def safety_fields(self):
        return [self[name] for name in SafetyScreen.QUESTIONS]

    def answers(self) -> dict[str, bool]:
        return {question: self.cleaned_data[question] for question in SafetyScreen.QUESTIONS}
