"""Checks on uploaded documents: what the name claims is what the bytes are."""

from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError


def validate_pdf(upload: UploadedFile[Any]) -> None:
    """Refuse anything but a readable PDF within the size limit (CDOHUB["MAX_DOCUMENT_BYTES"])."""
    limit = cast(int, settings.CDOHUB["MAX_DOCUMENT_BYTES"])
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    if upload.read(5) != b"%PDF-":
        raise ValidationError(_("The file is not a PDF document."))
    upload.seek(0)
    try:
        pages = len(PdfReader(upload).pages)
    except (PyPdfError, ValueError, OSError) as exc:
        raise ValidationError(_("The PDF document cannot be read: it may be damaged.")) from exc
    finally:
        upload.seek(0)
    if pages == 0:
        raise ValidationError(_("The PDF document has no pages."))
