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


def _postgres(server_url: str, create: bool) -> str:
    """Create (or drop) the scratch database on that server; returns its URL."""
    config = dj_database_url.parse(server_url)
    with psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE_NAME}" WITH (FORCE)')
        if create:
            server.execute(f'CREATE DATABASE "{BENCH_DATABASE_NAME}"')
    user = config["USER"] or ""
    auth = f"{user}:{config['PASSWORD']}@" if config["PASSWORD"] else (f"{user}@" if user else "")
    return f"postgres://{auth}{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/" + (
        BENCH_DATABASE_NAME
    )


@contextlib.contextmanager
def scratch_database(engine: str, folder: str, label: str = "bench"):
    """The URL of an empty database for one run, removed afterwards (the SQLite file goes
    with the temporary ``folder``)."""
    if engine == "sqlite":
        yield f"sqlite:///{folder}/{label}.sqlite3"
        return
    server = postgres_server_url()
    url = _postgres(server, create=True)
    try:
        yield url
    finally:
        _postgres(server, create=False)
