import django_tables2 as tables
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from .models import Resource


class ResourceTable(tables.Table):
    code = tables.Column(linkify=True, verbose_name=_("resource code"))
    name = tables.Column(linkify=True)
    unit = tables.Column(verbose_name=_("provider"))
    completeness = tables.Column(verbose_name=_("completeness"), accessor="completeness_pct")

    class Meta:
        model = Resource
        fields = ["code", "name", "unit", "classification", "format", "share_type", "status", "completeness"]
        order_by = ["code"]
        attrs = {"class": "table table-sm table-hover", "id": "resource-table"}
        empty_text = _(
            "No resource matches: register one, import them from Excel or discover them from a data "
            "source. Change the filter to see others."
        )

    def render_completeness(self, value: float) -> str:
        # A plain method: a TemplateColumn compiles its template again for every cell.
        return f"{floatformat(value, 0)}%"
