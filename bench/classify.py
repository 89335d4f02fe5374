"""Classification and card-verification benchmark (issue 6).

    uv run python bench/classify.py                          # 1,000,000 talents on SQLite and PostgreSQL
    uv run python bench/classify.py --talents 100000 --backend sqlite --http-seconds 10

1. Classify: every registry talent evaluated under each seed city's catalogue (2024版: 5 tiers, 8 clauses with
   any-of/all-of/except), timed end to end (`classify_version`: INSERT … SELECT with one CASE, counts, the diff
   against the previous run, pruning), first run and a second run that diffs against the first. It runs in a child
   process so its peak memory is its own. The peer is what a Django team would write first: a Python loop over ORM
   rows evaluating the same rules (rules.evaluate) and bulk-inserting results — run on a sample, compared in rows/s.
2. Verify: gunicorn (2 sync workers, the production server) serving the platform; locust (HttpUser, headless,
   on loopback) drives GET /api/certification/verify/<token> — signature check, card lookup, rate limiter, audit
   entry — and, with the same server and settings, a bare Django view. Figures: requests/s and the ratio.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.gettempdir()) / "rencai-bench"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings.local")
    import django

    django.setup()


# ---------------------------------------------------------------- child entry points (fresh process each)

def child_load(talents: int) -> dict:
    _setup_django()
    from rencai.certification import demo as cert_demo
    from rencai.orgs import demo as org_demo
    from rencai.orgs.models import OrgUnit
    from rencai.talents import demo as talent_demo
    from rencai.talents import services as talent_services

    org_demo.load()
    started = time.perf_counter()
    source = WORKDIR / f"talents-{talents}.csv"
    if source.exists():
        talent_services.talent_import_file(actor=None, path=str(source))
    else:
        talent_demo.load(talents=talents)
    loaded = time.perf_counter() - started
    for city in OrgUnit.objects.filter(parent__isnull=True):
        cert_demo._catalogue(city)
    from rencai.talents.models import Talent

    return {"talents": Talent.objects.count(), "load_seconds": loaded}


def child_classify() -> dict:
    _setup_django()
    from rencai.certification import services

    started = time.perf_counter()
    runs = services.classify_all(actor=None)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "evaluated": sum(r.evaluated for r in runs), "peak_mb": _peak_mb(),
            "matched": sum(sum(r.counts.values()) for r in runs),
            "changed": sum(r.changes.get("changed", 0) for r in runs)}


def child_naive(sample: int) -> dict:
    """The peer: a Python loop over ORM rows, same rules, results bulk-inserted."""
    _setup_django()
    from django.db import transaction

    from rencai.certification import classify, rules
    from rencai.certification.models import CatalogueVersion, ClassificationResult, ClassificationRun
    from rencai.core.scope import Scope
    from rencai.talents.models import Talent

    version = CatalogueVersion.objects.filter(status="published").select_related("catalogue__city").first()
    ordered = classify.ordered_rules(version)
    from django.utils import timezone

    today = timezone.localdate()
    started = time.perf_counter()
    with transaction.atomic():
        run = ClassificationRun.objects.create(version=version, started_at=timezone.now(), preview=True)
        batch, seen = [], 0
        qs = Talent.objects.within(Scope(unit_paths=(version.catalogue.city.path,))).order_by("pk")[:sample]
        for talent in qs.iterator(chunk_size=2000):
            seen += 1
            facts = rules.facts_of(talent)
            for rule in ordered:
                if rules.evaluate(rule.criteria, facts, today=today)[0]:
                    batch.append(ClassificationResult(run=run, talent_id=talent.pk, rule_id=rule.pk))
                    break
            if len(batch) >= 5000:
                ClassificationResult.objects.bulk_create(batch)
                batch = []
        ClassificationResult.objects.bulk_create(batch)
        transaction.set_rollback(True)
    seconds = time.perf_counter() - started
    return {"rows": seen, "seconds": seconds, "rows_per_s": seen / seconds, "peak_mb": _peak_mb()}


def child_card() -> dict:
    """One certified talent with a card; returns its QR token."""
    _setup_django()
    from rencai.certification import demo as cert_demo
    from rencai.certification import services
    from rencai.certification.models import CatalogueVersion, ClassificationResult, ClassificationRun

    version = CatalogueVersion.objects.filter(status="published").first()
    run = ClassificationRun.objects.filter(version=version, preview=False).order_by("-pk").first()
    if not ClassificationResult.objects.filter(run=run).exists():
        raise SystemExit("no classified talent to certify")
    cert_demo.LEGACY_PER_CITY = 1
    cert_demo._legacy_certifications(version, run)
    from rencai.certification.models import Card

    return {"token": services.card_token(Card.objects.order_by("-pk").first())}


# ---------------------------------------------------------------- orchestration

def _run_child(env: dict, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _locust(host: str, path: str, seconds: int, users: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "stats"
        subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "bench/classify_server/locustfile.py"),
                        "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", host,
                        "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
                       cwd=ROOT, env={**os.environ, "BENCH_PATH": path}, check=False, capture_output=True)
        with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
            row = next(r for r in csv.DictReader(fh) if r["Name"] == "Aggregated")
    def number(key):
        try:
            return float(row[key])
        except ValueError:  # "N/A" when nothing completed
            return 0.0

    return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
            "rps": number("Requests/s"), "p50_ms": number("50%"), "p95_ms": number("95%")}


def http_bench(env: dict, token: str, seconds: int, users: int, rounds: int = 3) -> dict:
    port = _free_port()
    server_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.classify_server.settings", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "rencai.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning"], cwd=ROOT, env=server_env, start_new_session=True)
    try:
        host = f"http://127.0.0.1:{port}"
        import urllib.request

        for _ in range(300):  # until a worker has booted Django and answers
            try:
                with urllib.request.urlopen(f"{host}/bench/bare/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        _locust(host, "/bench/bare/", 3, users)  # warm-up
        runs: dict[str, list[dict]] = {"bare": [], "verify": [], "verify_api": []}
        paths = {"bare": "/bench/bare/", "verify": f"/verify/{token}",
                 "verify_api": f"/api/certification/verify/{token}"}
        for _ in range(rounds):  # interleaved rounds; the median round of each is reported
            for name, path in paths.items():
                runs[name].append(_locust(host, path, seconds, users))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    def median(name):
        ordered = sorted(runs[name], key=lambda r: r["rps"])
        return {**ordered[len(ordered) // 2], "all_rps": [round(r["rps"]) for r in runs[name]]}

    bare, verify, verify_api = median("bare"), median("verify"), median("verify_api")
    return {"bare": bare, "verify": verify, "verify_api": verify_api,
            "ratio": verify["rps"] / bare["rps"] if bare["rps"] else None,
            "ratio_api": verify_api["rps"] / bare["rps"] if bare["rps"] else None,
            "workers": 2, "users": users, "seconds": seconds, "rounds": rounds}


def bench_backend(backend: str, args) -> dict:
    from bench import _setup

    token = _setup.configure(backend)
    env = {**os.environ}
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        report: dict = {"backend": backend}
        report["load"] = _run_child(env, "_load", str(args.talents))
        print(f"[{backend}] loaded {report['load']}", file=sys.stderr, flush=True)
        report["classify_first"] = _run_child(env, "_classify")
        report["classify_second"] = _run_child(env, "_classify")
        print(f"[{backend}] classify {report['classify_first']} / {report['classify_second']}", file=sys.stderr,
              flush=True)
        report["naive"] = _run_child(env, "_naive", str(args.naive_sample))
        ours = report["classify_second"]["evaluated"] / report["classify_second"]["seconds"]
        report["speedup_vs_orm_loop"] = ours / report["naive"]["rows_per_s"]
        print(f"[{backend}] naive {report['naive']}", file=sys.stderr, flush=True)
        if args.http_seconds:
            card = _run_child(env, "_card")
            report["http"] = http_bench(env, card["token"], args.http_seconds, args.users, args.rounds)
            print(f"[{backend}] http {report['http']}", file=sys.stderr, flush=True)
        return report
    finally:
        _setup.drop(backend, token)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--talents", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--naive-sample", type=int, default=50_000)
    parser.add_argument("--http-seconds", type=int, default=15, help="0 to skip the HTTP benchmark")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved HTTP rounds; the median is reported")
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = [bench_backend(b, args) for b in backends]
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        command, rest = sys.argv[1], sys.argv[2:]
        result = {"_load": lambda: child_load(int(rest[0])), "_classify": child_classify,
                  "_naive": lambda: child_naive(int(rest[0])), "_card": child_card}[command]()
        print(json.dumps(result))
    else:
        main()
