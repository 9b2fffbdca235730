"""SQLite's counterpart of the PostgreSQL search document (0004): an FTS5 index of programs.

``programs_program_fts`` holds, per program (rowid = program id), the program name, facility
name, city and description, tokenised with Porter stemming like PostgreSQL's English
configuration. Triggers keep it current on every write, bulk loads and raw SQL included: a
program's insert, update and delete, and a facility's change of name or city. On PostgreSQL
this migration does nothing. ``ProgramQuerySet.search()`` matches and ranks (bm25) on it.
"""

import django.db.models.deletion
from django.db import migrations, models

CREATE = [
    "CREATE VIRTUAL TABLE programs_program_fts USING fts5("
    "program_name, facility_name, city, description, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    "INSERT INTO programs_program_fts (rowid, program_name, facility_name, city, description) "
    "SELECT p.id, p.name, f.name, f.city, p.description "
    "FROM programs_program p JOIN programs_facility f ON f.id = p.facility_id",
    "CREATE TRIGGER programs_program_fts_insert AFTER INSERT ON programs_program BEGIN "
    "INSERT INTO programs_program_fts (rowid, program_name, facility_name, city, description) "
    "SELECT NEW.id, NEW.name, f.name, f.city, NEW.description "
    "FROM programs_facility f WHERE f.id = NEW.facility_id; END",
    "CREATE TRIGGER programs_program_fts_update "
    "AFTER UPDATE OF id, name, description, facility_id ON programs_program BEGIN "
    "DELETE FROM programs_program_fts WHERE rowid = OLD.id; "
    "INSERT INTO programs_program_fts (rowid, program_name, facility_name, city, description) "
    "SELECT NEW.id, NEW.name, f.name, f.city, NEW.description "
    "FROM programs_facility f WHERE f.id = NEW.facility_id; END",
    "CREATE TRIGGER programs_program_fts_delete AFTER DELETE ON programs_program BEGIN "
    "DELETE FROM programs_program_fts WHERE rowid = OLD.id; END",
    "CREATE TRIGGER programs_facility_fts_update AFTER UPDATE OF name, city ON programs_facility "
    "WHEN OLD.name IS NOT NEW.name OR OLD.city IS NOT NEW.city BEGIN "
    "UPDATE programs_program_fts SET facility_name = NEW.name, city = NEW.city "
    "WHERE rowid IN (SELECT id FROM programs_program WHERE facility_id = NEW.id); END",
]

DROP = [
    "DROP TRIGGER IF EXISTS programs_facility_fts_update",
    "DROP TRIGGER IF EXISTS programs_program_fts_delete",
    "DROP TRIGGER IF EXISTS programs_program_fts_update",
    "DROP TRIGGER IF EXISTS programs_program_fts_insert",
    "DROP TABLE IF EXISTS programs_program_fts",
]


def create_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0007_listings_version"),
    ]

    operations = [
        migrations.RunPython(create_on_sqlite, drop_on_sqlite),
        # The ORM's view of the index (not managed: the statements above create it).
        migrations.CreateModel(
            name="ProgramText",
            fields=[
                (
                    "program",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="text_index",
                        serialize=False,
                        to="programs.program",
                    ),
                ),
            ],
            options={"db_table": "programs_program_fts", "managed": False},
        ),
    ]
