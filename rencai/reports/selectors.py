"""Reads of reports: the region filter, the leaders' dashboard (驾驶舱), target progress, annual report figures.

Every read starts from the actor's scope (talents.models.scope_region_ids over core.scope.scope_for) and reads the
statistics snapshot (stats.py), never the million-row source tables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone

from rencai.core.exceptions import NotFound, PermissionDenied
from rencai.core.scope import scope_for

from . import permissions, stats
from .choices import MetricKind, StatKind
from .metrics import definition_describe
from .models import OpenDataRelease, ReportJob, StatCell

TIER_LABELS = {"A": "A类(顶尖人才)", "B": "B类(国家级领军人才)", "C": "C类(省级领军人才)", "D": "D类(市级领军人才)",
               "E": "E类(高级/青年人才)", "": "未分类"}
EDUCATION_LABELS = {"doctorate": "博士研究生", "master": "硕士研究生", "bachelor": "大学本科", "junior_college": "大学专科",
                    "secondary": "中专/高中及以下", "": "未填写"}
TITLE_LABELS = {"senior": "正高级", "sub_senior": "副高级", "intermediate": "中级", "junior": "初级", "ungraded": "未定级",
                "": "未填写"}
MODE_LABELS = {"full_time": "全职引进", "flexible": "柔性引进", "": "未填写"}
TREND_YEARS = 10
STALE_CHECK_SECONDS = 60


def industry_label(section: str) -> str:
    from rencai.talents.constants import INDUSTRY_SECTIONS

    return INDUSTRY_SECTIONS.get(section, "未填写") if section else "未填写"


# --- scope and filters ---------------------------------------------------------------------------------------


def region_units(*, actor):
    """Cities/new areas and districts the actor may filter by, from its scope."""
    from rencai.orgs.choices import REGION_KINDS
    from rencai.orgs.models import OrgUnit

    units = list(OrgUnit.objects.visible_to(actor).filter(kind__in=REGION_KINDS, is_active=True)
                 .order_by("path", "sort_order").values("pk", "code", "name", "short_name", "kind", "parent_id", "path"))
    cities = [u for u in units if u["kind"] in ("city", "new_area")]
    return cities, [u for u in units if u["kind"] == "district"]


def region_ids_for(*, actor, unit=None) -> list[int] | None:
    """Org unit ids counted for `unit` (None: everything the actor sees); None means no restriction at all."""
    from rencai.orgs.models import OrgUnit
    from rencai.talents.models import scope_region_ids

    allowed = scope_region_ids(scope_for(actor)) if actor is not None else None
    if unit is None:
        return allowed
    ids = list(OrgUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    return ids if allowed is None else sorted(set(ids) & set(allowed))


def filter_unit(*, actor, city: int | str | None = None, district: int | str | None = None):
    """The unit a dashboard filter selects (district wins over city), checked against the actor's scope."""
    from rencai.orgs.models import OrgUnit

    pk = district or city
    if not pk:
        return None
    try:
        return OrgUnit.objects.visible_to(actor).get(pk=int(pk))
    except (OrgUnit.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该地区,或您无权查看。") from None


# --- snapshot access -----------------------------------------------------------------------------------------


def snapshot_ensure(*, today: dt.date | None = None):
    """The current snapshot; built inline when there is none, a rebuild queued when the sources moved on."""
    snapshot = stats.snapshot_current()
    if snapshot is None:
        from . import services

        return services.stats_refresh(actor=None)
    if cache.add("reports:stale-check", 1, timeout=STALE_CHECK_SECONDS) and \
            stats.source_signature() != snapshot.signature:
        from . import services

        services.stats_refresh_enqueue()
    return snapshot


class Cells:
    """Sums over snapshot cells for a set of regions (None: all)."""

    def __init__(self, region_ids: list[int] | None):
        self.region_ids = region_ids
        qs = StatCell.objects.all()
        self.qs = qs if region_ids is None else qs.filter(region_id__in=region_ids)

    def of(self, kind, *, year=None, year_max=None, years=None):
        qs = self.qs.filter(kind=kind)
        if year is not None:
            qs = qs.filter(year=year)
        if year_max is not None:
            qs = qs.filter(year__lte=year_max)
        if years is not None:
            qs = qs.filter(year__gte=years[0], year__lte=years[1])
        if kind in (StatKind.MOVE_IN, StatKind.MOVE_OUT) and self.region_ids is not None:
            qs = qs.exclude(dim__in=[str(i) for i in self.region_ids])  # moves inside the area are not flows
        elif kind in (StatKind.MOVE_IN, StatKind.MOVE_OUT):
            qs = qs.none()
        return qs

    def by(self, kind, field: str, **filters) -> dict:
        return {row[field]: row["v"] for row in
                self.of(kind, **filters).order_by().values(field).annotate(v=Sum("value"))}

    def total(self, kind, **filters) -> Decimal:
        return self.of(kind, **filters).aggregate(v=Sum("value"))["v"] or Decimal(0)


def _int(value) -> int:
    return int(value or 0)


def _by_area(cells: Cells, *, unit, **filters) -> list[dict]:
    """Talent stock by the level below the selection: cities for the platform, districts for a city."""
    from rencai.orgs.models import OrgUnit

    per_region = cells.by(StatKind.TIER, "region_id", **filters)
    if not per_region:
        return []
    paths = dict(OrgUnit.objects.filter(pk__in=list(per_region)).values_list("pk", "path"))
    depth = 0 if unit is None else len(unit.path.strip("/").split("/"))
    groups: dict[int, int] = defaultdict(int)
    for region_id, n in per_region.items():
        parts = [int(p) for p in paths.get(region_id, "").strip("/").split("/") if p]
        key = parts[depth] if len(parts) > depth else region_id
        groups[key] += _int(n)
    names = {pk: short or name for pk, short, name in
             OrgUnit.objects.filter(pk__in=list(groups)).values_list("pk", "short_name", "name")}
    return sorted(({"name": names.get(k, str(k)), "n": v} for k, v in groups.items()), key=lambda r: -r["n"])


def _funds(cells: Cells, *, available: bool, years: tuple[int, int]) -> dict:
    if not available:
        return {"available": False, "message": "资金数据暂无", "rows": []}
    rows = (cells.of(StatKind.FUND, years=years).order_by().values("year")
            .annotate(paid=Sum("value"), budget=Sum("budget")).order_by("year"))
    return {"available": True, "message": "", "rows": [{"year": r["year"], "paid": float(r["paid"] or 0),
                                                        "budget": float(r["budget"] or 0)} for r in rows]}


def _tasks_in(actor, unit):
    from rencai.supervision.choices import TaskState
    from rencai.supervision.models import Task

    # actor None is the platform itself (`rencai report annual`): every task
    tasks = (Task.objects.all() if actor is None else Task.objects.visible_to(actor)).filter(state=TaskState.ACTIVE)
    if unit is not None:
        tasks = tasks.filter(region__path__startswith=unit.path)
    return tasks


def target_rows(*, actor, unit=None, limit: int | None = 40) -> list[dict]:
    """Quantitative targets in scope: target value, actual (computed from the bound metric, else 报送数), ratio."""
    from rencai.supervision.models import TaskTarget

    tasks = _tasks_in(actor, unit)
    qs = (TaskTarget.objects.filter(task__in=tasks).select_related("task", "task__region", "metric_binding")
          .order_by("task__policy_id", "task__number", "sort_order"))
    if limit:
        qs = qs[:limit]
    rows = []
    for target in qs:
        binding = getattr(target, "metric_binding", None)
        if binding is not None and binding.value is not None and not binding.error:
            actual, source, trend = binding.value, "computed", binding.trend
        else:
            actual, source, trend = target.reached, "reported", []
        ratio = float(actual / target.value * 100) if actual is not None and target.value else None
        rows.append({
            "id": target.pk, "task_id": target.task_id, "task": f"{target.task.number}. {target.task.title}",
            "metric": target.metric, "text": target.text, "unit": target.unit, "target": float(target.value),
            "actual": float(actual) if actual is not None else None, "ratio": round(ratio, 1) if ratio is not None else None,
            "source": source, "source_label": "计算" if source == "computed" else "报送数",
            "definition": definition_describe(binding.definition) if binding else "",
            "error": binding.error if binding else "", "computed_at": binding.computed_at if binding else None,
            "trend": trend, "region": target.task.region.display_name,
        })
    return rows


def dashboard(*, actor, city=None, district=None, year: int | None = None, today: dt.date | None = None) -> dict:
    """Everything the leaders' dashboard shows, from about fifteen small queries on the snapshot."""
    if not permissions.can_view_dashboard(actor):
        raise PermissionDenied("您没有查看领导驾驶舱的权限。")
    today = today or timezone.localdate()
    year = int(year or today.year)
    snapshot = snapshot_ensure(today=today)
    unit = filter_unit(actor=actor, city=city, district=district)
    cells = Cells(region_ids_for(actor=actor, unit=unit))
    first = year - TREND_YEARS + 1
    by_tier = cells.by(StatKind.TIER, "dim", year_max=year)
    by_industry = cells.by(StatKind.INDUSTRY, "dim", year_max=year)
    introduced = cells.by(StatKind.TIER, "year", years=(first, year))
    cert_new = cells.by(StatKind.CERT_NEW, "year", years=(first, year))
    cert_exit = cells.by(StatKind.CERT_EXIT, "year", years=(first, year))
    move_in = cells.by(StatKind.MOVE_IN, "year", years=(first, year))
    move_out = cells.by(StatKind.MOVE_OUT, "year", years=(first, year))
    certified = cells.total(StatKind.CERT_NEW, year_max=year) - cells.total(StatKind.CERT_EXIT, year_max=year)
    funds = _funds(cells, available=snapshot.funds_available, years=(first, year))
    fund_year = next((r for r in funds["rows"] if r["year"] == year), {"paid": 0, "budget": 0})
    task_totals = {row["status"]: row["n"] for row in
                   _tasks_in(actor, unit).order_by().values("status").annotate(n=Count("id"))}
    targets = target_rows(actor=actor, unit=unit, limit=40)
    cities, districts = region_units(actor=actor)
    area_unit = unit
    if unit is None and len(cities) == 1:  # a city's staff: their districts, not one bar for the city
        from rencai.orgs.models import OrgUnit

        area_unit = OrgUnit.objects.get(pk=cities[0]["pk"])
    return {
        "filters": {"city": int(city) if city else None, "district": int(district) if district else None, "year": year,
                    "unit": unit.display_name if unit else "全部", "years": list(range(today.year, today.year - 12, -1))},
        "cities": [{"id": c["pk"], "name": c["short_name"] or c["name"]} for c in cities],
        "districts": [{"id": d["pk"], "name": d["short_name"] or d["name"], "parent": d["parent_id"]} for d in districts],
        "snapshot": {"built_at": timezone.localtime(snapshot.built_at).strftime("%Y-%m-%d %H:%M")},
        "kpi": {
            "talents": _int(sum(by_tier.values())), "introduced": _int(introduced.get(year)),
            "introduced_prev": _int(cells.total(StatKind.TIER, year=year - 1)),
            "certified": _int(certified), "paid": fund_year["paid"], "budget": fund_year["budget"],
            "funds_available": funds["available"],
        },
        "by_tier": [{"tier": k, "name": TIER_LABELS.get(k, k), "n": _int(by_tier[k])} for k in sorted(by_tier)],
        "by_area": _by_area(cells, unit=area_unit, year_max=year)[:20],
        "by_industry": sorted(({"section": k, "name": industry_label(k), "n": _int(v)} for k, v in by_industry.items()),
                              key=lambda r: -r["n"])[:12],
        "flows": [{"year": y, "introduced": _int(introduced.get(y)), "move_in": _int(move_in.get(y)),
                   "move_out": _int(move_out.get(y)), "certified": _int(cert_new.get(y)), "exits": _int(cert_exit.get(y))}
                  for y in range(first, year + 1)],
        "funds": funds,
        "tasks": {s: task_totals.get(s, 0) for s in ("green", "yellow", "red", "done")},
        "targets": [{k: v for k, v in t.items() if k != "computed_at"} for t in targets],
    }


# --- annual report figures -----------------------------------------------------------------------------------


def _pct(a, b) -> float | None:
    return round((float(a) - float(b)) / float(b) * 100, 1) if b else None


def annual_figures(*, actor, year: int, unit=None) -> dict:
    """The figures of the statistics report and white paper for `year` in `unit` (None: everything in scope),
    each beside the previous year."""
    if not permissions.can_generate_report(actor, unit):
        raise PermissionDenied("您无权生成该范围的年度报告。")
    snapshot = snapshot_ensure()
    cells = Cells(region_ids_for(actor=actor, unit=unit))
    prev = year - 1

    def stock(kind, y):
        return cells.by(kind, "dim", year_max=y)

    def new(kind, y):
        return cells.by(kind, "dim", year=y)

    tier_now, tier_prev, tier_new, tier_new_prev = (stock(StatKind.TIER, year), stock(StatKind.TIER, prev),
                                                    new(StatKind.TIER, year), new(StatKind.TIER, prev))
    total, total_prev = sum(tier_now.values()), sum(tier_prev.values())
    introduced, introduced_prev = sum(tier_new.values()), sum(tier_new_prev.values())
    area_now = _by_area(cells, unit=unit, year_max=year)
    area_prev = {r["name"]: r["n"] for r in _by_area(cells, unit=unit, year_max=prev)}
    area_new = {r["name"]: r["n"] for r in _by_area(cells, unit=unit, year=year)}
    ind_now, ind_new = stock(StatKind.INDUSTRY, year), new(StatKind.INDUSTRY, year)
    edu_now, title_now, mode_new = stock(StatKind.EDUCATION, year), stock(StatKind.TITLE, year), new(StatKind.MODE, year)
    cert_new, cert_exit = new(StatKind.CERT_NEW, year), new(StatKind.CERT_EXIT, year)
    cert_cum = cells.by(StatKind.CERT_NEW, "dim", year_max=year)
    exit_cum = cells.by(StatKind.CERT_EXIT, "dim", year_max=year)
    funds = None
    if snapshot.funds_available:
        funds = [{"name": r["dim"], "budget": float(r["b"] or 0), "paid": float(r["p"] or 0)} for r in
                 cells.of(StatKind.FUND, year=year).order_by().values("dim").annotate(b=Sum("budget"), p=Sum("value"))
                 .order_by("dim")]
    first = year - 4
    trend = [{"year": y, "introduced": _int(cells.total(StatKind.TIER, year=y)),
              "stock": _int(cells.total(StatKind.TIER, year_max=y)),
              "certified": _int(cells.total(StatKind.CERT_NEW, year=y))} for y in range(first, year + 1)]
    targets = target_rows(actor=actor, unit=unit, limit=None)
    return {
        "year": year, "prev": prev, "scope_name": unit.name if unit else "全平台",
        "total": _int(total), "total_prev": _int(total_prev), "total_growth": _pct(total, total_prev),
        "introduced": _int(introduced), "introduced_prev": _int(introduced_prev),
        "introduced_growth": _pct(introduced, introduced_prev),
        "tiers": [{"code": k, "name": TIER_LABELS.get(k, k), "n": _int(tier_now.get(k)), "prev": _int(tier_prev.get(k)),
                   "new": _int(tier_new.get(k)), "new_prev": _int(tier_new_prev.get(k)),
                   "share": round(float(tier_now.get(k, 0)) / float(total) * 100, 1) if total else 0,
                   "growth": _pct(tier_now.get(k, 0), tier_prev.get(k, 0))}
                  for k in sorted(set(tier_now) | set(tier_prev), key=lambda t: (t == "", t))],
        "areas": [{"name": r["name"], "n": r["n"], "prev": _int(area_prev.get(r["name"])), "new": _int(area_new.get(r["name"])),
                   "growth": _pct(r["n"], area_prev.get(r["name"], 0))} for r in area_now],
        "industries": sorted(({"code": k or "-", "name": industry_label(k), "n": _int(v), "new": _int(ind_new.get(k)),
                               "share": round(float(v) / float(total) * 100, 1) if total else 0}
                              for k, v in ind_now.items()), key=lambda r: -r["n"]),
        "education": [{"name": EDUCATION_LABELS.get(k, k), "n": _int(edu_now.get(k))} for k in EDUCATION_LABELS
                      if k in edu_now],
        "titles": [{"name": TITLE_LABELS.get(k, k), "n": _int(title_now.get(k))} for k in TITLE_LABELS if k in title_now],
        "modes": [{"name": MODE_LABELS.get(k, k), "n": _int(mode_new.get(k))} for k in MODE_LABELS if k in mode_new],
        "certification": [{"name": TIER_LABELS.get(k, k), "new": _int(cert_new.get(k)), "exits": _int(cert_exit.get(k)),
                           "active": _int(cert_cum.get(k, 0)) - _int(exit_cum.get(k, 0))}
                          for k in sorted(set(cert_cum) | set(cert_new))],
        "funds": funds,
        "trend": trend,
        "targets": targets,
        "snapshot_at": timezone.localtime(snapshot.built_at).strftime("%Y-%m-%d %H:%M"),
    }


# --- jobs and open data --------------------------------------------------------------------------------------


def report_job_list(*, actor):
    scope = scope_for(actor)
    qs = ReportJob.objects.select_related("scope", "created_by")
    if actor is None or scope.everything:
        return qs
    return qs.filter(Q(created_by=actor) | Q(pk__in=ReportJob.objects.within(scope).values("pk")))


def report_job_get(*, actor, pk) -> ReportJob:
    try:
        return report_job_list(actor=actor).get(pk=pk)
    except (ReportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该报告,或您无权查看。") from None


def open_data_releases():
    """The newest release of each region: what the public open-data page lists."""
    newest = {}
    for release in OpenDataRelease.objects.select_related("region").order_by("-published_at", "-pk"):
        newest.setdefault(release.region_id, release)
    return sorted(newest.values(), key=lambda r: r.region.path)


def open_data_release_get(*, pk) -> OpenDataRelease:
    try:
        return OpenDataRelease.objects.select_related("region").get(pk=pk)
    except (OpenDataRelease.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该开放数据。") from None


def metric_kinds() -> list[tuple[str, str]]:
    return list(MetricKind.choices)
