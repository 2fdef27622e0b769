from django.db import migrations

from cdohub.catalog import taxonomy


def load(apps, schema_editor):
    taxonomy.load(apps.get_model("catalog", "Classification"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_index")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
