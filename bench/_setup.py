"""Shared set-up for benchmark scripts: a throw-away database (SQLite file or PostgreSQL) with the schema."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(backend: str) -> str:
    """Point Django at a fresh database for `backend` ("sqlite" or "postgres"); returns a cleanup token."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "rencai.settings.local"
    os.environ.setdefault("RENCAI_LOG_LEVEL", "WARNING")
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="rencai-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        return folder
    name = f"rencai_bench_{uuid.uuid4().hex[:8]}"
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    return name


def drop(backend: str, token: str) -> None:
    if backend == "postgres":
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {token} WITH (FORCE)")


def migrate() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


@contextmanager
def timer(label: str, results: dict):
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def analyze() -> None:
    """Refresh planner statistics after a bulk load, as autovacuum / a nightly ANALYZE does in production."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
