"""A stamp that changes whenever anything a public page shows changes.

``ListingsVersion`` is a single row whose ``token`` is rewritten, with a fresh random value, by
database triggers on every table of this app: any insert, update or delete (and truncate, on
PostgreSQL), whether it comes from the admin, an import, a bulk load, a raw SQL statement or a
migration. The stamp changes in the same transaction as the data, so a page rendered from the
data and stored under the stamp read just before it can never be served after that data
changed (``programs.pagecache``). A random token rather than a counter: a rolled-back change
restores the old token together with the old data, and a counter would hand out the same
number again for different data.

Triggers are installed by migrations with ``install_triggers()``; a migration that adds a table
to this app must call it for the new table (a test checks that every table has them).
"""

from django.db import connection, models

from .constraints import ConstraintsNextToFields

TABLE = "programs_listingsversion"
SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")
_PG_FUNCTION = "programs_listings_changed"


class ListingsVersion(ConstraintsNextToFields):
    token = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1),
                name="listings_version_one_row",
                violation_error_message="The listings stamp has one row only (id 1).",
            )
        ]

    def __str__(self) -> str:
        return self.token


def current_token() -> str | None:
    """The stamp, or None when there is none yet (nothing changed since the table was emptied)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def _trigger_name(table: str, event: str = "") -> str:
    return f"listings_changed_{table}" + (f"_{event.lower()}" if event else "")


def install_triggers(schema_editor, tables) -> None:
    quote = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger AS $$ BEGIN "
            f"INSERT INTO {TABLE} (id, token) "
            "VALUES (1, md5(random()::text || clock_timestamp()::text)) "
            "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token; "
            "RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {quote(_trigger_name(table))} "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()"
            )
    elif schema_editor.connection.vendor == "sqlite":
        for table in tables:
            for event in SQLITE_EVENTS:
                schema_editor.execute(
                    f"CREATE TRIGGER {quote(_trigger_name(table, event))} "
                    f"AFTER {event} ON {quote(table)} BEGIN "
                    f"INSERT INTO {TABLE} (id, token) VALUES (1, lower(hex(randomblob(16)))) "
                    "ON CONFLICT (id) DO UPDATE SET token = excluded.token; END"
                )
    else:
        raise NotImplementedError(f"No change triggers for {schema_editor.connection.vendor}.")


def remove_triggers(schema_editor, tables) -> None:
    quote = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        for table in tables:
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {quote(_trigger_name(table))} ON {quote(table)}"
            )
    else:
        for table in tables:
            for event in SQLITE_EVENTS:
                schema_editor.execute(
                    f"DROP TRIGGER IF EXISTS {quote(_trigger_name(table, event))}"
                )


def tables_with_triggers() -> set[str]:
    """The tables that carry the triggers, read from the database's catalogue."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE 'listings_changed_%%'"
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT tbl_name, count(*) FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE 'listings_changed_%' GROUP BY tbl_name"
        )
        return {table for table, count in cursor.fetchall() if count == len(SQLITE_EVENTS)}
