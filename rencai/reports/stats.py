"""The statistics snapshot (统计快照): counts by region × year × one dimension, rebuilt from the source tables.

A handful of GROUP BY queries over the registry, certifications, change history and the benefits ledger produce
a few thousand cells; the dashboard and the annual report then read those cells instead of a million talents.
The snapshot records the source signature it was built from, so a read can tell that the registry moved on and
queue a rebuild in the background.
"""

from __future__ import annotations

import time
from collections import defaultdict
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Count, F, Max, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from rencai.core.models import LocalMonth

from .choices import StatKind
from .models import StatCell, StatSnapshot

BATCH = 5000


class YearOf(models.Func):
    """The year of a date column as an integer, computed by the database without a per-row Python callback."""

    output_field = models.IntegerField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(substr({sql}, 1, 4) AS INTEGER)", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(EXTRACT(YEAR FROM {sql}) AS INTEGER)", params


def source_signature() -> dict:
    """Cheap markers of change in the sources (index lookups only): newest talent, newest history entry, newest
    certification, newest ledger entry."""
    from rencai.certification.models import Certification
    from rencai.talents.models import Talent, TalentHistory

    history_at = TalentHistory.objects.aggregate(m=Max("changed_at"))["m"]
    signature = {
        "talent": Talent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "history": history_at.isoformat() if history_at else "",
        "cert": Certification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    }
    ledger = _ledger_model()
    if ledger is not None:
        signature["ledger"] = ledger.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return signature


def _ledger_model():
    try:
        from rencai.benefits.models import LedgerEntry
    except ImportError:
        return None
    return LedgerEntry


def snapshot_current() -> StatSnapshot | None:
    return StatSnapshot.objects.order_by("-built_at", "-pk").first()


def _talent_cells() -> list[StatCell]:
    from rencai.talents.models import Talent

    cells = []
    year = Coalesce(YearOf("introduced_on"), Value(0))
    dims = {
        StatKind.TIER: Coalesce(F("tier"), Value("")),
        StatKind.INDUSTRY: Substr("industry_division", 1, 1),
        StatKind.EDUCATION: F("education"),
        StatKind.TITLE: F("title_level"),
        StatKind.MODE: F("introduction_mode"),
    }
    for kind, dim in dims.items():
        rows = (Talent.objects.order_by().annotate(y=year, d=dim).values("region_id", "y", "d")
                .annotate(n=Count("pk")).values_list("region_id", "y", "d", "n"))
        cells.extend(StatCell(kind=kind, region_id=r, year=y or 0, dim=d or "", value=n) for r, y, d, n in rows)
    return cells


def _certification_cells() -> list[StatCell]:
    from rencai.certification.models import Certification

    cells = []
    rows = (Certification.objects.order_by().annotate(y=YearOf("certified_on")).values("region_id", "y", "tier")
            .annotate(n=Count("pk")).values_list("region_id", "y", "tier", "n"))
    cells.extend(StatCell(kind=StatKind.CERT_NEW, region_id=r, year=y or 0, dim=t, value=n) for r, y, t, n in rows)
    # 退出: revoked, suspended or expired, in the year the status changed (or the certificate ran out)
    exits: dict[tuple, int] = defaultdict(int)
    gone = Certification.objects.order_by().exclude(status=Certification.Status.ACTIVE)
    for r, month, until, t, n in (gone.annotate(m=LocalMonth("status_changed_at"), y=YearOf("valid_until"))
                                  .values("region_id", "m", "y", "tier").annotate(n=Count("pk"))
                                  .values_list("region_id", "m", "y", "tier", "n")):
        exits[(r, int(month[:4]) if month else (until or 0), t)] += n
    cells.extend(StatCell(kind=StatKind.CERT_EXIT, region_id=r, year=y, dim=t, value=n) for (r, y, t), n in exits.items())
    return cells


def _move_cells() -> list[StatCell]:
    """Region changes in the registry's history: out of the old region, into the new one. `dim` names the other
    region, so a move between two districts of the same city cancels out when the city is summed."""
    from rencai.talents.models import TalentHistory

    moves: dict[tuple, int] = defaultdict(int)
    rows = (TalentHistory.objects.order_by().filter(changes__has_key="region_id")
            .annotate(m=LocalMonth("changed_at")).values_list("m", "changes"))
    for month, changes in rows.iterator(chunk_size=2000):
        change = (changes or {}).get("region_id") or {}
        try:
            old, new = int(change.get("old")), int(change.get("new"))
        except (TypeError, ValueError, AttributeError):
            continue
        year = int(month[:4])
        moves[(StatKind.MOVE_OUT, old, year, str(new))] += 1
        moves[(StatKind.MOVE_IN, new, year, str(old))] += 1
    return [StatCell(kind=k, region_id=r, year=y, dim=d, value=n) for (k, r, y, d), n in moves.items()]


def _fund_cells() -> tuple[list[StatCell], bool]:
    from .metrics import MetricUnavailable, benefits_selectors

    try:
        selectors = benefits_selectors()
        rows = selectors.fund_summary() if hasattr(selectors, "fund_summary") else None
    except MetricUnavailable:
        return [], False
    if rows is None:
        return [], False
    wan = Decimal(10_000)  # the ledger keeps 元; the dashboard and report show 万元
    cells = [StatCell(kind=StatKind.FUND, region_id=row["region_id"], year=row.get("year") or 0,
                      dim=str(row.get("name") or row.get("fund_id"))[:60],
                      value=(Decimal(row.get("paid") or 0) / wan).quantize(Decimal("0.01")),
                      budget=(Decimal(row.get("budget") or 0) / wan).quantize(Decimal("0.01")))
             for row in rows if row.get("region_id")]
    return cells, True


def snapshot_build(*, progress=None) -> StatSnapshot:
    """Rebuild every cell from the sources in one transaction (readers see the old snapshot until it commits)."""
    started = time.perf_counter()
    signature = source_signature()
    step = progress or (lambda *_: None)
    step(10, "统计人才信息库")
    cells = _talent_cells()
    step(50, "统计人才认定")
    cells += _certification_cells()
    step(60, "统计人才流动")
    cells += _move_cells()
    step(70, "统计资金兑付")
    fund_cells, funds_available = _fund_cells()
    cells += fund_cells
    talent_count = int(sum(c.value for c in cells if c.kind == StatKind.TIER))
    step(80, "写入统计快照")
    with transaction.atomic():
        StatCell.objects.all().delete()
        StatCell.objects.bulk_create(cells, batch_size=BATCH)
        StatSnapshot.objects.all().delete()
        snapshot = StatSnapshot.objects.create(built_at=timezone.now(), signature=signature, talent_count=talent_count,
                                               funds_available=funds_available,
                                               duration_ms=int((time.perf_counter() - started) * 1000))
    return snapshot
