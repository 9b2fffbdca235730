"""The listings stamp (programs.models.changes) and the triggers that change it."""

from django.db import migrations, models

from programs.models.changes import TABLE, install_triggers, remove_triggers


def _tables(apps) -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label == "programs" and model._meta.db_table != TABLE
    )


def forwards(apps, schema_editor):
    install_triggers(schema_editor, _tables(apps))
    apps.get_model("programs", "ListingsVersion").objects.create(id=1, token="initial")


def backwards(apps, schema_editor):
    remove_triggers(schema_editor, _tables(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_program_level_index_covers_facility"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListingsVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="listings_version_one_row"
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
