"""The 类-项-目 classification tree shipped in catalog/data/classification.toml."""

import tomllib
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "classification.toml"


def load(apps, schema_editor):
    Classification = apps.get_model("catalog", "Classification")

    def add(nodes, parent=None):
        for node in nodes:
            obj, _ = Classification.objects.update_or_create(
                code=node["code"], defaults={"name": node["name"], "parent": parent}
            )
            add(node.get("children", []), obj)

    add(tomllib.loads(DATA.read_text(encoding="utf-8"))["nodes"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_index")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
