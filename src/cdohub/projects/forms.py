import re

from django import forms
from django.utils.translation import gettext_lazy as _

from cdohub.catalog.choices import ShareType
from cdohub.catalog.models import Resource
from cdohub.core.forms import BootstrapForm
from cdohub.org.models import Unit

from .choices import Decision, FindingCategory, OrderKind, Recommendation, Severity
from .models import Project
from .rules import ACCEPTANCE_FIELDS, ACCEPTANCE_PHASE, DEADLINE_DAYS, DOCUMENTS, PROJECT_FIELDS, clean_lines

CODES = re.compile(r"[\s,，、;；]+")


class ProjectForm(BootstrapForm, forms.ModelForm):
    systems = forms.CharField(
        label=_("information systems"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The systems it builds or changes, one a line."),
    )
    collects = forms.CharField(
        label=_("data to be collected"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Data the project will collect itself, one data set a line, "
            "e.g. 人口基础信息：姓名、公民身份号码."
        ),
    )
    uses = forms.CharField(
        label=_("catalog resources it uses"),
        required=False,
        help_text=_("Codes of catalog resources it will obtain through sharing; separate with 、 or commas."),
    )

    class Meta:
        model = Project
        fields = list(PROJECT_FIELDS)
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.initial["systems"] = "\n".join(self.instance.systems)
            self.initial["collects"] = "\n".join(self.instance.collects)
            self.initial["uses"] = "、".join(self.instance.uses.values_list("code", flat=True))
        for name in DOCUMENTS:
            self.fields[name].widget.attrs["accept"] = "application/pdf"
        if self.instance.pk and self.instance.status in ACCEPTANCE_PHASE:
            # What the initiation approved stays as it was; acceptance adds its report and links.
            for name, field in self.fields.items():
                if name not in (*ACCEPTANCE_FIELDS, "uses"):
                    field.disabled = True

    def clean_systems(self):
        return clean_lines(self.cleaned_data["systems"], "systems")

    def clean_collects(self):
        return clean_lines(self.cleaned_data["collects"], "collects")

    def clean_uses(self):
        codes = [c for c in CODES.split(self.cleaned_data["uses"]) if c]
        found = {r.code: r for r in Resource.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("No catalog resource has the code %(c)s.") % {"c": "、".join(unknown)}
            )
        return [found[c] for c in codes]

    def changes(self) -> dict:
        """What the services take: the project's fields (documents only when a new one was given, or
        None to clear one) and the catalog resources it uses."""
        data = {name: self.cleaned_data[name] for name in [*self.Meta.fields, "uses"]}
        for name in DOCUMENTS:
            if name not in self.changed_data:
                data.pop(name)
            elif data[name] is False:  # "clear" ticked
                data[name] = None
        return data


class NewProjectForm(ProjectForm):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("unit"))
    field_order = ["unit"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def changes(self) -> dict:
        return {"unit": self.cleaned_data["unit"], **super().changes()}


class OutputForm(BootstrapForm, forms.Form):
    name = forms.CharField(label=_("resource name"), max_length=200, required=False)
    share_type = forms.ChoiceField(
        label=_("declared sharing"), choices=[("", "—"), *ShareType.choices], required=False
    )
    resource = forms.CharField(label=_("catalog resource code"), max_length=40, required=False)

    def clean_resource(self):
        code = self.cleaned_data["resource"].strip()
        if not code:
            return None
        resource = Resource.objects.filter(code=code).first()
        if resource is None:
            raise forms.ValidationError(_("No catalog resource has the code %(c)s.") % {"c": code})
        return resource


class LinkOutputForm(OutputForm):
    """After an approved initiation: the declared resource stays, only its catalog code is given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].disabled = True
        self.fields["share_type"].disabled = True


OutputFormSet = forms.formset_factory(OutputForm, extra=2, max_num=50)
LinkOutputFormSet = forms.formset_factory(LinkOutputForm, extra=0, max_num=50)


def outputs_from(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get("name")]


class DecisionForm(BootstrapForm, forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=Decision.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reasons = forms.CharField(
        label=_("reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to return or veto."),
    )
    cited_checks = forms.MultipleChoiceField(
        label=_("failed checks cited"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, failed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cited_checks"].choices = [(c.code, c.title) for c in failed]
        self.fields["cited_checks"].widget.attrs["class"] = "form-check-input"


class OpinionForm(BootstrapForm, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    recommendation = forms.ChoiceField(
        label=_("recommendation"), choices=[("", "—"), *Recommendation.choices], required=False
    )
    text = forms.CharField(label=_("opinion"), widget=forms.Textarea(attrs={"rows": 3}))


class FindingForm(BootstrapForm, forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("unit concerned"))
    project = forms.ModelChoiceField(Project.objects.none(), label=_("project"), required=False)
    category = forms.ChoiceField(label=_("category"), choices=FindingCategory.choices)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("what was found"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("evidence"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("evidence file (PDF)"), required=False)
    order_kind = forms.ChoiceField(label=_("order"), choices=OrderKind.choices)
    order_text = forms.CharField(label=_("what must be done"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline_days = forms.IntegerField(
        label=_("deadline (working days)"),
        min_value=DEADLINE_DAYS.start,
        max_value=DEADLINE_DAYS.stop - 1,
        initial=10,
    )

    def __init__(self, *args, units=None, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["project"].queryset = projects


class AnswerForm(BootstrapForm, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("rectification report"), widget=forms.Textarea(attrs={"rows": 3}))
    answer_file = forms.FileField(label=_("rectification evidence (PDF)"), required=False)


class VerifyForm(BootstrapForm, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject the answer."),
    )
