from django import forms
from django.utils.translation import gettext_lazy as _

from cdohub.core.forms import BootstrapForm

from .models import DataSource


class SourceForm(BootstrapForm, forms.ModelForm):
    """Register or change a source. The password is write-only: never rendered back, and left
    blank on an edit it keeps the stored one."""

    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown again. Use an account that may only read."),
    )

    class Meta:
        model = DataSource
        fields = ["name", "kind", "host", "port", "database", "username", "password", "schemas", "path"]
        help_texts = {
            "port": _("Blank for the default: 5432 for PostgreSQL, 3306 for MariaDB/MySQL."),
            "path": _(
                "A SQLite file or a folder of CSV, Parquet and Excel files, inside the folders allowed "
                "for data sources."
            ),
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["kind"].disabled = True
            self.fields["password"].help_text = _("Leave blank to keep the stored password.")
        self.fields["password"].widget.attrs["data-kinds"] = "postgresql mysql"
        for name in ("host", "port", "database", "username", "schemas"):
            self.fields[name].widget.attrs["data-kinds"] = "postgresql mysql"
        self.fields["path"].widget.attrs["data-kinds"] = "sqlite files"

    def _post_clean(self):
        pass  # the service checks everything, uniqueness and the path's folder included

    def source_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        data.pop("password", None)
        if self.fields["kind"].disabled:
            data.pop("kind", None)
        return data


class NewSourceForm(SourceForm):
    unit = forms.CharField(label=_("Unit code"), max_length=32)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        self.fields["unit"].widget.attrs["list"] = "unit-choices"
        self.order_fields(["unit"])
