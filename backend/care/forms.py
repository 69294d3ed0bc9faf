from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User


class AccessLogFilterForm(forms.Form):
    who = forms.ChoiceField(label=_("Who looked"), required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = [("", _("Everyone")), *((name, name) for name in names)]


class DependentForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "birth_year", "time_zone"]
        labels = {"name": _("Their name")}
        help_texts = {"time_zone": _("Reminders arrive at this zone's local time.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= date.today().year:
            raise forms.ValidationError(_("Enter a year between 1900 and this year."))
        return year
