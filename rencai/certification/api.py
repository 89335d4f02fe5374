"""Certification API: verification for service providers, the policy calculator, applications and review."""

from __future__ import annotations

from datetime import date

from ninja import Query, Router, Schema, Status

from rencai.core.exceptions import ApplicationError, PermissionDenied

from . import rules, selectors, services

router = Router(tags=["certification"])


class VerifyOut(Schema):
    valid: bool
    reason: str = ""
    tier: str | None = None
    tier_name: str | None = None
    holder: str | None = None
    id_hint: str | None = None
    valid_until: str | None = None
    services: list[str] | None = None


@router.get("/verify/{token}", auth=None, response={200: VerifyOut, 429: VerifyOut},
            summary="核验人才卡二维码(最小必要信息;限流;每次核验留痕)")
def verify(request, token: str):
    from .views import verify_token

    result, status = verify_token(request, token)
    return Status(status, result)


class CalculatorIn(Schema):
    city: str
    education: str | None = None
    degree: str | None = None
    title_level: str | None = None
    skill_level: str | None = None
    annual_salary: float | None = None
    age: int | None = None
    honours: str = ""
    industry: str | None = None
    employer_type: str = ""
    introduction_mode: str | None = None


class CalculatorOut(Schema):
    version: str | None
    tier: str | None
    tier_name: str | None
    clause: int | None
    basis: str | None
    reasons: list[str]
    services: list[str]


@router.get("/calculator", auth=None, response=CalculatorOut, summary="政策计算器(无需登录,不保存)")
def calculator(request, facts: Query[CalculatorIn]):
    from rencai.orgs.models import OrgUnit

    city = OrgUnit.objects.filter(code=facts.city, parent__isnull=True).first()
    if city is None:
        raise ApplicationError(f"没有城市代码“{facts.city}”。")
    result = selectors.calculator_result(city, facts.dict(exclude={"city"}))
    rule = result["rule"]
    return {"version": result["version"].label if result["version"] else None,
            "tier": rule.tier.code if rule else None, "tier_name": rule.tier.name if rule else None,
            "clause": rule.clause if rule else None, "basis": rule.explanation() if rule else None,
            "reasons": result["reasons"], "services": result["services"]}


class ApplicationOut(Schema):
    id: int
    talent_id: int
    talent_name: str
    id_masked: str
    region: str
    status: str
    status_display: str
    requested_tier: str
    suggested_tier: str
    suggestion_text: str
    current_level: str | None
    level_due: date | None
    publicity_end: date | None
    missing: str


def _application_out(a) -> dict:
    return {"id": a.pk, "talent_id": a.talent_id, "talent_name": a.talent.name, "id_masked": a.talent.id_masked,
            "region": a.region.name, "status": a.status, "status_display": a.get_status_display(),
            "requested_tier": a.requested_tier, "suggested_tier": a.suggested_tier,
            "suggestion_text": a.suggestion_text, "current_level": services.current_level(a),
            "level_due": a.level_due, "publicity_end": a.publicity_end, "missing": a.missing}


@router.get("/applications", response=list[ApplicationOut], summary="认定申请(按权限范围)")
def application_list(request, status: str = "", todo: bool = False):
    return [_application_out(a) for a in list(selectors.applications_for(request.user, status=status,
                                                                          mine_to_review=todo))[:200]]


@router.get("/applications/{application_id}", response=ApplicationOut, summary="认定申请详情")
def application_get(request, application_id: int):
    return _application_out(selectors.application_get(actor=request.user, pk=application_id))


class ReviewIn(Schema):
    decision: str
    reason: str = ""
    level: str | None = None


@router.post("/applications/{application_id}/review", response=ApplicationOut,
             summary="审核:approve 通过 / return 退回补充材料 / reject 不予认定")
def application_review(request, application_id: int, payload: ReviewIn):
    application = selectors.application_get(actor=request.user, pk=application_id)
    application = services.application_review(actor=request.user, application=application,
                                              decision=payload.decision, reason=payload.reason, level=payload.level)
    return _application_out(selectors.application_get(actor=request.user, pk=application.pk))


class CertificationOut(Schema):
    id: int
    certificate_no: str
    talent_id: int
    talent_name: str
    id_masked: str
    tier: str
    tier_name: str
    basis: str
    certified_on: date
    valid_until: date
    status: str


@router.get("/certifications", response=list[CertificationOut], summary="认定结果(按权限范围,证件号脱敏)")
def certification_list(request, status: str = "", tier: str = ""):
    return [{"id": c.pk, "certificate_no": c.certificate_no, "talent_id": c.talent_id, "talent_name": c.talent.name,
             "id_masked": c.talent.id_masked, "tier": c.tier, "tier_name": c.tier_name, "basis": c.basis,
             "certified_on": c.certified_on, "valid_until": c.valid_until, "status": c.status}
            for c in selectors.certifications_for(request.user, status=status, tier=tier)[:500]]


class RuleCheckIn(Schema):
    criteria: str | dict


@router.post("/rules/check", response=dict, summary="校验认定条件(文字写法或 JSON),返回规范形式")
def rule_check(request, payload: RuleCheckIn):
    node, text = services.criteria_from(payload.criteria)
    return {"criteria": node, "text": text, "fields": {k: v.label for k, v in rules.FIELDS.items()}}


@router.post("/classify", response=list[dict], summary="按现行目录重新评估人才信息库(人才工作部门)")
def classify(request):
    from .models import CatalogueVersion

    runs = []
    for version in CatalogueVersion.objects.visible_to(request.user).filter(status="published"):
        try:
            run = services.classify_version(actor=request.user, version=version)
        except PermissionDenied:
            continue
        runs.append({"run": run.pk, "catalogue": version.catalogue.name, "version": version.label,
                     "evaluated": run.evaluated, "counts": run.counts, "changed": run.changes.get("changed", 0)})
    if not runs:
        raise PermissionDenied("您没有可评估的人才分类目录。")
    return runs
