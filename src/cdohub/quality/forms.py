import json

from django import forms
from django.utils.translation import gettext_lazy as _

from cdohub.core.forms import BootstrapForm

from .choices import RuleKind, Schedule, Severity


class BindingForm(BootstrapForm, forms.Form):
    table = forms.ChoiceField(label=_("table"), help_text=_("A table found by the source's last discovery."))
    sample = forms.FloatField(
        label=_("sampling fraction"),
        required=False,
        min_value=0,
        max_value=1,
        help_text=_("e.g. 0.1 to scan about a tenth of a very large table; blank scans every row."),
    )
    schedule = forms.ChoiceField(label=_("schedule"), choices=[("", "—"), *Schedule.choices], required=False)

    def __init__(self, *args, tables=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tables = {str(t.pk): t for t in tables}
        self.fields["table"].choices = [
            (str(t.pk), f"{t.run.source.name} · {t.qualified_name}{' · ' + t.comment if t.comment else ''}")
            for t in tables
        ]

    def clean_table(self):
        return self.tables[self.cleaned_data["table"]]


class RuleForm(BootstrapForm, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=RuleKind.choices)
    columns = forms.CharField(
        label=_("columns"), required=False, help_text=_("The table's column names, separated by commas.")
    )
    params = forms.CharField(
        label=_("parameters"),
        required=False,
        # JSON the user writes: code, not wording to translate or spell-check.
        widget=forms.Textarea(attrs={"rows": 3, "translate": "no", "spellcheck": "false"}),
        help_text=_("A JSON object of the parameters below, e.g. the minimum and maximum of a range."),
    )
    weight = forms.FloatField(label=_("weight"), initial=1.0)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, initial=Severity.ERROR)
    enabled = forms.BooleanField(label=_("enabled"), required=False, initial=True)
    description = forms.CharField(label=_("description"), max_length=300, required=False)

    def clean_columns(self):
        return [c.strip() for c in self.cleaned_data["columns"].split(",") if c.strip()]

    def clean_params(self):
        text = self.cleaned_data["params"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON: line %(line)s, column %(column)s.")
                % {"line": exc.lineno, "column": exc.colno}
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Parameters are a JSON object."))
        return value


class AnswerForm(BootstrapForm, forms.Form):
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
