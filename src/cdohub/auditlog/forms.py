from django import forms
from django.utils.translation import gettext_lazy as _

from cdohub.core.forms import BootstrapForm

from . import services


class LogFilterForm(BootstrapForm, forms.Form):
    actor = forms.CharField(label=_("By"), required=False, max_length=150)
    unit = forms.CharField(
        label=_("Unit"),
        required=False,
        max_length=100,
        help_text=_("A unit's code or name: it and the units below it."),
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object number"), required=False, max_length=64)
    text = forms.CharField(label=_("Object name"), required=False, max_length=100)
    action = forms.ChoiceField(label=_("Act"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("any"))]
        self.fields["object_type"].choices = anything + services.object_types()
        self.fields["action"].choices = anything + services.action_choices()

    def filters(self) -> services.Filters:
        """The filters asked for; none when the form is not valid (it says why)."""
        if not self.is_valid():
            return services.Filters()
        return services.Filters(**{name: value for name, value in self.cleaned_data.items() if value})
