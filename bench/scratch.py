"""Scratch databases for the benchmark: an SQLite file in a temporary folder, or a database on a
PostgreSQL server that is created for one run and dropped after it."""

import contextlib
import os
import socket
import sqlite3

import dj_database_url
import psycopg
from django.db import connection

BENCH_DATABASE_NAME = os.environ.get("BENCH_DATABASE_NAME", "iop_bench")
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def database_version() -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def postgres_server_url() -> str | None:
    """The PostgreSQL server to use, or None when there is none to reach."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if url.startswith(("postgres://", "postgresql://")):
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return DEFAULT_POSTGRES_URL
    except OSError:
        return None


def _postgres(
    server_url: str, create: bool, name: str = BENCH_DATABASE_NAME, keep: bool = False
) -> str:
    """Create (or drop) the scratch database ``name`` on that server; returns its URL.
    Created afresh, unless ``keep``: then one made by an earlier run is kept as it is (a
    run with ``--reuse`` measures its data again)."""
    config = dj_database_url.parse(server_url)
    with psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and not keep:
            server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if create and not (exists and keep):
            server.execute(f'CREATE DATABASE "{name}"')
    user = config["USER"] or ""
    auth = f"{user}:{config['PASSWORD']}@" if config["PASSWORD"] else (f"{user}@" if user else "")
    return f"postgres://{auth}{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{name}"


@contextlib.contextmanager
def scratch_database(engine: str, folder: str, label: str = "bench", keep: bool = False):
    """The URL of a scratch database for one run, removed afterwards unless ``keep`` (the
    SQLite file goes with ``folder``). A kept PostgreSQL database is named after ``label``
    (one per size); otherwise the one scratch name serves every size in turn."""
    if engine == "sqlite":
        yield f"sqlite:///{folder}/{label}.sqlite3"
        return
    server = postgres_server_url()
    name = f"{BENCH_DATABASE_NAME}_{label.replace('-', '_')}" if keep else BENCH_DATABASE_NAME
    url = _postgres(server, create=True, name=name, keep=keep)
    try:
        yield url
    finally:
        if not keep:
            _postgres(server, create=False, name=name)
