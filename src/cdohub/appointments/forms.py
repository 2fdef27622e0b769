from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cdohub.core.forms import BootstrapForm
from cdohub.org.choices import DIMENSIONS

from .models import Appointment, ImplementationPlan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PDF = forms.ClearableFileInput(attrs={"accept": "application/pdf"})


class AppointmentForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = Appointment
        fields = [
            "person_name",
            "position",
            "rank",
            "in_charge_of_digital_government",
            "phone",
            "effective_on",
            "document_number",
            "document_date",
            "document",
            "justification",
        ]
        widgets = {
            "effective_on": DATE,
            "document_date": DATE,
            "document": PDF,
            "justification": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "justification": _(
                "Required when the person is below an administrative deputy head or not in charge of "
                "digital-government reform; such appointments are flagged."
            ),
        }


class NewAppointmentForm(AppointmentForm):
    unit = forms.ChoiceField(label=_("Unit"))
    post = forms.ChoiceField(label=_("Post"))

    def __init__(self, *args, units=(), posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.name) for u in units]
        self.fields["post"].choices = [(p.key, p.label) for p in posts]
        self.order_fields(["unit", "post"])


def _dimension(key: str) -> forms.CharField:
    return forms.CharField(
        label=dict(DIMENSIONS)[key], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanForm(BootstrapForm, forms.ModelForm):
    # The plan's text along the six dimensions pilots are compared on.
    dim_objectives = _dimension("objectives")
    dim_scope = _dimension("scope")
    dim_organisation = _dimension("organisation")
    dim_responsibilities = _dimension("responsibilities")
    dim_steps = _dimension("steps")
    dim_safeguards = _dimension("safeguards")

    class Meta:
        model = ImplementationPlan
        fields = ["title", "document_number", "document_date", "document"]
        widgets = {"document_date": DATE, "document": PDF}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, _label in DIMENSIONS:
            self.initial.setdefault(f"dim_{key}", self.instance.dimensions.get(key, ""))

    def plan_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["dimensions"] = {key: self.cleaned_data[f"dim_{key}"] for key, _ in DIMENSIONS}
        if not data["document"]:
            data.pop("document")  # keep the stored document unless a new one is uploaded
        return data


class NewPlanForm(PlanForm):
    unit = forms.ChoiceField(label=_("Pilot"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.name) for u in units]
        self.order_fields(["unit"])


class DecisionForm(BootstrapForm, forms.Form):
    decision = forms.ChoiceField(
        choices=[("file", pgettext_lazy("filing decision", "File")), ("return", _("Return"))]
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for return"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EndForm(BootstrapForm, forms.Form):
    ends_on = forms.DateField(label=_("Term ends on"), widget=DATE)
    document_number = forms.CharField(label=_("Removal document number"), max_length=100)


class CdoAccountForm(BootstrapForm, forms.Form):
    """Grant the appointed CDO the CDO role: on an account of the unit, or on a new account."""

    EXISTING, NEW = "existing", "new"

    mode = forms.ChoiceField(
        label=_("Account"),
        choices=[(EXISTING, _("An existing account of the unit")), (NEW, _("A new account"))],
        widget=forms.RadioSelect,
        initial=NEW,
    )
    account = forms.ModelChoiceField(label=_("Existing account"), queryset=None, required=False)
    username = forms.CharField(label=_("User name of the new account"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail of the new account"),
        required=False,
        help_text=_("A link to set a password is sent there."),
    )

    def __init__(self, *args, candidates, candidate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = candidates
        self.fields["account"].label_from_instance = lambda u: (
            f"{u.display_name or u.username}（{u.username}）"
        )
        if candidate is not None:
            self.initial.update(mode=self.EXISTING, account=candidate.pk)

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.EXISTING and not data.get("account"):
            self.add_error("account", _("Choose the account."))
        if data.get("mode") == self.NEW and not (data.get("username") or "").strip():
            self.add_error("username", _("Give a user name for the new account."))
        return data
