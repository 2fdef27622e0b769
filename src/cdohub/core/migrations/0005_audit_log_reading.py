# The audit log page reads by unit scope and actor: joins on the ids it already holds, and indexes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_official_calendar'),
        migrations.swappable_dependency(settings.CDOHUB_UNIT_MODEL),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='actor',
            field=models.ForeignObject(from_fields=['actor_id'], null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, to_fields=['id'], verbose_name='actor'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='unit',
            field=models.ForeignObject(from_fields=['unit_id'], null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.CDOHUB_UNIT_MODEL, to_fields=['id'], verbose_name='unit'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['actor_id', 'id'], name='core_audit_actor_id_idx'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['unit_id', 'id'], name='core_audit_unit_id_idx'),
        ),
    ]
