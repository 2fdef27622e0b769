"""The search dictionary in Excel: a template, an all-or-nothing import, an export of the entries."""

import hashlib
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdohub.core.excel import Column, ExcelImport, Row, export_rows

from . import services
from .models import Synonym

YES = {"是", "yes", "y", "true", "1", "双向"}
NO = {"否", "no", "n", "false", "0", "单向"}


class SynonymImport(ExcelImport):
    sheet_title = gettext_lazy("Search synonyms")
    columns = [
        Column("term", gettext_lazy("Term"), example="社保"),
        Column("alternatives", gettext_lazy("Also searched as"), example="社会保险、社会保障"),
        Column("two_way", gettext_lazy("Both ways (是/否)"), required=False, example="是"),
        Column("note", gettext_lazy("Note"), required=False, example=""),
    ]

    def run(self, data: bytes, user: Any):
        self.sha256 = hashlib.sha256(data).hexdigest()
        return super().run(data, user)

    def validate(self, rows: list[Row], user: Any) -> None:
        seen: dict[str, int] = {}
        for row in rows:
            term = row["term"].strip()
            alternatives = services.split_alternatives(row["alternatives"])
            existing = Synonym.objects.filter(term__iexact=term).values_list("pk", flat=True).first()
            row.errors += services.synonym_problems(term, alternatives, exclude_pk=existing)
            answer = row["two_way"].strip().lower()
            if answer and answer not in YES | NO:
                row.errors.append(_("Both ways: write 是 or 否."))
            if len(row["note"]) > 200:
                row.errors.append(_("The note is longer than 200 characters."))
            if term.lower() in seen:
                row.errors.append(
                    _("The term %(t)s is already in row %(r)d.") % {"t": term, "r": seen[term.lower()]}
                )
            seen[term.lower()] = row.number

    def apply(self, rows: list[Row], user: Any) -> int:
        entries = [
            {
                "term": row["term"].strip(),
                "alternatives": services.split_alternatives(row["alternatives"]),
                "two_way": row["two_way"].strip().lower() not in NO,
                "note": row["note"],
            }
            for row in rows
        ]
        created, updated = services.import_synonyms(user, entries, self.sha256)
        return created + updated


def export() -> bytes:
    headers = [str(c.header) for c in SynonymImport.columns]
    rows = [
        [s.term, "、".join(s.alternatives), _("Yes") if s.two_way else _("No"), s.note]
        for s in Synonym.objects.order_by("term")
    ]
    return export_rows(str(SynonymImport.sheet_title), headers, rows)
