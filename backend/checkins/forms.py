"""The check-in page's form: the same fields and limits as the API, for phones without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy as _

from backend.checkins.models import TONE_DESCRIPTIONS, RangeChange, Tone
from backend.plans.models import Technique

TONE_BY_LABEL = {tone.label: tone.value for tone in Tone}
SCORES = [(str(score), str(score)) for score in range(11)]
NUMBER = {"inputmode": "numeric"}


def _score(label, **kwargs):
    return forms.IntegerField(
        label=label, min_value=0, max_value=10, widget=forms.NumberInput(NUMBER), **kwargs
    )


class CheckInForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    # The three quick choices: drawn as large buttons by the template, radios without JS.
    tone = forms.ChoiceField(label=_("Muscle tone (MAS)"), choices=[(t, t) for t in TONE_BY_LABEL])
    pain = forms.TypedChoiceField(label=_("Pain"), choices=SCORES, coerce=int)
    ease = forms.TypedChoiceField(label=_("Ease of daily tasks"), choices=SCORES, coerce=int)

    rom_joint = forms.CharField(
        label=_("Joint"), max_length=60, required=False, help_text=_("For example: left ankle.")
    )
    rom_degrees = forms.IntegerField(
        label=_("Range of motion (degrees)"),
        min_value=0,
        max_value=360,
        required=False,
        widget=forms.NumberInput(NUMBER),
    )
    rom_change = forms.ChoiceField(
        label=_("Range of motion compared with last time"),
        choices=[("", _("Not recorded")), *RangeChange.choices],
        required=False,
    )
    minutes = forms.IntegerField(
        label=_("Minutes done"),
        min_value=0,
        max_value=240,
        required=False,
        widget=forms.NumberInput(NUMBER),
    )
    technique = forms.ChoiceField(
        label=_("Technique"), choices=[("", _("Not recorded")), *Technique.choices], required=False
    )
    worse_after = forms.BooleanField(
        label=_("Soreness or spasms were worse after the session"), required=False
    )
    stress = _score(_("Stress or anxiety (0 none, 10 worst)"), required=False)
    sleep = _score(_("Sleep last night (0 very poor, 10 very good)"), required=False)
    milestone = forms.CharField(
        label=_("Milestone"),
        max_length=200,
        required=False,
        help_text=_("For example: put on shoes almost without pain."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )
    baseline = forms.BooleanField(
        label=_("This is a baseline assessment"),
        required=False,
        help_text=_("Later check-ins are compared with it."),
    )

    QUICK = ["tone", "pain", "ease"]
    SCALE_ENDS = {
        "pain": (_("no pain"), _("worst pain")),
        "ease": (_("very hard"), _("easy")),
    }

    def scales(self) -> list[dict]:
        """The three quick choices, each option with its label, hint and whether it is chosen."""
        scales = []
        for name in self.QUICK:
            field = self[name]
            chosen = str(field.value()) if field.value() not in (None, "") else None
            hints = {tone.label: TONE_DESCRIPTIONS[tone] for tone in Tone} if name == "tone" else {}
            options = [
                {"value": value, "hint": hints.get(value), "checked": value == chosen}
                for value, _label in field.field.choices
            ]
            scales.append({"field": field, "options": options, "ends": self.SCALE_ENDS.get(name)})
        return scales

    # One optional tap beside the three: asked every time, since overstimulation shows after
    # a session and the guard is only as good as this answer.
    QUICK_FLAG = "worse_after"

    def details(self) -> list[forms.BoundField]:
        skip = ["idempotency_key", *self.QUICK, self.QUICK_FLAG]
        return [self[name] for name in self.fields if name not in skip]

    def details_open(self) -> bool:
        """Open "More details" when something in it was filled in or is wrong."""
        return self.is_bound and any(
            self.data.get(field.name) not in (None, "") or field.errors for field in self.details()
        )

    def checkin_fields(self) -> dict:
        """Keyword arguments for checkin_create, tone as its stored ordinal."""
        data = dict(self.cleaned_data)
        data["tone"] = TONE_BY_LABEL[data["tone"]]
        return data


class PlanCheckForm(forms.Form):
    """The plan check on the trend page: try other numbers against the guideline."""

    sessions_per_week = forms.IntegerField(
        label=_("Massage sessions a week"), min_value=0, max_value=14
    )
    minutes = forms.IntegerField(label=_("Minutes a session"), min_value=0, max_value=240)
    technique = forms.ChoiceField(
        label=_("Technique"), choices=[("", _("Any")), *Technique.choices], required=False
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note for them"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OverstimulationDismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it no longer applies"),
        max_length=200,
        help_text=_("A few words, kept with the alert: your therapist sees them."),
    )


class AlertResolveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is resolved"),
        max_length=200,
        help_text=_("A few words, kept with the alert: what you did or decided."),
    )


class CheckInImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "A file as “Download all check-ins (CSV)” makes it. Rows already here are left as "
            "they are; if any line has a mistake, nothing is imported and the line is named."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
