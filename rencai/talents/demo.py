"""Demo talents: a generated registry across the seed cities (idempotent: a second run adds nothing).

`rencai demo` tops the registry up to 2,000 talents; `rencai demo --talents N` to N (for benchmarks). The rows go
through the same validation and bulk writer as a clerk's import."""

from __future__ import annotations

import sys

from .demo_data import Generator
from .importers import TalentImporter, sheet_from_dicts
from .models import Talent

DEFAULT_TALENTS = 2000


def load(*, stdout=None, talents=None, **options) -> dict:
    target = DEFAULT_TALENTS if talents is None else int(talents)
    existing = Talent.objects.count()
    missing = max(0, target - existing)
    if missing == 0:
        if stdout is not None:
            stdout.write(f"人才信息库:已有 {existing} 人,未新增。")
        return {"talents": 0}
    show = stdout is not None and missing >= 50_000

    def progress(done, total):
        if show:
            sys.stderr.write(f"\r生成演示人才 {done:,} / {total:,}")
            sys.stderr.flush()

    rows = Generator(seed=2026).rows(missing, start=existing)
    importer = TalentImporter(actor=None, partial=False, progress=progress, source="demo")
    result = importer.run(sheet_from_dicts(rows, total=missing))
    if show:
        sys.stderr.write("\n")
    if not result.committed:  # generated rows are valid by construction; say so loudly if not
        raise RuntimeError("演示人才数据校验失败:" + "; ".join(str(e) for e in result.errors[:5]))
    if stdout is not None:
        stdout.write(f"人才信息库:新增演示人才 {result.created} 人,更新 {result.updated} 人(共 {existing + missing} 人)。")
    return {"talents": result.created}
