from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdohub.core.forms import BootstrapForm
from cdohub.org.models import Unit

from . import rules
from .choices import CAMPAIGN_FIELDS, DataType
from .excel import SEPARATORS
from .models import CensusCampaign, Classification, Resource


class ClassificationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class ResourceForm(BootstrapForm, forms.ModelForm):
    classification = ClassificationField(
        Classification.objects.filter(code__regex=r"^\d{6,}$"), label=_("classification")
    )
    related_codes = forms.CharField(
        label=_("related resource codes"), required=False, help_text=_("Separate codes with 、 or commas.")
    )

    class Meta:
        model = Resource
        fields = list(rules.RESOURCE_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "share_conditions": forms.Textarea(attrs={"rows": 2}),
            "share_basis": forms.Textarea(attrs={"rows": 2}),
            "open_conditions": forms.Textarea(attrs={"rows": 2}),
            "released_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["related_codes"] = "、".join(self.instance.related_codes)
        self.fields["classification"].widget.attrs.update(  # the tree picker's (resource-form.js)
            {
                "data-tree-url": reverse("catalog:classification_nodes"),
                "data-search-label": _("Search the classification by code or name"),
                "data-chosen-label": _("Chosen:"),
                "data-none-label": _("Nothing found."),
                "data-loading-label": _("Loading…"),
            }
        )

    def clean_related_codes(self):
        text = self.cleaned_data["related_codes"].translate(SEPARATORS)
        return [c for c in text.split(",") if c]

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in rules.RESOURCE_FIELDS}


class NewResourceForm(ResourceForm):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("provider"))
    campaign = forms.ModelChoiceField(
        CensusCampaign.objects.none(), label=_("census campaign"), required=False
    )

    field_order = ["unit", "campaign"]

    def __init__(self, *args, units=None, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["campaign"].queryset = campaigns


class ItemForm(BootstrapForm, forms.Form):
    name = forms.CharField(label=_("item name"), max_length=200)
    column_name = forms.CharField(label=_("column name"), max_length=128, required=False)
    # A blank first choice, so the empty rows at the end of the list stay untouched and unchecked.
    data_type = forms.ChoiceField(label=_("data type"), choices=[("", "---------"), *DataType.choices])
    length = forms.IntegerField(label=_("length"), min_value=1, required=False)
    description = forms.CharField(label=_("description"), max_length=500, required=False)


ItemFormSet = forms.formset_factory(ItemForm, extra=2, can_delete=True)


def items_from(formset) -> list[dict]:
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", _("Publish")), ("return", _("Return"))])
    reason = forms.CharField(required=False)
    version = forms.IntegerField()


class CampaignForm(BootstrapForm, forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    organiser = forms.ModelChoiceField(Unit.objects.none(), label=_("organiser"))
    deadline = forms.DateField(label=_("deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    required_fields = forms.MultipleChoiceField(
        label=_("also required"), required=False, widget=forms.CheckboxSelectMultiple
    )
    units = forms.ModelMultipleChoiceField(
        Unit.objects.none(), label=_("units taking part"), widget=forms.SelectMultiple(attrs={"size": 12})
    )
    instructions = forms.CharField(
        label=_("instructions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisers=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers
        self.fields["units"].queryset = units
        self.fields["required_fields"].choices = [(f, rules.label(f)) for f in CAMPAIGN_FIELDS]
        self.fields["required_fields"].widget.attrs["class"] = ""


class SynonymForm(BootstrapForm, forms.Form):
    term = forms.CharField(label=_("term"), max_length=40)
    alternatives = forms.CharField(
        label=_("also searched as"), max_length=400, help_text=_("Separate words with 、 or commas.")
    )
    two_way = forms.BooleanField(
        label=_("both ways"),
        required=False,
        initial=True,
        help_text=_("A search for an alternative also finds the term."),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def clean_alternatives(self):
        from .services import split_alternatives

        return split_alternatives(self.cleaned_data["alternatives"])
