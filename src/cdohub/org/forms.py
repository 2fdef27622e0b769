from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import UnitKind
from .models import Region, Unit


class UnitForm(forms.ModelForm):
    region_code = forms.CharField(
        label=_("Region code"),
        max_length=12,
        help_text=_("GB/T 2260 code (6 digits) or, for towns and streets, the 12-digit code."),
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = UnitKind.choices
        if self.instance.pk:
            self.fields["region_code"].initial = self.instance.region.code

    def clean_region_code(self):
        code = self.cleaned_data["region_code"].strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("Unknown region code."))
        return region

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        taken = Unit.objects.filter(code=code).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(_("The unit code %(code)s is already in use.") % {"code": code})
        return code

    def unit_fields(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("code", "name", "short_name", "kind")}
        data["region"] = self.cleaned_data["region_code"]
        return data
