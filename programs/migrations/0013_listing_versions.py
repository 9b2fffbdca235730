"""A version counter on facilities and programs (no lost edits), approximate coordinates, and
import changes that kept a curator's value.

SQLite rebuilds a table to add a NOT NULL column with a default, and the triggers on the
rebuilt tables (the listings stamp's, 0007, and the full-text index's, 0008) would not survive
it: they are dropped first and put back afterwards, as in 0012.
"""

import importlib

from django.db import migrations, models

from programs.models.changes import install_triggers, remove_triggers

FULL_TEXT_TRIGGERS = importlib.import_module("programs.migrations.0008_sqlite_full_text")
TABLES = ["programs_facility", "programs_program", "programs_importchange"]


def triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FULL_TEXT_TRIGGERS.DROP[:-1]:  # every trigger, not the index itself
            schema_editor.execute(statement)
        remove_triggers(schema_editor, TABLES)


def triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FULL_TEXT_TRIGGERS.CREATE[2:]:  # the triggers, not the index and its rows
            schema_editor.execute(statement)
        install_triggers(schema_editor, TABLES)



class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0012_curation_and_dated_availability'),
    ]

    operations = [
        migrations.RunPython(triggers_off, triggers_on),
        migrations.AddField(
            model_name='facility',
            name='coordinates_approximate',
            field=models.BooleanField(default=False, help_text="Set when the coordinates were filled in from the ZIP code's centre because none were given; the work queue lists these for a curator to place exactly.", verbose_name='coordinates are approximate'),
        ),
        migrations.AddField(
            model_name='facility',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name='importchange',
            name='curator_value_kept',
            field=models.BooleanField(default=False, help_text="A curator had changed this fact since the last import, so the import kept the curator's value and did not write the new one: decide which is right.", verbose_name="curator's value kept"),
        ),
        migrations.AddField(
            model_name='program',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]
