from django import forms
from django.utils.translation import gettext_lazy as _

from backend.treatments.models import TreatmentEvent

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TreatmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Treatment"), choices=TreatmentEvent.Kind.choices)
    started_on = forms.DateField(label=_("Date (or start)"), widget=DATE_WIDGET)
    ended_on = forms.DateField(
        label=_("End (casting, splinting, a block of therapy)"), widget=DATE_WIDGET, required=False
    )
    muscles = forms.CharField(
        label=_("Muscles injected"),
        max_length=200,
        required=False,
        help_text=_("Plain names, e.g. left calf, right wrist flexors."),
    )
    medicine = forms.CharField(
        label=_("Medicine"), max_length=80, required=False, help_text=_("e.g. baclofen")
    )
    change = forms.ChoiceField(
        label=_("Medicine was"),
        choices=[("", "—"), *TreatmentEvent.Change.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
