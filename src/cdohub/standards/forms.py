import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdohub.core.forms import BootstrapForm
from cdohub.org.models import Unit

from .choices import validator_choices
from .models import CodeSet, DataElement
from .rules import CODE_SET_FIELDS, ELEMENT_FIELDS


class ElementForm(BootstrapForm, forms.ModelForm):
    owner = forms.ModelChoiceField(Unit.objects.none(), label=gettext_lazy("maintained by"))
    code_set = forms.ModelChoiceField(CodeSet.objects.none(), label=gettext_lazy("code set"), required=False)
    validator = forms.ChoiceField(label=gettext_lazy("validator"), required=False)

    class Meta:
        model = DataElement
        fields = ["owner", *ELEMENT_FIELDS]
        widgets = {"definition": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "format": gettext_lazy("e.g. an18, an..50, c..200, n6, n..12,2, YYYYMMDD, YYYY-MM-DD hh:mm:ss"),
            "pattern": gettext_lazy("Leave empty to use the format's pattern."),
            "identifier": gettext_lazy("Letters, digits and . _ / -, e.g. DE00001"),
        }

    def __init__(self, *args, owners=None, code_sets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["code_set"].queryset = code_sets
        self.fields["validator"].choices = [("", "---------"), *validator_choices()]

    def _post_clean(self):
        """The services check the element (with their reasons); the form does not save it."""

    def changes(self) -> dict:
        """The element's fields for the services (the owner apart)."""
        return {name: self.cleaned_data[name] for name in ELEMENT_FIELDS}


class CodeSetForm(BootstrapForm, forms.ModelForm):
    owner = forms.ModelChoiceField(Unit.objects.none(), label=gettext_lazy("maintained by"))
    values_text = forms.CharField(
        label=gettext_lazy("values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
        help_text=gettext_lazy(
            "One value a line: code, meaning and, for a hierarchical set, the parent code — separated "
            "by tabs (as pasted from Excel) or, in a line without tabs, by commas."
        ),
    )

    class Meta:
        model = CodeSet
        fields = ["owner", *CODE_SET_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, owners=None, values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if values is not None and not self.is_bound:
            self.initial["values_text"] = "\n".join(
                "\t".join([v["code"], v["name"]] + ([v["parent"]] if v["parent"] else [])) for v in values
            )

    def _post_clean(self):
        """The services check the code set (with their reasons); the form does not save it."""

    def clean_values_text(self) -> list[dict]:
        rows = []
        for number, line in enumerate(self.cleaned_data["values_text"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in (line.split("\t") if "\t" in line else re.split(r"[,，]", line))]
            if len(parts) < 2 or len(parts) > 3:
                raise ValidationError(
                    _("Line %(n)d: write the code, the meaning and perhaps the parent code.") % {"n": number}
                )
            rows.append({"code": parts[0], "name": parts[1], "parent": parts[2] if len(parts) > 2 else ""})
        return rows

    def changes(self) -> dict:
        """The code set's fields and values for the services (the owner apart)."""
        fields = {name: self.cleaned_data[name] for name in CODE_SET_FIELDS}
        return {**fields, "values": self.cleaned_data["values_text"]}
