"""Reports at scale (issue 7): 1,000,000 talents and 1,000,000 ledger entries.

Times, on SQLite and PostgreSQL: the statistics snapshot rebuild, the leaders' dashboard (selector and whole page,
p50/p95 over repeated requests by several roles and filters) beside the peer a Django team writes first (the same
aggregates as GROUP BY queries straight on the source tables, per request), the full annual report (statistics
report + white paper as HTML and PDF, tables as Excel) for the whole platform and for one city, and open data
(publish with small-cell suppression across all tables, then export every dataset as CSV and JSON).

    uv run python bench/reports.py [--backend sqlite|postgres|both] [--talents 1000000] [--ledger 1000000]

Talents come from `rencai demo --talents N` (the real importer); certifications (about one in five talents with a
tier) and the benefits ledger (funds per district and year, one paid claim per ledger entry) are bulk-inserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from _setup import ROOT, analyze, configure, drop, migrate, percentile, timer

YEAR = 2025


def configure_backend(backend: str) -> str:
    if backend == "sqlite":
        return configure("sqlite")
    os.environ["DJANGO_SETTINGS_MODULE"] = "rencai.settings.local"
    os.environ.setdefault("RENCAI_LOG_LEVEL", "WARNING")
    name = f"rencai_bench_reports_{uuid.uuid4().hex[:8]}"
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    return name


def load_certifications(rng: random.Random) -> int:
    from django.db import transaction
    from django.utils import timezone

    from rencai.certification.models import Catalogue, CatalogueVersion, Certification
    from rencai.orgs.models import OrgUnit
    from rencai.talents.models import Talent

    cities = {u.pk: u for u in OrgUnit.objects.filter(kind__in=["city", "new_area"], parent__isnull=True)}
    versions = {}
    for pk, city in cities.items():
        catalogue, _ = Catalogue.objects.get_or_create(city=city, defaults={"name": f"{city.name}人才分类目录"})
        versions[pk], _ = CatalogueVersion.objects.get_or_create(catalogue=catalogue, label="基准版",
                                                                 defaults={"status": "published"})
    city_of = {pk: int(path.strip("/").split("/")[0]) for pk, path in OrgUnit.objects.values_list("pk", "path")}
    batch, n = [], 0
    now = timezone.now()
    with transaction.atomic():
        for pk, region_id, tier in (Talent.objects.exclude(tier__isnull=True).exclude(tier="")
                                    .values_list("pk", "region_id", "tier").iterator(chunk_size=20000)):
            if rng.random() > 0.3:
                continue
            certified = date(2016, 1, 1) + timedelta(days=rng.randrange(3600))
            roll = rng.random()
            status = "active" if roll < 0.85 else "revoked" if roll < 0.9 else "expired" if roll < 0.95 else "suspended"
            changed = (timezone.make_aware(datetime.combine(certified + timedelta(days=rng.randrange(30, 700)),
                                                            datetime.min.time())) if status != "active" else None)
            n += 1
            batch.append(Certification(talent_id=pk, region_id=region_id, version=versions[city_of[region_id]], tier=tier,
                                       tier_name=f"{tier}类", basis="基准数据", certificate_no=f"B{n:09d}",
                                       certified_on=certified, valid_until=certified + timedelta(days=1826), status=status,
                                       status_changed_at=changed))
            if len(batch) >= 10000:
                Certification.objects.bulk_create(batch)
                batch = []
        Certification.objects.bulk_create(batch)
    del now
    return n


def load_ledger(rng: random.Random, entries: int) -> int:
    """Funds per district and year 2019–2026, one paid claim and one payout entry per ledger row."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from rencai.benefits.models import BenefitType, Claim, Fund, LedgerEntry
    from rencai.talents.models import Talent

    talents = list(Talent.objects.values_list("pk", "region_id", "region__path"))
    cities = {}
    plan = []
    sums: dict[tuple, Decimal] = {}
    for i in range(entries):
        talent_id, region_id, path = talents[rng.randrange(len(talents))]
        year = rng.randint(2019, 2026)
        amount = Decimal(rng.choice([5000, 10000, 20000, 30000, 50000, 100000]))
        plan.append((talent_id, region_id, int(path.strip("/").split("/")[0]), year, amount))
        sums[(region_id, year)] = sums.get((region_id, year), Decimal(0)) + amount
    with transaction.atomic():
        from rencai.orgs.models import OrgUnit

        for city_id in {p[2] for p in plan}:
            cities[city_id] = BenefitType.objects.create(
                city=OrgUnit.objects.get(pk=city_id), code="ANJIA", name="安家补贴", kind="amount", amount=Decimal(100000),
                tiers=["A", "B", "C", "D", "E"], version_label="基准版", status="published")
        names = dict(OrgUnit.objects.values_list("pk", "name"))
        funds = {}
        for (region_id, year), total in sums.items():
            budget = (total * Decimal("1.25")).quantize(Decimal(1))
            funds[(region_id, year)] = Fund.objects.create(name=f"{names[region_id]}{year}年人才发展专项资金", year=year,
                                                           region_id=region_id, budget=budget, balance=budget - total)
        running = {k: f.budget for k, f in funds.items()}
        now = timezone.now()
        for start in range(0, entries, 10000):
            chunk = plan[start:start + 10000]
            claims = [Claim(talent_id=t, benefit_type=cities[c], benefit_key=f"bench-{start + k}", region_id=r,
                            fund=funds[(r, y)], tier=rng.choice("ABCDE"), period="once", year=y, amount=a,
                            idempotency_key=f"bench-claim-{start + k}", status="paid",
                            submitted_at=now, decided_at=now, paid_at=now)
                      for k, (t, r, c, y, a) in enumerate(chunk)]
            Claim.objects.bulk_create(claims)
            rows = []
            for k, (claim, (t, r, c, y, a)) in enumerate(zip(claims, chunk, strict=True)):
                running[(r, y)] -= a
                rows.append(LedgerEntry(fund=funds[(r, y)], claim=claim, kind="payout", amount=a, generation=0,
                                        balance_after=running[(r, y)], idempotency_key=f"bench-entry-{start + k}",
                                        created_at=timezone.make_aware(datetime(y, 1, 1) + timedelta(days=rng.randrange(360)))))
            LedgerEntry.objects.bulk_create(rows)
    return entries


def naive_dashboard(region_ids, year):
    """The peer: the same aggregates grouped straight from the source tables on every request."""
    from django.db.models import Count, Q, Sum
    from django.db.models.functions import ExtractYear

    from rencai.certification.models import Certification
    from rencai.talents.models import Talent

    talents = Talent.objects.filter(introduced_on__year__lte=year) | Talent.objects.filter(introduced_on__isnull=True)
    if region_ids is not None:
        talents = talents.filter(region_id__in=region_ids)
    out = {
        "tier": list(talents.order_by().values("tier").annotate(n=Count("pk"))),
        "industry": list(talents.order_by().values("industry_division").annotate(n=Count("pk"))),
        "region": list(talents.order_by().values("region_id").annotate(n=Count("pk"))),
        "flows": list(Talent.objects.filter(introduced_on__year__gte=year - 9, introduced_on__year__lte=year,
                                            **({"region_id__in": region_ids} if region_ids is not None else {}))
                      .order_by().annotate(y=ExtractYear("introduced_on")).values("y").annotate(n=Count("pk"))),
        "certs": list(Certification.objects.filter(Q(region_id__in=region_ids) if region_ids is not None else Q())
                      .order_by().annotate(y=ExtractYear("certified_on")).values("y", "status").annotate(n=Count("pk"))),
    }
    try:
        from rencai.benefits import selectors

        out["funds"] = selectors.fund_summary(region_ids=region_ids)
        out["paid"] = selectors.paid_total(region_ids=region_ids, year=year)
    except ImportError:
        pass
    _ = Sum
    return out


def run(backend: str, n_talents: int, n_ledger: int, reps: int) -> dict:
    token = configure_backend(backend)
    results: dict = {"backend": backend}
    out = Path(tempfile.mkdtemp(prefix="rencai-bench-report-"))
    try:
        migrate()
        from django.core.cache import cache
        from django.test import Client

        from rencai.accounts.models import User
        from rencai.orgs import demo as org_demo
        from rencai.orgs.models import OrgUnit
        from rencai.reports import opendata, selectors, services
        from rencai.talents import demo as talent_demo

        org_demo.load()
        rng = random.Random(11)
        with timer("load_talents_s", results):
            talent_demo.load(talents=n_talents)
        with timer("load_certifications_s", results):
            results["certifications"] = load_certifications(rng)
        try:
            with timer("load_ledger_s", results):
                results["ledger_entries"] = load_ledger(rng, n_ledger)
        except ImportError:
            results["ledger_entries"] = 0
            results["ledger_note"] = "rencai.benefits.models 不存在:未生成资金台账"
        if backend == "postgres":
            analyze()
        from rencai.talents.models import Talent

        results["talents"] = Talent.objects.count()
        with timer("snapshot_rebuild_s", results):
            snapshot = services.stats_refresh(actor=None)
        from rencai.reports.models import StatCell

        results["snapshot_cells"] = StatCell.objects.count()
        results["funds_available"] = snapshot.funds_available

        zz, cd = OrgUnit.objects.get(code="ZZ"), OrgUnit.objects.get(code="CD")
        hetang = OrgUnit.objects.get(code="ZZ-D01")
        cases = [("admin", {}), ("admin", {"year": YEAR - 3}), ("cd_rcb", {"city": cd.pk}),
                 ("zz_leader", {"city": zz.pk}), ("zz_leader", {"district": hetang.pk}), ("zz_hetang", {})]
        selector_ms, page_ms = [], []
        clients = {}
        for username, _ in cases:
            if username not in clients:
                clients[username] = Client(HTTP_HOST="127.0.0.1")
                clients[username].force_login(User.objects.get(username=username))
        for _ in range(reps):
            for username, filters in cases:
                cache.clear()  # each request also pays for the staleness check of the snapshot
                actor = User.objects.get(username=username)  # fresh: no cached scope
                start = time.perf_counter()
                selectors.dashboard(actor=actor, year=filters.get("year", YEAR), city=filters.get("city"),
                                    district=filters.get("district"))
                selector_ms.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                response = clients[username].get("/reports/", {"year": filters.get("year", YEAR), **filters})
                assert response.status_code == 200, response.status_code
                page_ms.append((time.perf_counter() - start) * 1000)
        results["dashboard_selector_p50_ms"] = statistics.median(selector_ms)
        results["dashboard_selector_p95_ms"] = percentile(selector_ms, 95)
        results["dashboard_page_p50_ms"] = statistics.median(page_ms)
        results["dashboard_page_p95_ms"] = percentile(page_ms, 95)
        results["dashboard_requests"] = len(page_ms)
        naive = []
        for region_ids in (None, selectors.region_ids_for(actor=None, unit=cd), selectors.region_ids_for(actor=None, unit=hetang)):
            start = time.perf_counter()
            naive_dashboard(region_ids, YEAR)
            naive.append((time.perf_counter() - start) * 1000)
        results["naive_dashboard_ms"] = {"platform": naive[0], "city_cd": naive[1], "district": naive[2]}

        with timer("annual_platform_s", results):
            files = services.annual_report_build(actor=None, year=YEAR, unit=None, formats="html,pdf,xlsx", out_dir=out)
        results["annual_files_kb"] = {k: round((out / v).stat().st_size / 1024) for k, v in files.items()}
        with timer("annual_city_s", results):
            services.annual_report_build(actor=None, year=YEAR, unit=cd, formats="html,pdf,xlsx", out_dir=out / "cd")
        # a report right after new data: snapshot rebuild + report
        talent_demo.load(talents=n_talents + 10)
        with timer("annual_platform_with_rebuild_s", results):
            services.annual_report_build(actor=None, year=YEAR, unit=None, formats="html,pdf,xlsx", out_dir=out / "re")

        od = {}
        with timer("open_data_publish_all_cities_s", results):
            for code in ("ZZ", "CD", "GY", "QD", "HLGE"):
                start = time.perf_counter()
                release = services.open_data_publish(actor=None, region=OrgUnit.objects.get(code=code))
                od[code] = {"s": round(time.perf_counter() - start, 2), "hidden": release.suppressed_cells,
                            "cells": sum(len(t["rows"]) for t in release.tables.values())}
        results["open_data_publish"] = od
        with timer("open_data_export_s", results):
            from rencai.reports.models import OpenDataRelease

            for release in OpenDataRelease.objects.all():
                for code, table in release.tables.items():
                    (out / f"{release.pk}-{code}.csv").write_bytes(opendata.to_csv(table))
                    (out / f"{release.pk}-{code}.json").write_bytes(opendata.to_json(table, meta={"dataset": code}))
    finally:
        drop(backend, token)
        shutil.rmtree(out, ignore_errors=True)
        if backend == "sqlite":
            shutil.rmtree(token, ignore_errors=True)  # the temporary SQLite folder (about 2 GB at 1M rows)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="both", choices=["sqlite", "postgres", "both"])
    parser.add_argument("--talents", type=int, default=1_000_000)
    parser.add_argument("--ledger", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(run(args.backend, args.talents, args.ledger, args.reps), ensure_ascii=False))
        return
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:  # one process per backend: Django is configured once per process
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, "--child", "--backend", backend, "--talents", str(args.talents),
                               "--ledger", str(args.ledger), "--reps", str(args.reps)], cwd=ROOT, capture_output=True,
                              text=True, check=False)
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(proc.stdout[-3000:], proc.stderr[-5000:], file=sys.stderr)
            sys.exit(1)
        result = json.loads(line[7:])
        result["wall_s"] = round(time.perf_counter() - started, 1)
        print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
