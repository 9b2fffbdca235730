"""Stable HSDS ids on facilities and programs, and when a program last changed.

Existing rows get their id in a data step (one random UUID each); new rows get one by default.

SQLite rebuilds a table to alter a column, and the rebuilt table loses its triggers (the
listings stamp, 0007, and the full-text index, 0008); a trigger of another table that names a
table being rebuilt even stops the rebuild. So on SQLite they are dropped first and created
again at the end.
"""

import importlib
import uuid

from django.db import migrations, models
from django.utils import timezone

from programs.models.changes import install_triggers, remove_triggers

FULL_TEXT = importlib.import_module("programs.migrations.0008_sqlite_full_text")
REBUILT = ["programs_facility", "programs_program"]


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        remove_triggers(schema_editor, REBUILT)
        for statement in FULL_TEXT.DROP:
            if statement.startswith("DROP TRIGGER"):
                schema_editor.execute(statement)


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        install_triggers(schema_editor, REBUILT)
        for statement in FULL_TEXT.CREATE:
            if statement.startswith("CREATE TRIGGER"):
                schema_editor.execute(statement)


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
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
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
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
