import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import DataSource

ATTRS = {"class": "table table-sm table-hover align-middle", "id": "source-table"}
HEALTH_BADGES = {"healthy": "bg-success", "unhealthy": "bg-danger", "unknown": "bg-secondary"}


def health_badge(source) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        HEALTH_BADGES.get(source.health, "bg-secondary"),
        source.get_health_display(),
    )


class SourceTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by="unit__path")
    kind = tables.Column(verbose_name=_("Kind"))
    location = tables.Column(verbose_name=_("Location"), empty_values=(), orderable=False)
    health = tables.Column(verbose_name=_("Health"))
    last_checked_at = tables.DateTimeColumn(verbose_name=_("Last checked"), format="Y-m-d H:i")

    class Meta:
        model = DataSource
        fields = ["name", "unit", "kind", "location", "health", "last_checked_at"]
        attrs = ATTRS
        empty_text = _(
            "No data source yet: a unit's registrar records the databases its resources live in, to "
            "discover their tables and check their quality."
        )
        order_by = "unit"

    def render_location(self, record):
        return record.location

    def render_health(self, record):
        return health_badge(record)
