"""Catalogue criteria as data (人才分类目录): a small boolean language over registry facts.

A criterion is JSON:
    {"all": [node, ...]}   every node holds            (且)
    {"any": [node, ...]}   at least one holds          (或)
    {"not": node}          the node does not hold      (非)
    {"field": "degree", "op": "eq", "value": "博士"}  a condition on one fact

The same tree is evaluated three ways, which must agree: `evaluate` on one talent's facts (the policy calculator and
application pre-check, with the matched conditions as the explanation), `to_q` as a Django `Q` for classifying the
whole registry in SQL, and `describe` for the human-readable rule ("博士 且 年薪≥50万元").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q


@dataclass(frozen=True)
class FieldSpec:
    label: str
    kind: str  # "choice" | "number" | "text" | "list" | "age" | "code"
    unit: str = ""
    choices: tuple[str, ...] = ()
    column: str = ""  # registry column for SQL; age uses the birth date column


# The facts a criterion may use. Labels are what the talent office sees in the catalogue editor.
FIELDS: dict[str, FieldSpec] = {
    "education": FieldSpec("学历", "choice", choices=("博士研究生", "硕士研究生", "大学本科", "大学专科", "中专/高中", "其他"),
                           column="education"),
    "degree": FieldSpec("学位", "choice", choices=("博士", "硕士", "学士", "无"), column="degree"),
    "title_level": FieldSpec("职称级别", "choice", choices=("正高级", "副高级", "中级", "初级", "无"), column="title_level"),
    "skill_level": FieldSpec("技能等级", "choice", choices=("高级技师", "技师", "高级工", "中级工", "初级工", "无"),
                             column="skill_level"),
    "annual_salary": FieldSpec("年薪", "number", unit="万元", column="annual_salary"),
    "age": FieldSpec("年龄", "age", unit="周岁", column="birth_date"),
    "honours": FieldSpec("荣誉/奖项", "list", column="honours_text"),
    "industry": FieldSpec("所属行业(国民经济行业分类代码)", "code", column="industry_code"),
    "employer_type": FieldSpec("用人单位类型", "choice",
                               choices=("企业", "高校", "科研院所", "医疗机构", "中小学", "党政机关", "社会组织", "其他"),
                               column="employer_type"),
    "introduction_mode": FieldSpec("引进方式", "choice", choices=("全职", "柔性"), column="introduction_mode"),
}

OPS = {
    "eq": "=", "ne": "≠", "in": "属于", "not_in": "不属于", "gte": "≥", "gt": ">", "lte": "≤", "lt": "<",
    "contains_any": "包含任一", "prefix": "代码以…开头",
}
OPS_BY_KIND = {
    "choice": {"eq", "ne", "in", "not_in"},
    "text": {"eq", "ne", "in", "not_in"},
    "number": {"gte", "gt", "lte", "lt", "eq"},
    "age": {"gte", "gt", "lte", "lt"},
    "list": {"contains_any"},
    "code": {"prefix", "in"},
}
MAX_DEPTH = 8
MAX_NODES = 200


class RuleError(ValueError):
    """A criterion that is not well formed; the message is Chinese and names the place (path)."""


def _path(path: str) -> str:
    return path or "条件"


def validate(node, path: str = "") -> list[str]:
    """All problems in one criterion tree, each with where it is."""
    errors: list[str] = []
    count = [0]

    def walk(n, p, depth):
        count[0] += 1
        if count[0] > MAX_NODES:
            if count[0] == MAX_NODES + 1:
                errors.append(f"条件过多(超过 {MAX_NODES} 个)")
            return
        if depth > MAX_DEPTH:
            errors.append(f"{_path(p)}:嵌套层级超过 {MAX_DEPTH} 层")
            return
        if not isinstance(n, dict):
            errors.append(f"{_path(p)}:应为对象")
            return
        keys = set(n)
        if keys & {"all", "any"}:
            key = "all" if "all" in n else "any"
            children = n[key]
            if not isinstance(children, list) or not children:
                errors.append(f"{_path(p)}:“{'且' if key == 'all' else '或'}”组至少需要一个条件")
                return
            for i, child in enumerate(children, 1):
                walk(child, f"{p}/{key}[{i}]", depth + 1)
            return
        if "not" in keys:
            walk(n["not"], f"{p}/not", depth + 1)
            return
        field, op, value = n.get("field"), n.get("op"), n.get("value")
        spec = FIELDS.get(field)
        if spec is None:
            errors.append(f"{_path(p)}:未知字段“{field}”")
            return
        if op not in OPS_BY_KIND[spec.kind]:
            allowed = "、".join(OPS[o] for o in sorted(OPS_BY_KIND[spec.kind]))
            errors.append(f"{_path(p)}:字段“{spec.label}”不能使用运算“{op}”(可用:{allowed})")
            return
        if spec.kind in ("number", "age"):
            if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)) or value < 0:
                errors.append(f"{_path(p)}:“{spec.label}”的取值应为非负数字")
        elif op in ("in", "not_in", "contains_any"):
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
                errors.append(f"{_path(p)}:“{spec.label}”的取值应为非空文本列表")
            elif spec.choices and (bad := [v for v in value if v not in spec.choices]):
                errors.append(f"{_path(p)}:“{spec.label}”没有选项“{'、'.join(bad)}”")
        else:
            if not isinstance(value, str) or not value:
                errors.append(f"{_path(p)}:“{spec.label}”的取值应为非空文本")
            elif spec.choices and op in ("eq", "ne") and value not in spec.choices:
                errors.append(f"{_path(p)}:“{spec.label}”没有选项“{value}”")

    walk(node, path, 0)
    return errors


def _fmt(value) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe(node) -> str:
    """Human-readable rule: "学位=博士 且 年薪≥50万元"."""
    if "all" in node:
        parts = [describe(c) for c in node["all"]]
        return " 且 ".join(f"({p})" if " 或 " in p else p for p in parts)
    if "any" in node:
        return " 或 ".join(describe(c) for c in node["any"])
    if "not" in node:
        return f"非({describe(node['not'])})"
    spec = FIELDS[node["field"]]
    op = node["op"]
    if op in ("eq",) and spec.kind == "choice":
        return f"{spec.label}为{_fmt(node['value'])}"
    if op in ("in",):
        return f"{spec.label}为{_fmt(node['value'])}之一"
    if op == "not_in":
        return f"{spec.label}不为{_fmt(node['value'])}"
    if op == "contains_any":
        return f"{spec.label}含{_fmt(node['value'])}之一"
    if op == "prefix":
        return f"{spec.label}属{_fmt(node['value'])}"
    return f"{spec.label}{OPS[op]}{_fmt(node['value'])}{spec.unit}"


def age_on(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _leaf_holds(node, facts: dict, today: date) -> bool:
    spec = FIELDS[node["field"]]
    op, value = node["op"], node["value"]
    if spec.kind == "age":
        actual = facts.get("age")
        if actual is None:
            actual = age_on(facts.get("birth_date"), today)
    else:
        actual = facts.get(node["field"])
    if actual is None or actual == "":
        return op in ("ne", "not_in") and spec.kind != "age"
    if spec.kind in ("number", "age"):
        actual, value = Decimal(str(actual)), Decimal(str(value))
        return {"gte": actual >= value, "gt": actual > value, "lte": actual <= value, "lt": actual < value,
                "eq": actual == value}[op]
    if spec.kind == "list":
        items = set(actual) if isinstance(actual, (list, tuple, set)) else {s for s in str(actual).split("|") if s}
        return bool(items & set(value))
    if op == "prefix":
        return str(actual).startswith(value)
    return {"eq": actual == value, "ne": actual != value, "in": actual in value, "not_in": actual not in value}[op]


def evaluate(node, facts: dict, *, today: date | None = None) -> tuple[bool, list[str]]:
    """Does `facts` satisfy `node`? Returns the verdict and the conditions that made it (the explanation)."""
    today = today or date.today()
    if "all" in node:
        reasons: list[str] = []
        for child in node["all"]:
            ok, why = evaluate(child, facts, today=today)
            if not ok:
                return False, []
            reasons.extend(why)
        return True, reasons
    if "any" in node:
        for child in node["any"]:
            ok, why = evaluate(child, facts, today=today)
            if ok:
                return True, why
        return False, []
    if "not" in node:
        ok, _ = evaluate(node["not"], facts, today=today)
        return (not ok), ([f"非({describe(node['not'])})"] if not ok else [])
    ok = _leaf_holds(node, facts, today)
    return ok, [describe(node)] if ok else []


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def to_q(node, *, today: date, column: Callable[[str], str] | None = None) -> Q:
    """The same criterion as a Django Q over the registry table (NULL facts never satisfy a positive condition)."""
    col = column or (lambda field: FIELDS[field].column)
    if "all" in node:
        q = Q()
        for child in node["all"]:
            q &= to_q(child, today=today, column=column)
        return q
    if "any" in node:
        q = Q(pk__in=[])
        for child in node["any"]:
            q |= to_q(child, today=today, column=column)
        return q
    if "not" in node:
        return ~to_q(node["not"], today=today, column=column)
    spec = FIELDS[node["field"]]
    name, op, value = col(node["field"]), node["op"], node["value"]
    if spec.kind == "age":
        # age >= N  <=>  born on or before the date N years ago; age < N <=> born after the date N years ago
        n = int(Decimal(str(value)))
        if op == "gte":
            return Q(**{f"{name}__lte": _years_ago(today, n)})
        if op == "gt":
            return Q(**{f"{name}__lte": _years_ago(today, n + 1)})
        if op == "lt":
            return Q(**{f"{name}__gt": _years_ago(today, n)})
        return Q(**{f"{name}__gt": _years_ago(today, n + 1)})  # lte
    if spec.kind == "number":
        lookup = {"gte": "gte", "gt": "gt", "lte": "lte", "lt": "lt", "eq": "exact"}[op]
        return Q(**{f"{name}__{lookup}": value})
    if spec.kind == "list":
        # stored as "|a|b|" so one honour never matches inside another's name
        q = Q(pk__in=[])
        for item in value:
            q |= Q(**{f"{name}__contains": f"|{item}|"})
        return q
    if op == "prefix":
        return Q(**{f"{name}__startswith": value})
    if op == "eq":
        return Q(**{name: value})
    if op == "in":
        return Q(**{f"{name}__in": value})
    if op == "ne":
        return ~Q(**{name: value}) | Q(**{f"{name}__isnull": True})
    return ~Q(**{f"{name}__in": value}) | Q(**{f"{name}__isnull": True})  # not_in
