"""Declarative metric definitions for policy targets (指标口径) — validation and computation.

A definition is a small JSON object naming a metric and its filters:

    {"metric": "talents_introduced", "tier": ["B", "C"], "industry": ["C"], "introduced_between": ["2018-01-01",
     "2020-12-31"], "mode": "full_time", "scope": "ZZ-D01"}
    {"metric": "certified_talents", "tier": ["B"], "introduced_between": [...], "certified_between": [...],
     "as_of": "2020-12-31", "scope": "HLGE"}
    {"metric": "paid_total", "year": 2024 | "years": [2022, 2024], "tier": ["A"], "scope": "ZZ", "unit": "万元"}

paid_total is in 万元 unless `unit` says 元 or 亿元 (the ledger keeps 元). `scope` is an org unit code (a city, new area or district); the metric counts rows whose region lies in its
subtree. Without `as_of`, certified_talents counts certifications active now; with it, those in force that day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from rencai.core.exceptions import ApplicationError

from .choices import MetricKind, ReportsErrorCode

TIERS = ("A", "B", "C", "D", "E")
MODES = ("full_time", "flexible")
EDUCATIONS = ("doctorate", "master", "bachelor", "junior_college", "secondary")
ALLOWED_KEYS = {
    MetricKind.TALENTS_INTRODUCED: {"metric", "scope", "tier", "industry", "introduced_between", "mode", "education"},
    MetricKind.CERTIFIED_TALENTS: {"metric", "scope", "tier", "industry", "introduced_between", "certified_between",
                                   "as_of"},
    MetricKind.PAID_TOTAL: {"metric", "scope", "tier", "year", "years", "unit"},
}
KEY_LABELS = {"scope": "统计范围", "tier": "人才类别", "industry": "行业", "introduced_between": "引进日期区间",
              "certified_between": "认定日期区间", "as_of": "统计日期", "mode": "引进方式", "education": "学历",
              "year": "年度", "years": "年度区间", "unit": "金额单位"}
MONEY_UNITS = {"元": 1, "万元": 10_000, "亿元": 100_000_000}


class MetricUnavailable(ApplicationError):
    """The metric's data source is not installed or holds nothing yet (资金数据暂无)."""

    code = "metric_unavailable"


def _bad(message: str) -> ApplicationError:
    return ApplicationError(message, code=ReportsErrorCode.BAD_DEFINITION)


def _date(value, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise _bad(f"{label}中的“{value}”不是日期,请写成 2020-12-31 的形式。") from None


def _date_range(value, key: str) -> list[str]:
    label = KEY_LABELS[key]
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise _bad(f"{label}应为两个日期:[开始, 结束]。")
    start, end = _date(value[0], label), _date(value[1], label)
    if start > end:
        raise _bad(f"{label}的开始日期 {start} 晚于结束日期 {end}。")
    return [start.isoformat(), end.isoformat()]


def _choice_list(value, key: str, allowed: tuple[str, ...]) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items:
        raise _bad(f"{KEY_LABELS[key]}应为非空列表,如 [\"{allowed[0]}\"]。")
    out = []
    for item in items:
        if str(item) not in allowed:
            raise _bad(f"{KEY_LABELS[key]}“{item}”无效,可选:{'、'.join(allowed)}。")
        out.append(str(item))
    return sorted(set(out))


def _industries(value) -> list[str]:
    from rencai.talents.constants import INDUSTRY_SECTIONS

    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items:
        raise _bad("行业应为非空列表,如 [\"C\"] 或 [\"C39\"](国民经济行业分类门类或大类)。")
    out = []
    for item in items:
        text = str(item).strip().upper()
        if not (text[:1] in INDUSTRY_SECTIONS and (len(text) == 1 or (len(text) == 3 and text[1:].isdigit()))):
            raise _bad(f"行业“{item}”无效:应为门类字母(如 C)或大类代码(如 C39)。")
        out.append(text)
    return sorted(set(out))


def _year(value, label: str) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise _bad(f"{label}“{value}”不是年份。") from None
    if not 1990 <= year <= 2100:
        raise _bad(f"{label} {year} 超出范围(1990–2100)。")
    return year


def scope_unit(code: str):
    """The region (city, new area or district) an org unit code names, or an ApplicationError in Chinese."""
    from rencai.orgs.choices import REGION_KINDS
    from rencai.orgs.models import OrgUnit

    unit = OrgUnit.objects.filter(code=str(code).strip()).first()
    if unit is None or unit.kind not in REGION_KINDS:
        raise ApplicationError(f"统计范围“{code}”不是已登记的市、新区或区县机构编码。", code=ReportsErrorCode.BAD_SCOPE)
    return unit


def subtree_ids(unit) -> list[int]:
    from rencai.orgs.models import OrgUnit

    return list(OrgUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def definition_validate(raw, *, default_scope: str | None = None) -> dict:
    """A clean copy of a definition, or ApplicationError saying in Chinese what is wrong."""
    if not isinstance(raw, dict):
        raise _bad("指标定义应为一个 JSON 对象,如 {\"metric\": \"talents_introduced\"}。")
    metric = raw.get("metric")
    if metric not in MetricKind.values:
        choices = "、".join(f"{k}({label})" for k, label in MetricKind.choices)
        raise _bad(f"未知指标“{metric}”,可选:{choices}。")
    unknown = sorted(set(raw) - ALLOWED_KEYS[metric])
    if unknown:
        raise _bad(f"指标“{MetricKind(metric).label}”不支持“{unknown[0]}”。可用项:"
                   f"{'、'.join(sorted(ALLOWED_KEYS[metric] - {'metric'}))}。")
    clean: dict = {"metric": metric}
    scope = raw.get("scope") or default_scope
    if not scope:
        raise _bad("请填写统计范围(scope),如 ZZ 或 ZZ-D01。")
    clean["scope"] = scope_unit(scope).code
    if "tier" in raw:
        clean["tier"] = _choice_list(raw["tier"], "tier", TIERS)
    if "industry" in raw:
        clean["industry"] = _industries(raw["industry"])
    for key in ("introduced_between", "certified_between"):
        if key in raw:
            clean[key] = _date_range(raw[key], key)
    if "as_of" in raw:
        clean["as_of"] = _date(raw["as_of"], KEY_LABELS["as_of"]).isoformat()
    if "mode" in raw:
        clean["mode"] = _choice_list(raw["mode"], "mode", MODES)
    if "education" in raw:
        clean["education"] = _choice_list(raw["education"], "education", EDUCATIONS)
    if "unit" in raw:
        if raw["unit"] not in MONEY_UNITS:
            raise _bad(f"金额单位“{raw['unit']}”无效,可选:元、万元、亿元。")
        clean["unit"] = raw["unit"]
    if "year" in raw and "years" in raw:
        raise _bad("年度(year)和年度区间(years)只能填一个。")
    if "year" in raw:
        clean["year"] = _year(raw["year"], "年度")
    if "years" in raw:
        years = raw["years"]
        if not isinstance(years, (list, tuple)) or len(years) != 2:
            raise _bad("年度区间应为两个年份:[开始, 结束]。")
        a, b = _year(years[0], "年度区间"), _year(years[1], "年度区间")
        if a > b:
            raise _bad(f"年度区间的开始 {a} 晚于结束 {b}。")
        clean["years"] = [a, b]
    return clean


def definition_describe(d: dict) -> str:
    """A one-line Chinese reading of a definition, for tables and the report."""
    parts = [str(MetricKind(d["metric"]).label), f"范围 {d.get('scope', '')}"]
    if d.get("tier"):
        parts.append("类别 " + "/".join(d["tier"]))
    if d.get("industry"):
        parts.append("行业 " + "/".join(d["industry"]))
    if d.get("introduced_between"):
        parts.append("引进于 {}至{}".format(*d["introduced_between"]))
    if d.get("certified_between"):
        parts.append("认定于 {}至{}".format(*d["certified_between"]))
    if d.get("as_of"):
        parts.append(f"截至 {d['as_of']}")
    if d.get("year"):
        parts.append(f"{d['year']}年")
    if d.get("years"):
        parts.append("{}–{}年".format(*d["years"]))
    if d["metric"] == MetricKind.PAID_TOTAL:
        parts.append(f"单位 {d.get('unit', '万元')}")
    return ",".join(parts)


# --- computation ---------------------------------------------------------------------------------------------


def _industry_q(codes: list[str]) -> Q:
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(industry_division=code) if len(code) == 3 else Q(industry_division__startswith=code)
    return q


def _clip(between: list[str] | None, until: dt.date | None) -> tuple[dt.date | None, dt.date | None] | None:
    """The date range of a definition cut at `until`; None when nothing of it lies before `until`."""
    start = dt.date.fromisoformat(between[0]) if between else None
    end = dt.date.fromisoformat(between[1]) if between else None
    if until is not None:
        end = until if end is None else min(end, until)
        if start is not None and start > end:
            return None
    return start, end


def _range_q(field: str, rng) -> Q:
    start, end = rng
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lte": end})
    return q


def _talents_introduced(d: dict, until: dt.date | None) -> Decimal:
    from rencai.talents.models import Talent

    rng = _clip(d.get("introduced_between"), until)
    if rng is None:
        return Decimal(0)
    qs = Talent.objects.filter(region_id__in=subtree_ids(scope_unit(d["scope"])))
    if rng != (None, None):
        qs = qs.filter(_range_q("introduced_on", rng))
    if d.get("tier"):
        qs = qs.filter(tier__in=d["tier"])
    if d.get("industry"):
        qs = qs.filter(_industry_q(d["industry"]))
    if d.get("mode"):
        qs = qs.filter(introduction_mode__in=d["mode"])
    if d.get("education"):
        qs = qs.filter(education__in=d["education"])
    return Decimal(qs.count())


def _certified_talents(d: dict, until: dt.date | None) -> Decimal:
    from django.utils import timezone

    from rencai.certification.models import Certification

    qs = Certification.objects.filter(region_id__in=subtree_ids(scope_unit(d["scope"])))
    on = dt.date.fromisoformat(d["as_of"]) if d.get("as_of") else None
    if until is not None:
        on = until if on is None else min(on, until)
    if on is None:
        qs = qs.filter(status=Certification.Status.ACTIVE)
    else:
        # in force that day: certified by then, not yet lapsed, and not revoked/suspended/expired before it
        end_of_day = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
        qs = qs.filter(certified_on__lte=on, valid_until__gte=on).filter(
            Q(status=Certification.Status.ACTIVE) | Q(status_changed_at__gte=end_of_day))
    if d.get("certified_between"):
        rng = _clip(d["certified_between"], None)
        qs = qs.filter(_range_q("certified_on", rng))
    if d.get("introduced_between"):
        qs = qs.filter(_range_q("talent__introduced_on", _clip(d["introduced_between"], None)))
    if d.get("tier"):
        qs = qs.filter(tier__in=d["tier"])
    if d.get("industry"):
        qs = qs.filter(talent__in=_talent_industry_subquery(d["industry"]))
    return Decimal(qs.count())


def _talent_industry_subquery(codes):
    from rencai.talents.models import Talent

    return Talent.objects.filter(_industry_q(codes)).values("pk")


def benefits_selectors():
    """The benefits ledger's selectors, or MetricUnavailable when that module is not installed yet."""
    import importlib

    try:
        selectors = importlib.import_module("rencai.benefits.selectors")
    except ImportError:
        raise MetricUnavailable("资金数据暂无:资金台账模块尚未启用。") from None
    if not hasattr(selectors, "paid_total"):
        raise MetricUnavailable("资金数据暂无:资金台账模块尚未提供兑付统计。")
    return selectors


def _paid_total(d: dict, until: dt.date | None) -> Decimal:
    selectors = benefits_selectors()
    region_ids = [scope_unit(d["scope"]).pk]  # the ledger's paid_total counts funds in these subtrees
    if d.get("year"):
        years = [d["year"]]
    elif d.get("years"):
        years = list(range(d["years"][0], d["years"][1] + 1))
    else:
        years = [None]
    if until is not None:
        years = [y for y in years if y is not None and y <= until.year] if years != [None] else \
            list(range(2010, until.year + 1))
    total = Decimal(0)
    for year in years:
        for tier in d.get("tier") or [None]:
            total += Decimal(selectors.paid_total(region_ids=region_ids, year=year, tier=tier) or 0)
    return (total / MONEY_UNITS[d.get("unit", "万元")]).quantize(Decimal("0.01"))


COMPUTE = {
    MetricKind.TALENTS_INTRODUCED: _talents_introduced,
    MetricKind.CERTIFIED_TALENTS: _certified_talents,
    MetricKind.PAID_TOTAL: _paid_total,
}


def metric_compute(definition: dict, *, until: dt.date | None = None) -> Decimal:
    """The metric's value (cumulative up to `until` when given: the trend is this at each year end)."""
    d = definition_validate(definition)
    return COMPUTE[d["metric"]](d, until)


def trend_years(definition: dict, *, today: dt.date) -> list[int]:
    """The years a target's trend shows: from its start to its end (or this year), at most ten."""
    d = definition
    if d.get("years"):
        first, last = d["years"]
    elif d.get("year"):
        first = last = d["year"]
    else:
        span = d.get("introduced_between") or d.get("certified_between")
        first = int(span[0][:4]) if span else today.year - 4
        last = int(span[1][:4]) if span else today.year
    last = min(last, today.year)
    first = max(first, last - 9)
    return list(range(first, last + 1))


def metric_trend(definition: dict, *, today: dt.date) -> list[dict]:
    """Cumulative value at the end of each year of the target's period (the year so far for this year)."""
    d = definition_validate(definition)
    out = []
    for year in trend_years(d, today=today):
        until = min(dt.date(year, 12, 31), today)
        out.append({"year": year, "value": float(COMPUTE[d["metric"]](d, until))})
    return out
