"""Who is entitled to what (pure reads, no scope): tier from the active certification, conditions over registry
facts (reusing certification.rules for the criterion language), periods and amounts.

Used by the claim services, the talent's entitlement page and 免申即享 alike, so all three agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .choices import DECLARATIONS, Frequency

ZERO = Decimal("0.00")
BLOCKING_BLACKLIST = ("active", "appealed")


def city_id_of(unit) -> int:
    """The root of a unit's tree (its city or new area)."""
    return int(unit.path.strip("/").split("/")[0])


def active_certification(talent, today: date | None = None):
    """The talent's active certified tier (人才认定, status 有效 and not past its validity), or None."""
    from rencai.certification.models import Certification

    today = today or date.today()
    return (Certification.objects.filter(talent=talent, status="active", valid_until__gte=today)
            .order_by("-certified_on", "-id").first())


def is_blacklisted(talent) -> bool:
    from rencai.certification.models import BlacklistEntry

    return BlacklistEntry.objects.filter(talent=talent, status__in=BLOCKING_BLACKLIST).exists()


def blacklisted_ids(talent_ids) -> set[int]:
    from rencai.certification.models import BlacklistEntry

    return set(BlacklistEntry.objects.filter(talent_id__in=list(talent_ids), status__in=BLOCKING_BLACKLIST)
               .values_list("talent_id", flat=True))


def _choice_values(spec) -> set[str]:
    return {c[0] if isinstance(c, (tuple, list)) else c for c in spec.choices}


def _choice(field_name: str, code: str, label: str) -> str:
    """The registry value as the criterion language spells it: the stored code if rules.FIELDS lists codes."""
    from rencai.certification import rules

    spec = rules.FIELDS.get(field_name)
    if not code:
        return ""
    if spec is not None and code in _choice_values(spec):
        return code
    return str(label)


def talent_facts(talent) -> dict:
    """Registry facts of one talent, keyed as certification.rules.FIELDS (its own `facts_of` when it has one)."""
    from rencai.certification import rules

    if hasattr(rules, "facts_of"):
        return rules.facts_of(talent)
    honours = [h.strip() for h in (talent.honours or "").replace(";", "、").replace(";", "、").split("、") if h.strip()]
    return {
        "education": _choice("education", talent.education, talent.get_education_display()),
        "degree": _choice("degree", talent.degree, talent.get_degree_display()),
        "title_level": _choice("title_level", talent.title_level, talent.get_title_level_display()),
        "skill_level": talent.skill_level or "",
        "annual_salary": talent.annual_salary,
        "birth_date": talent.birth_date,
        "honours": honours,
        "industry": talent.industry_code or "",
        "introduction_mode": _choice("introduction_mode", talent.introduction_mode,
                                     talent.get_introduction_mode_display()),
    }


def normalize_conditions(conditions):
    """Choice labels typed by a person ("博士") become the stored values the criterion language uses."""
    from rencai.certification import rules

    if isinstance(conditions, dict) and conditions.get("registry") and hasattr(rules, "normalize"):
        return {**conditions, "registry": rules.normalize(conditions["registry"])}
    return conditions


def declaration_label(code) -> str:
    if isinstance(code, dict):
        return str(code.get("label") or code.get("code") or "")
    return str(DECLARATIONS.get(code, code))


def declaration_code(item) -> str:
    return str(item.get("code")) if isinstance(item, dict) else str(item)


def validate_conditions(conditions) -> list[str]:
    """Problems in a benefit type's conditions JSON, in Chinese."""
    from rencai.certification import rules

    if conditions in (None, ""):
        return []
    if not isinstance(conditions, dict):
        return ["享受条件应为对象"]
    errors: list[str] = []
    unknown = set(conditions) - {"registry", "declarations", "introduced_within_years"}
    if unknown:
        errors.append(f"享受条件含未知项:{'、'.join(sorted(unknown))}")
    if conditions.get("registry"):
        errors += [f"库内条件:{e}" for e in rules.validate(conditions["registry"])]
    declarations = conditions.get("declarations") or []
    if not isinstance(declarations, list):
        errors.append("申报事项应为列表")
    else:
        for item in declarations:
            code = declaration_code(item)
            if not code or (not isinstance(item, dict) and code not in DECLARATIONS):
                errors.append(f"未知的申报事项“{code}”(自定义事项请写成 {{\"code\": …, \"label\": …}})")
    years = conditions.get("introduced_within_years")
    if years is not None and (isinstance(years, bool) or not isinstance(years, int) or years < 0):
        errors.append("引进年限应为非负整数")
    return errors


def describe_conditions(conditions) -> str:
    from rencai.certification import rules

    conditions = conditions or {}
    parts = []
    if conditions.get("registry"):
        parts.append(rules.describe(conditions["registry"]))
    if conditions.get("introduced_within_years") is not None:
        parts.append(f"引进{conditions['introduced_within_years']}年内")
    for item in conditions.get("declarations") or []:
        parts.append(f"{declaration_label(item)}(申报)")
    return " 且 ".join(parts)


@dataclass
class Verdict:
    ok: bool
    problems: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def registry_check(benefit_type, talent, *, tier: str | None, period_year: int, today: date) -> Verdict:
    """Tier and registry conditions (not the declarations a claimant makes)."""
    from rencai.certification import rules

    problems, reasons = [], []
    if not tier:
        problems.append("该人才没有有效的人才认定,不能享受按类别兑现的待遇。")
    elif tier not in (benefit_type.tiers or []):
        problems.append(f"“{benefit_type.name}”适用于 {'、'.join(benefit_type.tiers)} 类人才,该人才认定为 {tier} 类。")
    else:
        reasons.append(f"认定为{tier}类人才")
    conditions = benefit_type.conditions or {}
    criterion = conditions.get("registry")
    if criterion:
        ok, why = rules.evaluate(criterion, talent_facts(talent), today=today)
        if ok:
            reasons.extend(why)
        else:
            problems.append(f"不符合条件:{rules.describe(criterion)}。")
    years = conditions.get("introduced_within_years")
    if years is not None:
        if talent.introduced_on is None:
            problems.append("人才信息库中没有引进日期,无法确认是否在引进年限内。")
        elif period_year - talent.introduced_on.year > years:
            problems.append(f"引进已超过 {years} 年(引进日期 {talent.introduced_on:%Y-%m-%d})。")
        else:
            reasons.append(f"引进{years}年内")
    return Verdict(ok=not problems, problems=problems, reasons=reasons)


def declaration_problems(benefit_type, declarations: dict | None) -> list[str]:
    given = declarations or {}
    missing = [declaration_label(item) for item in benefit_type.declarations
               if not given.get(declaration_code(item))]
    return [f"请确认并提供证明材料:{'、'.join(missing)}。"] if missing else []


def periods(benefit_type, certification, today: date) -> list[str]:
    """The periods a certified talent may claim up to today: "once", or each year from certification on."""
    if benefit_type.frequency == Frequency.ONCE:
        return ["once"]
    start = certification.certified_on.year if certification else today.year
    last = today.year
    if benefit_type.duration_years:
        last = min(last, start + benefit_type.duration_years - 1)
    return [str(y) for y in range(start, last + 1)]


def entitled_total(benefit_type, certification) -> Decimal | None:
    """All the money the benefit is worth over its whole duration (None: a service)."""
    if not benefit_type.is_money:
        return None
    count = 1 if benefit_type.frequency == Frequency.ONCE else (benefit_type.duration_years or 1)
    total = benefit_type.amount * count
    if benefit_type.cap is not None:
        total = min(total, benefit_type.cap)
    return total


def period_amount(benefit_type, *, already: Decimal) -> Decimal:
    """What one period pays, within the cap given what the talent already received or has pending."""
    if not benefit_type.is_money:
        return ZERO
    amount = benefit_type.amount
    if benefit_type.cap is not None:
        amount = min(amount, max(ZERO, benefit_type.cap - already))
    return amount
