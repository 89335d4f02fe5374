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

from rencai.talents.choices import Degree, Education, IntroductionMode, TitleLevel


@dataclass(frozen=True)
class FieldSpec:
    label: str
    kind: str  # "choice" | "number" | "text" | "list" | "age" | "code"
    unit: str = ""
    choices: tuple[tuple[str, object], ...] = ()  # (stored value, label) — criteria hold the stored value
    column: str = ""  # registry column (or annotation) for SQL; age uses the birth date column

    def label_of(self, value) -> str:
        return str(dict(self.choices).get(value, value))


def _choices(text_choices) -> tuple[tuple[str, str], ...]:
    return tuple((str(v), label) for v, label in text_choices.choices)  # labels stay lazy (translated on use)


# Employer type is read from the 统一社会信用代码 (GB 32100-2015): its first two characters are the registering
# authority and the kind of organisation, so the registry needs no extra column for it.
EMPLOYER_TYPES = (
    ("enterprise", "企业"), ("government", "党政机关"), ("institution", "事业单位"), ("social_org", "社会组织"),
    ("individual", "个体工商户"), ("other", "其他"),
)
USCC_PREFIX_TYPES = (("91", "enterprise"), ("93", "enterprise"), ("92", "individual"), ("11", "government"),
                     ("13", "government"), ("31", "government"), ("12", "institution"), ("51", "social_org"),
                     ("52", "social_org"), ("53", "social_org"), ("59", "social_org"))


def employer_type_of(uscc: str | None) -> str:
    if not uscc:
        return ""
    prefix = uscc[:2]
    return next((kind for p, kind in USCC_PREFIX_TYPES if p == prefix), "other")


# The facts a criterion may use. Labels are what the talent office sees in the catalogue editor.
FIELDS: dict[str, FieldSpec] = {
    "education": FieldSpec("学历", "choice", choices=_choices(Education), column="education"),
    "degree": FieldSpec("学位", "choice", choices=_choices(Degree), column="degree"),
    "title_level": FieldSpec("职称级别", "choice", choices=_choices(TitleLevel), column="title_level"),
    "skill_level": FieldSpec("职业资格/技能等级", "text", column="skill_level"),
    "annual_salary": FieldSpec("年薪", "number", unit="万元", column="annual_salary"),
    "age": FieldSpec("年龄", "age", unit="周岁", column="birth_date"),
    "honours": FieldSpec("荣誉/奖项", "list", column="honours"),
    "tags": FieldSpec("标签", "list", column="tags"),
    "industry": FieldSpec("行业代码", "code", column="industry_code"),
    "employer_type": FieldSpec("用人单位类型", "choice", choices=EMPLOYER_TYPES, column="employer_type"),
    "introduction_mode": FieldSpec("引进方式", "choice", choices=_choices(IntroductionMode),
                                   column="introduction_mode"),
}

OPS = {
    "eq": "=", "ne": "≠", "in": "属于", "not_in": "不属于", "gte": "≥", "gt": ">", "lte": "≤", "lt": "<",
    "contains_any": "包含任一", "prefix": "代码以…开头",
}
OPS_BY_KIND = {
    "choice": {"eq", "ne", "in", "not_in"},
    "text": {"eq", "ne", "in", "not_in", "contains_any"},
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
            elif spec.choices and (bad := [v for v in value if v not in dict(spec.choices)]):
                errors.append(f"{_path(p)}:“{spec.label}”没有选项“{'、'.join(bad)}”")
        else:
            if not isinstance(value, str) or not value:
                errors.append(f"{_path(p)}:“{spec.label}”的取值应为非空文本")
            elif spec.choices and op in ("eq", "ne") and value not in dict(spec.choices):
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
    if ("all" in node or "any" in node) and len(node.get("all") or node.get("any")) == 1:
        return describe((node.get("all") or node.get("any"))[0])
    if "all" in node:
        parts = [describe(c) for c in node["all"]]
        return " 且 ".join(f"({p})" if " 或 " in p else p for p in parts)
    if "any" in node:
        return " 或 ".join(describe(c) for c in node["any"])
    if "not" in node:
        return f"非({describe(node['not'])})"
    spec = FIELDS[node["field"]]
    op = node["op"]
    value = node["value"]
    if spec.choices:
        value = [spec.label_of(v) for v in value] if isinstance(value, list) else spec.label_of(value)
    if op in ("eq",) and spec.kind in ("choice", "text"):
        return f"{spec.label}为{_fmt(value)}"
    if op == "ne" and spec.kind in ("choice", "text"):
        return f"{spec.label}不为{_fmt(value)}"
    if op in ("in",):
        return f"{spec.label}为{_fmt(value)}之一"
    if op == "not_in":
        return f"{spec.label}不为{_fmt(value)}"
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
    if op == "contains_any":  # substring, as SQL LIKE does: "国家杰出青年科学基金" matches "…基金获得者"
        text = "、".join(actual) if isinstance(actual, (list, tuple, set)) else str(actual)
        return any(item in text for item in value)
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
    if op == "contains_any":
        q = Q(pk__in=[])
        for item in value:
            q |= Q(**{f"{name}__contains": item})
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


def normalize(node):
    """A criterion as typed by a person, made canonical: choice labels ("博士") become stored values ("doctor"),
    numbers typed as text become numbers. Unknown things are left for `validate` to name."""
    if not isinstance(node, dict):
        return node
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        children = node[key]
        return {key: [normalize(c) for c in children] if isinstance(children, list) else children}
    if "not" in node:
        return {"not": normalize(node["not"])}
    out = dict(node)
    spec = FIELDS.get(out.get("field"))
    if spec is None:
        return out
    by_label = {str(label): value for value, label in spec.choices}
    value = out.get("value")
    if spec.choices:
        if isinstance(value, list):
            out["value"] = [by_label.get(v, v) for v in value]
        elif isinstance(value, str):
            out["value"] = by_label.get(value, value)
    if spec.kind in ("number", "age") and isinstance(value, str):
        try:
            number = Decimal(value.strip())
            out["value"] = int(number) if number == number.to_integral_value() else float(number)
        except ArithmeticError:
            pass
    if spec.kind in ("list", "code") and out.get("op") in ("contains_any", "in") and isinstance(value, str):
        out["value"] = [v.strip() for v in value.replace(",", "、").replace(",", "、").split("、") if v.strip()]
    return out


def facts_of(talent) -> dict:
    """The facts a criterion reads, from a registry row (a Talent or anything with the same attributes)."""
    def get(name):
        return getattr(talent, name, None)

    return {
        "education": get("education") or None, "degree": get("degree") or None,
        "title_level": get("title_level") or None, "skill_level": get("skill_level") or None,
        "annual_salary": get("annual_salary"), "birth_date": get("birth_date"),
        "honours": get("honours") or "", "tags": get("tags") or "",
        "industry": get("industry_code") or None, "employer_type": employer_type_of(get("employer_uscc")),
        "introduction_mode": get("introduction_mode") or None,
    }


def employer_type_expression():
    """`employer_type` as SQL over employer_uscc (same mapping as employer_type_of)."""
    from django.db.models import Case, CharField, Value, When

    whens = [When(employer_uscc__startswith=prefix, then=Value(kind)) for prefix, kind in USCC_PREFIX_TYPES]
    whens.insert(0, When(employer_uscc="", then=Value("")))  # never NULL: NOT(…) must match Python
    return Case(*whens, default=Value("other"), output_field=CharField())


# ---------------------------------------------------------------- the editing syntax (what `describe` prints)

_NUMBER_OPS = (("≥", "gte"), (">=", "gte"), ("≤", "lte"), ("<=", "lte"), (">", "gt"), ("<", "lt"), ("=", "eq"))
_UNITS = ("万元", "周岁", "岁")


def _split_values(text: str) -> list[str]:
    for sep in (",", ",", ";", ";", "/"):
        text = text.replace(sep, "、") if sep != "/" else text
    return [v.strip() for v in text.split("、") if v.strip()]


def _parse_condition(text: str, where: str) -> dict:
    text = text.strip()
    if not text:
        raise RuleError(f"{where}:缺少条件")
    labels = sorted(((spec.label, name) for name, spec in FIELDS.items()), key=lambda x: -len(x[0]))
    label, field = next(((lab, name) for lab, name in labels if text.startswith(lab)), (None, None))
    if field is None:
        known = "、".join(spec.label for spec in FIELDS.values())
        raise RuleError(f"{where}:“{text}”不是以已知字段开头(可用字段:{known})")
    spec, rest = FIELDS[field], text[len(label):].strip()
    if spec.kind in ("number", "age"):
        for symbol, op in _NUMBER_OPS:
            if rest.startswith(symbol):
                raw = rest[len(symbol):].strip()
                for unit in _UNITS:
                    raw = raw.removesuffix(unit)
                try:
                    number = Decimal(raw.strip())
                except ArithmeticError:
                    raise RuleError(f"{where}:“{text}”中的“{raw}”不是数字") from None
                value = int(number) if number == number.to_integral_value() else float(number)
                return {"field": field, "op": op, "value": value}
        raise RuleError(f"{where}:“{text}”缺少比较符号(≥、≤、>、<、=)")
    by_label = {str(lab): value for value, lab in spec.choices}

    def value_of(raw: str) -> str:
        return by_label.get(raw, raw)

    if rest.startswith("不为"):
        values = [value_of(v) for v in _split_values(rest[2:])]
        return {"field": field, "op": "ne" if len(values) == 1 else "not_in",
                "value": values[0] if len(values) == 1 else values}
    if rest.startswith("含"):
        body = rest[1:].removesuffix("之一")
        return {"field": field, "op": "contains_any", "value": _split_values(body)}
    if rest.startswith("属"):
        values = _split_values(rest[1:])
        if len(values) == 1:
            return {"field": field, "op": "prefix", "value": values[0]}
        return {"any": [{"field": field, "op": "prefix", "value": v} for v in values]}
    if rest.startswith("为"):
        body = rest[1:]
        if body.endswith("之一"):
            return {"field": field, "op": "in", "value": [value_of(v) for v in _split_values(body[:-2])]}
        return {"field": field, "op": "eq", "value": value_of(body.strip())}
    raise RuleError(f"{where}:“{text}”看不懂(写法如:学位为博士、年薪≥50、荣誉/奖项含国家杰出青年科学基金之一)")


def parse_text(text: str) -> dict:
    """"(学位为博士 或 职称级别为正高级) 且 年薪≥50 且 非(用人单位类型为党政机关)" → a criterion tree.

    且 binds tighter than 或; parentheses (half or full width) group; 非(…) is an exception. Errors name the
    position (第N个字符) and what was expected, in Chinese."""
    source = (text or "").replace("(", "(").replace(")", ")").strip()
    if not source:
        raise RuleError("条件为空")
    pos = 0

    def where() -> str:
        return f"第{pos + 1}个字符处"

    def skip():
        nonlocal pos
        while pos < len(source) and source[pos].isspace():
            pos += 1

    def expr() -> dict:
        nonlocal pos
        parts = [term()]
        skip()
        while source.startswith("或", pos):
            pos += 1
            parts.append(term())
            skip()
        return parts[0] if len(parts) == 1 else {"any": parts}

    def term() -> dict:
        nonlocal pos
        parts = [factor()]
        skip()
        while source.startswith("且", pos):
            pos += 1
            parts.append(factor())
            skip()
        return parts[0] if len(parts) == 1 else {"all": parts}

    def factor() -> dict:
        nonlocal pos
        skip()
        if source.startswith("非(", pos):
            pos += 2
            inner = expr()
            skip()
            if not source.startswith(")", pos):
                raise RuleError(f"{where()}:缺少右括号")
            pos += 1
            return {"not": inner}
        if source.startswith("(", pos):
            pos += 1
            inner = expr()
            skip()
            if not source.startswith(")", pos):
                raise RuleError(f"{where()}:缺少右括号")
            pos += 1
            return inner
        start = pos
        while pos < len(source) and source[pos] not in "且或()":
            pos += 1
        return _parse_condition(source[start:pos], f"第{start + 1}个字符处")

    node = expr()
    skip()
    if pos < len(source):
        raise RuleError(f"{where()}:多余的“{source[pos:pos + 10]}”")
    return node
