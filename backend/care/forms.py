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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        if self.instance.pk is None:
            # Suggested for a child: someone hears when a reminder goes unanswered.
            self.fields["escalate_after"].initial = ESCALATE_SUGGESTED

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= date.today().year:
            raise forms.ValidationError(_("Enter a year between 1900 and this year."))
        return year
