"""Stable HSDS ids on facilities and programs, and when a program last changed.

Existing rows get their id in a data step (one random UUID each); new rows get one by default.
"""

import uuid

from django.db import migrations, models
from django.utils import timezone


def fill_ids(apps, schema_editor):
    # On PostgreSQL, updating rows queues deferred foreign-key checks that would block the
    # ALTER TABLE below in the same transaction; checking them at once queues nothing.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name in ("Facility", "Program"):
        model = apps.get_model("programs", name)
        rows = list(model.objects.filter(hsds_id__isnull=True).only("pk"))
        for row in rows:
            row.hsds_id = uuid.uuid4()
        model.objects.bulk_update(rows, ["hsds_id"], batch_size=1000)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [("programs", "0010_import_changes")]

    operations = [
        migrations.AddField(
            model_name="facility",
            name="hsds_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="HSDS id"),
        ),
        migrations.AddField(
            model_name="program",
            name="hsds_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="HSDS id"),
        ),
        migrations.AddField(
            model_name="program",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=timezone.now),
            preserve_default=False,
        ),
        migrations.RunPython(fill_ids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="facility",
            name="hsds_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="HSDS id"
            ),
        ),
        migrations.AlterField(
            model_name="program",
            name="hsds_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="HSDS id"
            ),
        ),
    ]
