"""Back up and restore the whole database, with the database's own tools.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --single-transaction`` (the
client tools of the server's major version or newer: Debian's ``postgresql-client``). The
connection comes from Django's settings and the password is passed in the environment, never
on a command line. SQLite: the ``sqlite3`` module's online backup API, which copies a
consistent snapshot page by page even while the site is writing, in both directions.

A backup holds everything in the database: listings, their history, users and sessions.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


def _pg_env(settings_dict: dict) -> dict:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    env["PGDATABASE"] = settings_dict["NAME"]
    return env


def _run(tool: str, args: list[str], settings_dict: dict) -> None:
    if not shutil.which(tool):
        raise BackupError(
            f"{tool} is not installed (Debian: apt-get install postgresql-client, of the "
            "server's major version or newer)."
        )
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments built here
        [tool, *args], env=_pg_env(settings_dict), capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.returncode}")


def backup(path: str | Path, using: str = "default") -> Path:
    """Write a backup of the database to ``path`` (replaced if it exists)."""
    path = Path(path)
    connection = connections[using]
    if connection.vendor == "postgresql":
        _run(
            "pg_dump", ["--format=custom", "--no-owner", f"--file={path}"], connection.settings_dict
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        scratch = path.with_name(path.name + ".partial")
        target = sqlite3.connect(scratch)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        scratch.replace(path)  # a cut backup never sits under the backup's name
    else:
        raise BackupError(f"no backup for {connection.vendor}")
    return path


def restore(path: str | Path, using: str = "default") -> None:
    """Replace the database's contents with the backup at ``path``."""
    path = Path(path)
    connection = connections[using]
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if connection.vendor == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{path} is not a PostgreSQL backup made by the backup command")
        # The restore drops and recreates the tables: Django's own connection must not hold
        # locks on them meanwhile.
        connection.close()
        _run(
            "pg_restore",
            [
                "--clean", "--if-exists", "--no-owner", "--single-transaction",
                "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}", str(path),
            ],
            connection.settings_dict,
        )  # fmt: skip
    elif connection.vendor == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{path} is not an SQLite backup made by the backup command")
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        raise BackupError(f"no restore for {connection.vendor}")
