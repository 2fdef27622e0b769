import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Unit


class UnitTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    code = tables.Column(verbose_name=_("Unit code"))
    kind = tables.Column(verbose_name=_("Kind"))
    level = tables.Column(verbose_name=_("Level"))
    region = tables.Column(verbose_name=_("Region"), accessor="region__name")
    ancestry = tables.Column(verbose_name=_("Belongs to"), empty_values=(), orderable=False)

    class Meta:
        model = Unit
        fields = ["name", "code", "kind", "level", "region"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _(
            "No unit matches: try a shorter name or code, or search all units rather than your scope."
        )
        order_by = "path"

    def before_render(self, request):
        # Ancestor names for the whole page in one query, whatever the page size or tree depth.
        rows = self.page.object_list if getattr(self, "page", None) else self.rows
        self.ancestors = Unit.ancestors_of(row.record for row in rows)

    def render_ancestry(self, record):
        known = getattr(self, "ancestors", {})
        return " › ".join(known[p].name for p in record.ancestor_paths() if p in known) or "—"
