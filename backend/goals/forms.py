from django import forms
from django.utils.translation import gettext_lazy as _

from backend.goals.models import TEXT_LENGTH, Goal


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("A goal in your own words"),
        max_length=TEXT_LENGTH,
        help_text=_("Something you want to do more easily, e.g. put on shoes without help."),
    )


class GoalChangeForm(forms.Form):
    text = forms.CharField(label=_("Goal"), max_length=TEXT_LENGTH, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices, required=False)
