from datetime import date

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


class DateListField(forms.CharField):
    """Dates one per line (or separated by commas or spaces), as 2027-01-01."""

    widget = forms.Textarea(attrs={"rows": 6})

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return [date.fromisoformat(part) for part in text.replace(",", " ").split()]
        except ValueError as exc:
            raise forms.ValidationError(_("Write each date as 2027-01-01.")) from exc


class OfficialCalendarForm(forms.Form):
    """A year's schedule typed in from the State Council notice, or its TOML file uploaded."""

    file = forms.FileField(
        label=_("Notice file (TOML)"),
        required=False,
        help_text=_("year, notice, holidays and workdays; when given, the fields below are ignored."),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    notice = forms.CharField(label=_("Notice"), required=False, max_length=200)
    holidays = DateListField(label=_("Holidays"), required=False)
    workdays = DateListField(label=_("Weekend days worked in lieu (调休)"), required=False)

    def clean_file(self):
        notice = self.cleaned_data["file"]
        if notice and notice.size > 64 * 1024:  # a year's notice is a few hundred bytes
            raise forms.ValidationError(_("The notice file is larger than 64 KB."))
        return notice

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("year") and data.get("notice")):
            raise forms.ValidationError(_("Upload the notice file, or give the year and the notice."))
        return data
