"""Open data (数据开放): aggregate talent counts by district, industry, tier and year, never exposing a person.

All datasets of a release are aggregates of one base table (district × industry × tier × year) and are suppressed
together by disclosure.suppress: cells with 0 < count < threshold are hidden, and complementary cells are hidden
so that no hidden cell can be recovered by differencing two published tables (a district total minus the other
industries of that district, say). Hidden cells are published as empty (CSV) or null (JSON).
"""

from __future__ import annotations

import csv
import io
import json

from django.db.models import Count, Value
from django.db.models.functions import Coalesce, Substr

from rencai.core.excel import safe_cell

from .disclosure import suppress
from .stats import YearOf

DIMS = ["district", "industry", "tier", "year"]
COLUMN_INFO = {
    "district": ("地区", "string", "区县(市)、园区或新区名称;人才所属区县"),
    "industry": ("行业门类", "string", "国民经济行业分类(GB/T 4754-2017)门类代码及名称,如“C 制造业”;“-”表示未填写"),
    "tier": ("人才类别", "string", "A–E 类(顶尖人才至高级/青年人才),“未分类”表示未定类别"),
    "year": ("引进年度", "string", "人才引进日期所在年份;“未知”表示引进日期未填写"),
    "count": ("人数", "integer", "该分组的人才人数;空值表示因少于最小发布数或防止差分推算而隐藏"),
}
DATASETS = [
    {"code": "talents_by_year", "title": "各年度引进人才数", "dims": ("year",)},
    {"code": "talents_by_district_year", "title": "各地区分年度引进人才数", "dims": ("district", "year")},
    {"code": "talents_by_industry_year", "title": "各行业门类分年度引进人才数", "dims": ("industry", "year")},
    {"code": "talents_by_tier_year", "title": "各类别分年度引进人才数", "dims": ("tier", "year")},
    {"code": "talents_by_district_tier_year", "title": "各地区分类别分年度引进人才数", "dims": ("district", "tier", "year")},
    {"code": "talents_by_district_industry_year", "title": "各地区分行业门类分年度引进人才数",
     "dims": ("district", "industry", "year")},
]
DATASET_BY_CODE = {d["code"]: d for d in DATASETS}


def base_counts(region) -> dict[tuple, int]:
    """(district, industry, tier, year) → talents, for the region's subtree; labels only, no identifiers."""
    from rencai.orgs.models import OrgUnit
    from rencai.talents.constants import INDUSTRY_SECTIONS
    from rencai.talents.models import Talent

    units = dict(OrgUnit.objects.filter(path__startswith=region.path).values_list("pk", "name"))
    rows = (Talent.objects.order_by().filter(region_id__in=list(units))
            .annotate(s=Substr("industry_division", 1, 1), t=Coalesce("tier", Value("")),
                      y=Coalesce(YearOf("introduced_on"), Value(0)))
            .values("region_id", "s", "t", "y").annotate(n=Count("pk")).values_list("region_id", "s", "t", "y", "n"))
    base: dict[tuple, int] = {}
    for region_id, section, tier, year, n in rows:
        key = (units[region_id], f"{section} {INDUSTRY_SECTIONS.get(section, '')}".strip() if section else "-",
               f"{tier}类" if tier else "未分类", str(year) if year else "未知")
        base[key] = base.get(key, 0) + n
    return base


def release_tables(base: dict[tuple, int], *, threshold: int) -> tuple[dict, int]:
    """Every dataset, suppressed together; returns ({code: {columns, rows}}, number of hidden cells)."""
    out = suppress(base, DIMS, [d["dims"] for d in DATASETS], threshold=threshold)
    tables, hidden = {}, 0
    for dataset in DATASETS:
        dims = tuple(d for d in DIMS if d in dataset["dims"])
        rows = []
        for key, value in sorted(out[dims].items(), key=lambda kv: kv[0]):
            rows.append([*key, value])
            hidden += value is None
        tables[dataset["code"]] = {"columns": [*dims, "count"], "rows": rows}
    return tables, hidden


def dictionary(dataset: dict, *, threshold: int) -> dict:
    """The data dictionary (数据字典) of one dataset: columns, types, meaning, and the suppression rule."""
    columns = [*[d for d in DIMS if d in dataset["dims"]], "count"]
    return {
        "dataset": dataset["code"], "title": dataset["title"],
        "columns": [{"name": c, "label": COLUMN_INFO[c][0], "type": COLUMN_INFO[c][1], "description": COLUMN_INFO[c][2]}
                    for c in columns],
        "suppression": f"人数在 1 至 {threshold - 1} 之间的单元格不发布;为防止由合计或其他已发布表差分推算,"
                       "同时隐藏必要的其他单元格。隐藏的单元格在 CSV 中为空,在 JSON 中为 null。",
        "source": "智慧人才平台人才信息库(汇总数据,不含个人信息)",
    }


def to_csv(table: dict) -> bytes:
    labels = [COLUMN_INFO[c][0] for c in table["columns"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(labels)
    for row in table["rows"]:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_json(table: dict, *, meta: dict) -> bytes:
    records = [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]
    return json.dumps({**meta, "records": records}, ensure_ascii=False, indent=1).encode("utf-8")


def dictionary_csv(d: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["字段名", "中文名", "类型", "说明"])
    for c in d["columns"]:
        writer.writerow([c["name"], c["label"], c["type"], c["description"]])
    writer.writerow([])
    writer.writerow(["隐藏规则", d["suppression"]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
