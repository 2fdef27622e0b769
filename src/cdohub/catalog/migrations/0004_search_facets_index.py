"""SQLite: a covering index of the search entries' id, visibility and facet columns.

catalog.search reads, for every full-text match, whether the user may see it and its six facets;
from this index rather than from the table's rows, which also hold every indexed term (the wide
part). PostgreSQL reads them from its heap after the GIN bitmap scan and needs nothing more.
"""

from django.db import migrations

SQLITE = [
    "CREATE INDEX catalog_search_facets ON catalog_searchentry"
    " (resource_id, published, unit_path, provider_id, city, share_type, format, catalog_item, update_cycle)"
]
SQLITE_DROP = ["DROP INDEX IF EXISTS catalog_search_facets"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_classifications")]

    operations = [migrations.RunPython(_run(SQLITE), _run(SQLITE_DROP))]
