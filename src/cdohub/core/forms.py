"""Form helpers shared by every app."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _

from cdohub.core.excel import ImportFileError, check_upload_size


def field_label(model: type[models.Model], name: str) -> str:
    """The verbose name users see for a field of `model` (one of its own, not a reverse relation)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # only a model's own fields carry a verbose name
    return str(field.verbose_name)


class BootstrapForm(forms.BaseForm):
    """Give every widget its Bootstrap class, and mark invalid fields, so templates stay plain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def add_error(self, field: Any, error: Any) -> None:
        """Mark the invalid widgets, whether the form found the error or a service did."""
        super().add_error(field, error)
        for name in self.errors:
            attrs = self.fields[name].widget.attrs if name in self.fields else None
            if attrs is not None and "is-invalid" not in attrs["class"]:
                attrs["class"] += " is-invalid"


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's refusal on the form: each message by its field, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Upload an Excel .xlsx workbook."))
        try:
            check_upload_size(upload.size or 0)  # before a byte of it is read
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload
