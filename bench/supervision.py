"""Supervision at scale: 10,000 tasks, 50,000 reports, 500 units.

Times, on SQLite and PostgreSQL: full status recomputation (ours, set-based) beside the per-task ORM loop a Django
team would write first (on a sample, extrapolated), the dashboard queries (p50/p95 over repeated calls), and the
Excel ledger export of all tasks.

    uv run python bench/supervision.py [--backend sqlite|postgres|both] [--tasks 10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from _setup import analyze, configure, drop, migrate, percentile, timer


def build(n_tasks: int, n_reports: int, n_units: int):
    from django.db import transaction

    from rencai.orgs.models import OrgUnit
    from rencai.orgs.services import _place
    from rencai.policies.models import PolicyDocument
    from rencai.supervision import services
    from rencai.supervision.models import (Milestone, ProgressReport, ReportingPeriod, Task, TaskAssignment,
                                           TaskTarget)

    rng = random.Random(7)
    with transaction.atomic():
        city = OrgUnit.objects.create(code="BENCH", name="基准市", kind="city")
        _place(city)
        city.save()
        units = []
        for i in range(n_units):
            u = OrgUnit.objects.create(code=f"BENCH-{i:04d}", name=f"基准市第{i}局", kind="government", parent=city)
            _place(u)
            u.save()
            units.append(u)
        policies = [PolicyDocument.objects.create(region=city, title=f"政策{p}", sha256=f"{p:064d}", status="published")
                    for p in range(n_tasks // 50)]
        tasks = []
        for i in range(n_tasks):
            start = date(2018, 1, 1)
            tasks.append(Task(policy=policies[i % len(policies)], region=city, number=i % 50 + 1, title=f"任务{i}",
                              body="推进人才工作" * 10, start_date=start, due_date=start + timedelta(days=rng.randint(200, 700)),
                              progress=rng.randint(0, 100), external_id=f"b-{i}"))
        Task.objects.bulk_create(tasks, batch_size=2000)
        tasks = list(Task.objects.filter(region=city).order_by("pk"))
        assignments, milestones, targets = [], [], []
        for t in tasks:
            chosen = rng.sample(units, 3)
            for j, u in enumerate(chosen):
                assignments.append(TaskAssignment(task=t, unit=u, role="lead" if j == 0 else "co", sort_order=j))
            for k in range(2):
                milestones.append(Milestone(task=t, title=f"节点{k}", due_date=date(2018, 3 + 4 * k, 28),
                                            done_on=date(2018, 3, 1) if rng.random() < 0.5 else None))
            if rng.random() < 0.3:
                targets.append(TaskTarget(task=t, text="引进50名", metric="引进人才", value=50, unit="名", period="全年"))
        TaskAssignment.objects.bulk_create(assignments, batch_size=5000)
        Milestone.objects.bulk_create(milestones, batch_size=5000)
        TaskTarget.objects.bulk_create(targets, batch_size=5000)
        periods = {}
        for p in policies:
            periods[p.pk] = [ReportingPeriod.objects.create(policy=p, label=f"2018年第{q}季度", start=date(2018, 3 * q - 2, 1),
                                                            end=date(2018, 3 * q, 28), deadline=date(2018, 3 * q, 28) + timedelta(days=10))
                             for q in range(1, 5)]
        by_task = {}
        for a in assignments:
            by_task.setdefault(a.task_id, []).append(a.unit_id)
        reports, seen = [], set()
        from django.utils import timezone

        now = timezone.now()
        while len(reports) < n_reports:
            t = tasks[rng.randrange(len(tasks))]
            unit_id = rng.choice(by_task[t.pk])
            period = rng.choice(periods[t.policy_id])
            if (t.pk, unit_id, period.pk) in seen:
                continue
            seen.add((t.pk, unit_id, period.pk))
            reports.append(ProgressReport(task=t, unit_id=unit_id, period=period, text="按计划推进", percent=rng.randint(0, 100),
                                          submitted_at=now, is_late=rng.random() < 0.2))
        ProgressReport.objects.bulk_create(reports, batch_size=5000)
    return services, tasks


def naive_recompute(tasks, today):
    """What a first Django version does: for each task, query its milestones, reports and notices."""
    from rencai.supervision import status
    from rencai.supervision.models import ProgressReport, ReportingPeriod, SupervisionNotice, Task

    for t in tasks:
        ms = [status.MilestoneFact(m.title, m.due_date, m.done_on) for m in t.milestones.all()]
        missing = []
        for p in ReportingPeriod.objects.filter(policy_id=t.policy_id, deadline__lt=today):
            for a in t.assignments.all():
                if not ProgressReport.objects.filter(task=t, unit_id=a.unit_id, period=p).exists():
                    missing.append(p.deadline)
        notices = tuple(SupervisionNotice.objects.filter(task=t, responded_at__isnull=True).values_list("response_due", flat=True))
        light = status.compute(status.TaskFacts(t.start_date, t.due_date, t.progress, tuple(ms), tuple(sorted(missing)), False, notices), today)
        Task.objects.filter(pk=t.pk).update(status=light.status, status_rule=light.rule[:300])


def run(backend: str, n_tasks: int) -> dict:
    token = configure(backend)
    try:
        migrate()
        from django.contrib.auth import get_user_model
        from django.test import Client

        from rencai.orgs.models import Membership, OrgUnit
        from rencai.supervision import exporters, selectors

        results: dict[str, float] = {}
        with timer("build data", results):
            services, tasks = build(n_tasks, n_tasks * 5, 500)
        today = date(2018, 9, 1)
        with timer("status recompute (all tasks)", results):
            counts = services.status_recompute(today=today)
        analyze()
        sample = tasks[:200]
        start = time.perf_counter()
        naive_recompute(sample, today)
        results["naive per-task loop (extrapolated to all)"] = (time.perf_counter() - start) * len(tasks) / len(sample)
        user = get_user_model().objects.create(username="bench_office", is_superuser=False)
        Membership.objects.create(user=user, unit=OrgUnit.objects.get(code="BENCH"), role="talent_office")
        user = get_user_model().objects.get(pk=user.pk)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        pages = {"dashboard page": "/supervision/dashboard/", "ledger page (first 50, filtered by status)": "/supervision/tasks/?status=red",
                 "dashboard API": "/api/supervision/dashboard"}
        for label, url in pages.items():
            times = []
            for _ in range(15):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t0)
                assert response.status_code == 200, (url, response.status_code)
            results[f"{label} p50"] = statistics.median(times)
            results[f"{label} p95"] = percentile(times, 95)
        with timer("ledger export, all tasks (xlsx)", results):
            content = exporters.ledger_export(actor=user, tasks=selectors.task_list(actor=user))
        results["export size MB"] = len(content) / 1048576
        results["lights"] = counts
        return results
    finally:
        drop(backend, token)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="both", choices=["sqlite", "postgres", "both"])
    parser.add_argument("--tasks", type=int, default=10_000)
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    import subprocess
    import sys

    if len(backends) > 1:  # one process per backend: Django settings are per process
        for b in backends:
            subprocess.run([sys.executable, __file__, "--backend", b, "--tasks", str(args.tasks)], check=True)
        return
    results = run(backends[0], args.tasks)
    print(f"== supervision bench: {backends[0]}, {args.tasks} tasks, {args.tasks * 5} reports, 500 units ==")
    for key, value in results.items():
        if isinstance(value, float):
            unit = "" if "MB" in key else " s"
            shown = f"{value * 1000:.0f} ms" if (" p5" in key or " p9" in key) else f"{value:.2f}{unit}"
            print(f"{key:50s} {shown}")
        else:
            print(f"{key:50s} {value}")
    naive = results["naive per-task loop (extrapolated to all)"]
    print(f"{'recompute speed-up vs naive loop':50s} {naive / results['status recompute (all tasks)']:.1f}x")


if __name__ == "__main__":
    main()
