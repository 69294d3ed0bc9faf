from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from backend.accounts.forms import ESCALATE_WIDGET
from backend.accounts.models import ESCALATE_SUGGESTED, User


class AccessLogFilterForm(forms.Form):
    who = forms.ChoiceField(label=_("Who looked"), required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = [("", _("Everyone")), *((name, name) for name in names)]


class DependentForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "birth_year", "time_zone", "escalate_after"]
        labels = {"name": _("Their name"), "escalate_after": _("Tell us all after (minutes)")}
        help_texts = {
            "time_zone": _("Reminders arrive at this zone's local time."),
            "escalate_after": _(
                "If their reminder is not done or checked in within this many minutes (30 to "
                "240), everyone who looks after them is told. Leave empty for never."
            ),
        }
        widgets = {"escalate_after": ESCALATE_WIDGET}

    def __init__(self, *args, caregiver: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        # A child lives where the caregiver does, most often: the caregiver's zone, said
        # aloud, rather than UTC's 3 a.m. reminders. A caregiver who never chose one (UTC)
        # gets the phone's, as sign-up does (the page's data-zone-prefill).
        self.zone_from_phone = caregiver is not None and str(caregiver.time_zone) == "UTC"
        if caregiver is not None and not self.is_bound and self.instance.pk is None:
            zone = caregiver.time_zone
            self.initial.setdefault("time_zone", zone)
            self.fields["time_zone"].help_text = (
                _("Set from this phone. Reminders arrive at this zone's local time.")
                if self.zone_from_phone
                else _("The same as yours, %(zone)s. Change it if they live in another zone.")
                % {"zone": zone}
            )
        if self.instance.pk is None:
            # Suggested for a child: someone hears when a reminder goes unanswered.
            self.fields["escalate_after"].initial = ESCALATE_SUGGESTED

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= date.today().year:
            raise forms.ValidationError(_("Enter a year between 1900 and this year."))
        return year
