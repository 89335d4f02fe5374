"""kill -9 in the middle of a large import leaves the database exactly as it was (one transaction)."""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ROWS = 60_000  # large enough for the two-process pipeline and for the deferred-index path


def _backends():
    yield pytest.param("sqlite", id="sqlite")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        yield pytest.param("postgresql", id="postgresql")


def _python(env, code_or_args, **kwargs):
    args = [sys.executable, *code_or_args] if isinstance(code_or_args, list) else [sys.executable, "-c", code_or_args]
    return subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=600, **kwargs)


SETUP = """
import django, os
django.setup()
from rencai.orgs import demo as orgs_demo
from rencai.talents import demo
orgs_demo.load()
demo.load(talents=300)
"""
COUNT = """
import django
django.setup()
from django.db import connection
from rencai.talents.models import Talent
with connection.cursor() as c:
    if connection.vendor == "sqlite":
        c.execute("PRAGMA integrity_check"); print(c.fetchone()[0])
        c.execute("SELECT count(*) FROM sqlite_master WHERE type='index' AND tbl_name='talents_talent'")
    else:
        print("ok")
        c.execute("SELECT count(*) FROM pg_indexes WHERE tablename='talents_talent'")
    print(c.fetchone()[0])
print(Talent.objects.count())
"""


@pytest.mark.parametrize("backend", list(_backends()))
def test_kill_9_mid_import_leaves_the_database_unchanged(tmp_path, backend):
    # given: a fresh database with 300 talents, and a file of 60,000 more
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rencai.settings.test"}
    pg_name = None
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    else:
        import psycopg

        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        pg_name = f"rencai_kill_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {pg_name}")
        env["DATABASE_URL"] = f"{base}/{pg_name}"
    try:
        _python(env, ["manage.py", "migrate", "-v0"])
        _python(env, SETUP)
        before = _python(env, COUNT).stdout.split()
        assert before[0] == "ok" and before[2] == "300"
        big = tmp_path / "big.csv"
        _python(env, f"from rencai.talents.demo_data import write_csv; write_csv({str(big)!r}, {ROWS}, start=10_000)")
        # when: the import has written a good part of the file inside its transaction, it is killed
        proc = subprocess.Popen([sys.executable, "manage.py", "talent_import", str(big)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        processed, deadline = 0, time.monotonic() + 300
        while processed < 12_000 and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            m = re.search(r"已处理 ([\d,]+)", line)
            if m:
                processed = int(m.group(1).replace(",", ""))
        assert processed >= 12_000, "the import never got going"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        # then: same rows, same indexes, a sound database
        assert _python(env, COUNT).stdout.split() == before
        # and the same file imports completely afterwards
        _python(env, ["manage.py", "talent_import", str(big), "--no-progress"])
        assert _python(env, COUNT).stdout.split() == [before[0], before[1], str(300 + ROWS)]
    finally:
        if pg_name:
            import psycopg

            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
