"""Writes for certification: the catalogue and its versions, classification runs, applications through review and
publicity (公示) to certification, the card, the blacklist (失信黑名单) and revocation (退出机制)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from rencai.audit.services import audit_record
from rencai.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from rencai.core.scope import is_system, scope_for
from rencai.core.uploads import store_evidence
from rencai.orgs.models import OrgUnit
from rencai.orgs.selectors import city_of
from rencai.talents.models import Talent

from . import classify, rules
from .cardcache import cards_changed
from .models import (
    Application,
    BlacklistEntry,
    Card,
    Catalogue,
    CatalogueRule,
    CatalogueVersion,
    Certification,
    ClassificationRun,
    Evidence,
    Objection,
    ReviewStep,
    TierDefinition,
)

LEVEL_ROLES = {
    "reviewer": ({"reviewer"}, "主管部门审核"),
    "district": ({"district_officer"}, "区县审核"),
    "talent_office": ({"talent_office"}, "市人才办审核"),
}
DEFAULT_LEVELS = ["district", "talent_office"]
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 20
CARD_SALT = "rencai.certification.card"


# ---------------------------------------------------------------- helpers

def add_workdays(start: date, days: int) -> date:
    """`days` working days after `start` (weekends and RENCAI_HOLIDAYS skipped; RENCAI_WORKDAYS are 调休 Saturdays)."""
    holidays = set(getattr(settings, "RENCAI_HOLIDAYS", ()))
    makeup = set(getattr(settings, "RENCAI_WORKDAYS", ()))
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        iso = current.isoformat()
        if iso in makeup or (current.weekday() < 5 and iso not in holidays):
            left -= 1
    return current


def _covers(actor, unit: OrgUnit, roles: set[str]) -> bool:
    if is_system(actor):
        return True
    scope = scope_for(actor)
    if scope.everything:
        return True
    return bool(scope.roles & roles) and scope.covers_path(unit.path)


def _require_office(actor, unit: OrgUnit) -> None:
    if not _covers(actor, unit, {"talent_office"}):
        raise PermissionDenied("只有本市人才工作部门可以维护人才分类目录。")


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _today(now: datetime | None = None) -> date:
    return timezone.localdate(_now(now))


def _notify(user, title: str, body: str, key: str) -> None:
    if user is None:
        return
    from rencai.supervision.models import Notification

    Notification.objects.get_or_create(recipient=user, dedupe_key=key[:200], defaults={
        "kind": "info", "title": title[:200], "body": body, "created_at": timezone.now()})


# ---------------------------------------------------------------- catalogue

def catalogue_for(city: OrgUnit) -> Catalogue:
    catalogue, _ = Catalogue.objects.get_or_create(
        city=city, defaults={"name": f"{city.name}人才分类目录", "review_levels": DEFAULT_LEVELS})
    return catalogue


def published_version(city: OrgUnit) -> CatalogueVersion | None:
    return (CatalogueVersion.objects.filter(catalogue__city=city, status=CatalogueVersion.Status.PUBLISHED)
            .select_related("catalogue__city").first())


@transaction.atomic
def catalogue_settings_save(*, actor, catalogue: Catalogue, review_levels: list[str], level_deadline_days: int,
                            publicity_days: int, card_valid_years: int) -> Catalogue:
    _require_office(actor, catalogue.city)
    unknown = [level for level in review_levels if level not in LEVEL_ROLES]
    if not review_levels or unknown:
        raise ApplicationError(f"审核层级无效:{'、'.join(unknown) or '至少需要一级'}(可选:"
                               f"{'、'.join(f'{k}={v[1]}' for k, v in LEVEL_ROLES.items())})。")
    if not (1 <= publicity_days <= 30) or not (1 <= level_deadline_days <= 60) or not (1 <= card_valid_years <= 10):
        raise ApplicationError("公示期应为 1–30 个工作日,审核时限 1–60 个工作日,人才卡有效期 1–10 年。")
    before = {"review_levels": catalogue.review_levels, "publicity_days": catalogue.publicity_days}
    catalogue.review_levels, catalogue.level_deadline_days = review_levels, level_deadline_days
    catalogue.publicity_days, catalogue.card_valid_years = publicity_days, card_valid_years
    catalogue.save()
    audit_record(actor=actor, action="certification.catalogue.settings", obj=catalogue,
                 changes={"before": before, "after": {"review_levels": review_levels, "publicity_days": publicity_days}})
    return catalogue


def _draft(version: CatalogueVersion) -> None:
    if not version.is_editable:
        raise Conflict(f"{version.label} 已发布,不能修改;请基于它新建一个版本。", code="version_published")


@transaction.atomic
def version_create(*, actor, catalogue: Catalogue, label: str, based_on: CatalogueVersion | None = None
                   ) -> CatalogueVersion:
    """A new draft version, copying the tiers and clauses of `based_on` (default: the version in force)."""
    _require_office(actor, catalogue.city)
    label = (label or "").strip()
    if not label:
        raise ApplicationError("请填写版本名称,如“2026版”。")
    if catalogue.versions.filter(label=label).exists():
        raise Conflict(f"版本“{label}”已存在。")
    based_on = based_on or catalogue.versions.filter(status=CatalogueVersion.Status.PUBLISHED).first()
    version = CatalogueVersion.objects.create(catalogue=catalogue, label=label, based_on=based_on)
    if based_on is not None:
        tiers = {}
        for tier in based_on.tiers.all():
            tiers[tier.pk] = TierDefinition.objects.create(version=version, code=tier.code, name=tier.name,
                                                           rank=tier.rank, services=list(tier.services))
        for rule in based_on.rules.all():
            CatalogueRule.objects.create(version=version, tier=tiers[rule.tier_id], clause=rule.clause,
                                         title=rule.title, criteria=rule.criteria, criteria_text=rule.criteria_text)
    audit_record(actor=actor, action="certification.version.create", obj=version,
                 extra={"based_on": based_on.label if based_on else None})
    return version


@transaction.atomic
def tier_save(*, actor, version: CatalogueVersion, code: str, name: str, rank: int,
              services: list[str] | None = None) -> TierDefinition:
    _require_office(actor, version.catalogue.city)
    _draft(version)
    code, name = (code or "").strip().upper(), (name or "").strip()
    if not code or len(code) > 2 or not name:
        raise ApplicationError("类别代码(1–2 个字母,如 A)和类别名称都必须填写。")
    tier, created = TierDefinition.objects.update_or_create(
        version=version, code=code, defaults={"name": name, "rank": int(rank), "services": list(services or [])})
    audit_record(actor=actor, action="certification.tier.save", obj=version,
                 extra={"tier": code, "created": created})
    return tier


def criteria_from(text_or_node) -> tuple[dict, str]:
    """Criteria typed as text (the editing syntax) or given as JSON → (validated tree, its text)."""
    try:
        node = rules.parse_text(text_or_node) if isinstance(text_or_node, str) else rules.normalize(text_or_node)
    except rules.RuleError as exc:
        raise ApplicationError(f"认定条件有误:{exc}", code="bad_criteria") from None
    errors = rules.validate(node)
    if errors:
        raise ApplicationError("认定条件有误:" + ";".join(errors), code="bad_criteria")
    return node, rules.describe(node)


@transaction.atomic
def rule_save(*, actor, version: CatalogueVersion, clause: int, tier_code: str, criteria, title: str = ""
              ) -> CatalogueRule:
    _require_office(actor, version.catalogue.city)
    _draft(version)
    tier = version.tiers.filter(code=(tier_code or "").strip().upper()).first()
    if tier is None:
        raise ApplicationError(f"第{clause}条:本版本没有类别“{tier_code}”,请先添加类别。")
    try:
        clause = int(clause)
    except (TypeError, ValueError):
        raise ApplicationError("条款号应为正整数。") from None
    if clause < 1:
        raise ApplicationError("条款号应为正整数。")
    node, text = criteria_from(criteria)
    rule, created = CatalogueRule.objects.update_or_create(
        version=version, clause=clause,
        defaults={"tier": tier, "criteria": node, "criteria_text": text[:1000], "title": (title or "")[:200]})
    audit_record(actor=actor, action="certification.rule.save", obj=version,
                 extra={"clause": clause, "tier": tier.code, "criteria": text, "created": created})
    return rule


@transaction.atomic
def rule_delete(*, actor, rule: CatalogueRule) -> None:
    _require_office(actor, rule.version.catalogue.city)
    _draft(rule.version)
    audit_record(actor=actor, action="certification.rule.delete", obj=rule.version, extra={"clause": rule.clause})
    rule.delete()


@transaction.atomic
def version_publish(*, actor, version: CatalogueVersion, effective_from: date | None = None,
                    now: datetime | None = None) -> CatalogueVersion:
    """Put a draft in force; the version in force until now is superseded (its decisions keep pointing at it)."""
    version = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
    _require_office(actor, version.catalogue.city)
    _draft(version)
    if not version.tiers.exists() or not version.rules.exists():
        raise ApplicationError("该版本还没有类别或条款,不能发布。")
    problems = [f"第{r.clause}条:{e}" for r in version.rules.all() for e in rules.validate(r.criteria)]
    if problems:
        raise ApplicationError("以下条款有误,不能发布:" + ";".join(problems))
    empty = [t.code for t in version.tiers.all() if not t.rules.exists()]
    if empty:
        raise ApplicationError(f"类别 {'、'.join(empty)} 没有任何条款,不能发布。")
    CatalogueVersion.objects.filter(catalogue=version.catalogue, status=CatalogueVersion.Status.PUBLISHED).update(
        status=CatalogueVersion.Status.SUPERSEDED)
    version.status, version.published_at, version.published_by = (
        CatalogueVersion.Status.PUBLISHED, _now(now), actor if getattr(actor, "is_authenticated", False) else None)
    version.effective_from = effective_from or _today(now)
    version.save()
    audit_record(actor=actor, action="certification.version.publish", obj=version)
    return version


# ---------------------------------------------------------------- classification

def classify_version(*, actor, version: CatalogueVersion, today: date | None = None,
                     now: datetime | None = None) -> ClassificationRun:
    """Evaluate every registry talent of the version's city in SQL; record the counts and the change against the
    previous run. One transaction: a failed run leaves nothing behind."""
    if actor is not None:
        _require_office(actor, version.catalogue.city)
    today = today or _today(now)
    with transaction.atomic():
        run = ClassificationRun.objects.create(version=version, started_at=_now(now),
                                               actor=actor if getattr(actor, "is_authenticated", False) else None)
        classify.insert_results(run, today)
        previous = classify.previous_run(version, before=run.pk)
        summary = classify.diff_runs(run, previous)
        run.counts = {tier: v["after"] for tier, v in summary["by_tier"].items()}
        run.evaluated = classify.city_talents(version).count()
        run.changes = summary
        run.finished_at = timezone.now()
        run.save()
        audit_record(actor=actor, action="certification.classify", obj=run,
                     extra={"evaluated": run.evaluated, "counts": run.counts, "changed": summary["changed"]})
    classify.prune(version)
    return run


def classify_all(*, actor=None, today: date | None = None) -> list[ClassificationRun]:
    versions = CatalogueVersion.objects.filter(status=CatalogueVersion.Status.PUBLISHED).select_related(
        "catalogue__city")
    return [classify_version(actor=actor, version=v, today=today) for v in versions]


# ---------------------------------------------------------------- applications

def suggest(version: CatalogueVersion, facts: dict, *, today: date | None = None
            ) -> tuple[CatalogueRule | None, list[str]]:
    """The first clause (highest tier first) the facts satisfy, and the conditions that made it."""
    for rule in classify.ordered_rules(version):
        ok, reasons = rules.evaluate(rule.criteria, facts, today=today)
        if ok:
            return rule, reasons
    return None, []


def _blacklisted(talent: Talent, on: date) -> BlacklistEntry | None:
    return (BlacklistEntry.objects.filter(talent=talent, status__in=[BlacklistEntry.Status.ACTIVE,
                                                                       BlacklistEntry.Status.APPEALED],
                                          starts_on__lte=on)
            .exclude(ends_on__lt=on).first())


def _may_apply_for(actor, talent: Talent) -> bool:
    if is_system(actor):
        return True
    scope = scope_for(actor)
    if scope.everything:
        return True
    if "talent" in scope.roles:
        return True  # applying for oneself; identity was matched by name and ID number
    return bool(scope.roles & {"talent_office", "district_officer"}) and scope.covers_path(talent.region.path)


@transaction.atomic
def application_create(*, actor, talent: Talent, requested_tier: str = "", statement: str = "",
                       now: datetime | None = None) -> Application:
    """Start an application (draft) pre-filled from the registry, with the tier the catalogue suggests and why."""
    if not _may_apply_for(actor, talent):
        raise PermissionDenied("您不能为该人才提交认定申请。")
    city = city_of(talent.region)
    version = published_version(city)
    if version is None:
        raise ApplicationError(f"{city.name}尚未发布人才分类目录,暂不能申请认定。", code="no_catalogue")
    today = _today(now)
    entry = _blacklisted(talent, today)
    if entry is not None:
        raise ApplicationError("该人才在失信黑名单期内,不能申请认定。", code="blacklisted")
    if Application.objects.filter(talent=talent, status__in=[Application.Status.DRAFT, Application.Status.IN_REVIEW,
                                                             Application.Status.RETURNED,
                                                             Application.Status.PUBLICITY]).exists():
        raise Conflict("该人才已有一份办理中的认定申请。", code="application_open")
    facts = rules.facts_of(talent)
    rule, reasons = suggest(version, facts, today=today)
    tier_codes = set(version.tiers.values_list("code", flat=True))
    requested = (requested_tier or (rule.tier.code if rule else "")).strip().upper()
    if requested and requested not in tier_codes:
        raise ApplicationError(f"申请类别“{requested}”不在{version.label}目录中。")
    application = Application.objects.create(
        talent=talent, applicant=actor, region=talent.region, version=version, requested_tier=requested,
        suggested_tier=rule.tier.code if rule else "", suggested_rule=rule,
        suggestion_text=rule.explanation() if rule else "按现有信息不符合任何类别的认定条件",
        facts={k: (v.isoformat() if isinstance(v, date) else str(v) if v is not None else None)
               for k, v in facts.items()},
        statement=statement or "")
    ReviewStep.objects.create(application=application, decision=ReviewStep.Decision.SUBMIT, actor=actor,
                              actor_name=_name(actor), at=_now(now), reason="创建申请")
    audit_record(actor=actor, action="certification.application.create", obj=application,
                 extra={"suggested": application.suggested_tier, "requested": requested})
    return application


def _name(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "系统"
    return getattr(actor, "full_name", "") or actor.get_username()


def _owns(actor, application: Application) -> bool:
    return getattr(actor, "pk", None) == application.applicant_id or is_system(actor)


@transaction.atomic
def evidence_add(*, actor, application: Application, upload, kind: str) -> Evidence:
    if not _owns(actor, application):
        raise PermissionDenied("只有申请人可以上传申请材料。")
    if application.status not in (Application.Status.DRAFT, Application.Status.RETURNED):
        raise Conflict("申请已提交,审核期间不能更改材料。")
    if application.evidence.count() >= MAX_EVIDENCE_FILES:
        raise ApplicationError(f"每份申请最多 {MAX_EVIDENCE_FILES} 个材料。")
    stored = store_evidence(upload, folder="certification", max_bytes=MAX_EVIDENCE_BYTES)
    evidence = Evidence.objects.create(application=application, kind=(kind or "证明材料")[:50],
                                       filename=upload.name[:255], stored_path=stored.path,
                                       content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                       uploaded_by=actor)
    audit_record(actor=actor, action="certification.evidence.add", obj=application,
                 extra={"kind": evidence.kind, "sha256": stored.sha256})
    return evidence


def _lock(application: Application, expected: set[str]) -> Application:
    fresh = Application.objects.select_for_update().select_related("version__catalogue__city", "region").get(
        pk=application.pk)
    if fresh.status not in expected:
        raise Conflict(f"申请当前状态为“{fresh.get_status_display()}”,不能进行此操作(可能已被他人处理,请刷新)。",
                       code="stale_application")
    return fresh


def levels_of(application: Application) -> list[str]:
    return list(application.version.catalogue.review_levels or DEFAULT_LEVELS)


def current_level(application: Application) -> str | None:
    levels = levels_of(application)
    return levels[application.level_index] if application.level_index < len(levels) else None


@transaction.atomic
def application_submit(*, actor, application: Application, now: datetime | None = None) -> Application:
    """Submit (or resubmit after a return): evidence is required; review starts at the first level, or again at the
    level that returned it."""
    application = _lock(application, {Application.Status.DRAFT, Application.Status.RETURNED})
    if not _owns(actor, application):
        raise PermissionDenied("只有申请人可以提交申请。")
    today = _today(now)
    if _blacklisted(application.talent, today):
        raise ApplicationError("该人才在失信黑名单期内,不能提交认定申请。", code="blacklisted")
    if not application.evidence.exists():
        raise ApplicationError("请至少上传一份证明材料(学历学位、职称、荣誉或收入证明)后再提交。",
                               code="evidence_missing")
    if not application.requested_tier:
        raise ApplicationError("请选择申请的人才类别。")
    resubmit = application.status == Application.Status.RETURNED
    application.status = Application.Status.IN_REVIEW
    application.level_due = add_workdays(today, application.version.catalogue.level_deadline_days)
    application.submitted_at = application.submitted_at or _now(now)
    application.missing = ""
    application.version_lock += 1
    application.save()
    ReviewStep.objects.create(application=application, decision=ReviewStep.Decision.SUBMIT, actor=actor,
                              actor_name=_name(actor), at=_now(now), reason="重新提交" if resubmit else "提交申请")
    audit_record(actor=actor, action="certification.application.submit", obj=application,
                 extra={"resubmit": resubmit})
    return application


def may_review(actor, application: Application) -> bool:
    level = current_level(application)
    if application.status != Application.Status.IN_REVIEW or level is None:
        return False
    roles, _label = LEVEL_ROLES[level]
    return _covers(actor, application.region, roles)


@transaction.atomic
def application_review(*, actor, application: Application, decision: str, reason: str = "",
                       level: str | None = None, now: datetime | None = None) -> Application:
    """Approve (to the next level, or to publicity after the last), return for more material, or reject.
    `level` is the level the reviewer saw: a second click after the level moved on is a conflict, not a new step."""
    application = _lock(application, {Application.Status.IN_REVIEW})
    if level is not None and level != current_level(application):
        raise Conflict("该申请已由本级办理完毕(可能是重复提交),请刷新页面。", code="stale_application")
    if not may_review(actor, application):
        raise PermissionDenied("您不是该申请当前审核层级的审核人。")
    level = current_level(application)
    reason = (reason or "").strip()
    if decision in ("return", "reject") and not reason:
        raise ApplicationError("退回或不予认定时必须写明理由。", code="reason_required")
    today = _today(now)
    if decision == "approve":
        if application.level_index + 1 < len(levels_of(application)):
            application.level_index += 1
            application.level_due = add_workdays(today, application.version.catalogue.level_deadline_days)
        else:
            application.status = Application.Status.PUBLICITY
            application.publicity_start = today
            application.publicity_end = add_workdays(today, application.version.catalogue.publicity_days)
            application.level_due = None
    elif decision == "return":
        application.status = Application.Status.RETURNED
        application.missing = reason
        _notify(application.applicant, "认定申请被退回补充材料", reason,
                f"cert-return-{application.pk}-{application.version_lock}")
    elif decision == "reject":
        application.status = Application.Status.REJECTED
        application.decision_reason = reason
        _notify(application.applicant, "认定申请未通过", reason, f"cert-reject-{application.pk}")
    else:
        raise ApplicationError(f"未知的审核意见“{decision}”。")
    application.version_lock += 1
    application.save()
    ReviewStep.objects.create(application=application, level=level, decision=decision, reason=reason, actor=actor,
                              actor_name=_name(actor), at=_now(now))
    audit_record(actor=actor, action=f"certification.application.{decision}", obj=application,
                 extra={"level": level, "reason": reason})
    return application


@transaction.atomic
def objection_raise(*, application: Application, text: str, contact: str = "",
                    now: datetime | None = None) -> Objection:
    """Anyone may object while the application is in publicity (no login)."""
    application = _lock(application, {Application.Status.PUBLICITY})
    today = _today(now)
    if application.publicity_end and today > application.publicity_end:
        raise Conflict("公示期已结束,不再受理异议。")
    text = (text or "").strip()
    if len(text) < 5:
        raise ApplicationError("请写明异议的具体内容(至少 5 个字)。")
    objection = Objection.objects.create(application=application, text=text[:5000], contact=(contact or "")[:100],
                                         received_at=_now(now))
    audit_record(actor=None, action="certification.objection.raise", obj=application,
                 extra={"objection": objection.pk})
    return objection


@transaction.atomic
def objection_handle(*, actor, objection: Objection, upheld: bool, resolution: str,
                     now: datetime | None = None) -> Objection:
    """Record the outcome; an upheld objection ends the application as not certified."""
    objection = Objection.objects.select_for_update().select_related("application__region").get(pk=objection.pk)
    if not _covers(actor, objection.application.region, {"talent_office"}):
        raise PermissionDenied("只有人才工作部门可以处理公示异议。")
    if objection.outcome != Objection.Outcome.OPEN:
        raise Conflict("该异议已处理。")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ApplicationError("请写明异议核查情况和处理意见。")
    objection.outcome = Objection.Outcome.UPHELD if upheld else Objection.Outcome.DISMISSED
    objection.resolution, objection.handled_by, objection.handled_at = resolution, actor, _now(now)
    objection.save()
    application = objection.application
    if upheld:
        application = _lock(application, {Application.Status.PUBLICITY})
        application.status = Application.Status.REJECTED
        application.decision_reason = f"公示异议成立:{resolution}"
        application.save()
        _notify(application.applicant, "认定申请公示异议成立", resolution, f"cert-objection-{objection.pk}")
    ReviewStep.objects.create(application=application, decision=ReviewStep.Decision.OBJECTION,
                              reason=f"{'异议成立' if upheld else '异议不成立'}:{resolution}", actor=actor,
                              actor_name=_name(actor), at=_now(now))
    audit_record(actor=actor, action="certification.objection.handle", obj=application,
                 extra={"objection": objection.pk, "upheld": upheld})
    return objection


def _certificate_no(city: OrgUnit, year: int) -> str:
    prefix = f"{city.code}-{year}-"
    last = (Certification.objects.filter(certificate_no__startswith=prefix).order_by("-certificate_no")
            .values_list("certificate_no", flat=True).first())
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) + 1) if last else 1:06d}"


@transaction.atomic
def publicity_close(*, actor, application: Application, now: datetime | None = None) -> Certification:
    """After the publicity period with no open objection: certify and issue the card."""
    application = _lock(application, {Application.Status.PUBLICITY})
    if actor is not None and not _covers(actor, application.region, {"talent_office"}):
        raise PermissionDenied("只有人才工作部门可以办结认定。")
    today = _today(now)
    if application.publicity_end and today <= application.publicity_end:
        raise Conflict(f"公示期至 {application.publicity_end:%Y-%m-%d},期满后才能办结认定。", code="publicity_running")
    if application.objections.filter(outcome=Objection.Outcome.OPEN).exists():
        raise Conflict("还有未处理的公示异议。", code="objection_open")
    if _blacklisted(application.talent, today):
        raise ApplicationError("该人才已被列入失信黑名单,不能认定。", code="blacklisted")
    version = application.version
    tier = version.tiers.get(code=application.requested_tier)
    rule = application.suggested_rule if application.suggested_tier == tier.code else None
    basis = rule.explanation() if rule else f"{tier.code}类:经{'、'.join(LEVEL_ROLES[lv][1] for lv in levels_of(application))}及公示认定,{version.label}"
    Certification.objects.filter(talent=application.talent, status=Certification.Status.ACTIVE).update(
        status=Certification.Status.EXPIRED, status_reason="被新的认定取代", status_changed_at=_now(now))
    cards_changed()
    catalogue = version.catalogue
    try:
        valid_until = today.replace(year=today.year + catalogue.card_valid_years)
    except ValueError:
        valid_until = today.replace(year=today.year + catalogue.card_valid_years, day=28)
    certification = Certification.objects.create(
        talent=application.talent, region=application.region, application=application, version=version, rule=rule,
        tier=tier.code, tier_name=tier.name, basis=basis[:1000],
        certificate_no=_certificate_no(catalogue.city, today.year), certified_on=today, valid_until=valid_until)
    application.status = Application.Status.CERTIFIED
    application.save()
    ReviewStep.objects.create(application=application, decision=ReviewStep.Decision.CERTIFY, reason=basis,
                              actor=actor, actor_name=_name(actor), at=_now(now))
    card = card_issue(actor=actor, certification=certification, now=now)
    _notify(application.applicant, "人才认定已完成", f"认定为{tier.code}类({tier.name}),人才卡已发放。",
            f"cert-done-{application.pk}")
    audit_record(actor=actor, action="certification.certify", obj=certification,
                 extra={"application": application.pk, "tier": tier.code, "card": card.pk})
    return certification


def publicity_close_due(*, today: date | None = None) -> list[Certification]:
    """The daily job: certify every application whose publicity ended with no open objection."""
    today = today or _today()
    done = []
    due = Application.objects.filter(status=Application.Status.PUBLICITY, publicity_end__lt=today)
    for application in due:
        if application.objections.filter(outcome=Objection.Outcome.OPEN).exists():
            continue
        try:
            done.append(publicity_close(actor=None, application=application,
                                        now=timezone.make_aware(datetime.combine(today, datetime.min.time()))))
        except ApplicationError:
            continue
    return done


# ---------------------------------------------------------------- card

@transaction.atomic
def card_issue(*, actor, certification: Certification, now: datetime | None = None) -> Card:
    issued = _now(now)
    expires = timezone.make_aware(datetime.combine(certification.valid_until, datetime.max.time()))
    Card.objects.filter(certification=certification, status=Card.Status.ACTIVE).update(
        status=Card.Status.REVOKED, status_reason="已补发新卡")
    card = Card.objects.create(certification=certification, issued_at=issued, expires_at=expires)
    cards_changed()
    audit_record(actor=actor, action="certification.card.issue", obj=card, extra={"certification": certification.pk})
    return card


def card_token(card: Card) -> str:
    """The QR payload: the card's random id and its expiry, signed with the site key — no personal data."""
    return signing.dumps({"c": card.public_id, "e": int(card.expires_at.timestamp())}, salt=CARD_SALT, compress=False)


def card_token_read(token: str) -> tuple[str | None, str]:
    """(card public id, "") for a genuine token, else (None, why). Expiry is checked by the caller against the DB."""
    try:
        data = signing.loads(token, salt=CARD_SALT)
    except signing.BadSignature:
        return None, "二维码无效(签名校验失败)"
    if not isinstance(data, dict) or not isinstance(data.get("c"), str) or not isinstance(data.get("e"), int):
        return None, "二维码无效"
    if data["e"] < timezone.now().timestamp():
        return None, "人才卡已过期"
    return data["c"], ""


# ---------------------------------------------------------------- blacklist and exit

@transaction.atomic
def blacklist_add(*, actor, talent: Talent, reason: str, evidence: str, starts_on: date,
                  ends_on: date | None = None, now: datetime | None = None) -> BlacklistEntry:
    """List a talent (失信): live certifications and cards are suspended at once, open applications stop."""
    if not _covers(actor, talent.region, {"talent_office"}):
        raise PermissionDenied("只有人才工作部门可以列入失信黑名单。")
    reason, evidence = (reason or "").strip(), (evidence or "").strip()
    if not reason or not evidence:
        raise ApplicationError("列入失信黑名单必须写明原因和证据。")
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError("截止日期不能早于起始日期。")
    entry = BlacklistEntry.objects.create(talent=talent, region=talent.region, reason=reason, evidence=evidence,
                                          starts_on=starts_on, ends_on=ends_on, decided_by=actor,
                                          decided_at=_now(now))
    suspended = _suspend(talent, f"失信黑名单 #{entry.pk}:{reason}", now)
    stopped = Application.objects.filter(
        talent=talent, status__in=[Application.Status.IN_REVIEW, Application.Status.RETURNED,
                                   Application.Status.PUBLICITY, Application.Status.DRAFT])
    for application in stopped:
        application.status = Application.Status.REJECTED
        application.decision_reason = "申请人被列入失信黑名单"
        application.save(update_fields=["status", "decision_reason", "updated_at"])
        _notify(application.applicant, "认定申请终止", "申请人被列入失信黑名单。", f"cert-bl-{entry.pk}-{application.pk}")
    for user_id in set(Application.objects.filter(talent=talent).values_list("applicant_id", flat=True)):
        from rencai.accounts.models import User

        _notify(User.objects.get(pk=user_id), "已被列入人才失信黑名单",
                f"原因:{reason}。如有异议可在期限内申诉。", f"cert-bl-{entry.pk}-u{user_id}")
    audit_record(actor=actor, action="certification.blacklist.add", obj=entry,
                 extra={"suspended_certifications": suspended, "applications_stopped": len(stopped)})
    return entry


def _suspend(talent: Talent, why: str, now) -> int:
    live = list(Certification.objects.select_for_update().filter(talent=talent, status=Certification.Status.ACTIVE))
    for certification in live:
        certification.status, certification.status_reason = Certification.Status.SUSPENDED, why
        certification.status_changed_at = _now(now)
        certification.save(update_fields=["status", "status_reason", "status_changed_at"])
        certification.cards.filter(status=Card.Status.ACTIVE).update(status=Card.Status.SUSPENDED, status_reason=why)
    cards_changed()
    return len(live)


@transaction.atomic
def blacklist_appeal(*, actor, entry: BlacklistEntry, text: str, now: datetime | None = None) -> BlacklistEntry:
    entry = BlacklistEntry.objects.select_for_update().get(pk=entry.pk)
    owns = Application.objects.filter(talent=entry.talent, applicant_id=getattr(actor, "pk", None)).exists()
    if not owns and not _covers(actor, entry.region, {"talent_office", "district_officer"}):
        raise PermissionDenied("只有当事人或人才工作部门可以提出申诉。")
    if entry.status != BlacklistEntry.Status.ACTIVE:
        raise Conflict("该记录当前不能申诉。")
    text = (text or "").strip()
    if len(text) < 5:
        raise ApplicationError("请写明申诉理由。")
    entry.status, entry.appeal_text, entry.appealed_at = BlacklistEntry.Status.APPEALED, text, _now(now)
    entry.save()
    audit_record(actor=actor, action="certification.blacklist.appeal", obj=entry)
    return entry


@transaction.atomic
def blacklist_close(*, actor, entry: BlacklistEntry, delist: bool, reason: str,
                    now: datetime | None = None) -> BlacklistEntry:
    """Delist (appeal upheld or period served: suspended certifications still in date are restored) or dismiss an
    appeal (the listing stands)."""
    entry = BlacklistEntry.objects.select_for_update().get(pk=entry.pk)
    if not _covers(actor, entry.region, {"talent_office"}):
        raise PermissionDenied("只有人才工作部门可以处理黑名单申诉和移出。")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请写明处理理由。")
    if entry.status not in (BlacklistEntry.Status.ACTIVE, BlacklistEntry.Status.APPEALED):
        raise Conflict("该记录已处理。")
    entry.closing_reason, entry.closed_by, entry.closed_at = reason, actor, _now(now)
    restored = 0
    if delist:
        entry.status = BlacklistEntry.Status.DELISTED
        entry.save()
        if not _blacklisted(entry.talent, _today(now)):
            today = _today(now)
            for certification in Certification.objects.filter(talent=entry.talent,
                                                               status=Certification.Status.SUSPENDED,
                                                               valid_until__gte=today):
                certification.status, certification.status_reason = Certification.Status.ACTIVE, f"移出黑名单:{reason}"
                certification.status_changed_at = _now(now)
                certification.save(update_fields=["status", "status_reason", "status_changed_at"])
                certification.cards.filter(status=Card.Status.SUSPENDED).update(status=Card.Status.ACTIVE,
                                                                                 status_reason="")
                restored += 1
            cards_changed()
    else:
        entry.status = BlacklistEntry.Status.ACTIVE
        entry.save()
    audit_record(actor=actor, action="certification.blacklist.delist" if delist else "certification.blacklist.appeal_dismissed",
                 obj=entry, extra={"reason": reason, "restored": restored})
    return entry


REVOCATION_REASONS = {"left_city": "离开本市", "fraud": "弄虚作假", "expired": "有效期届满", "other": "其他"}


@transaction.atomic
def certification_revoke(*, actor, certification: Certification, reason_kind: str, note: str = "",
                         now: datetime | None = None) -> Certification:
    """退出机制: end a certification and its cards, with the reason recorded."""
    certification = Certification.objects.select_for_update().get(pk=certification.pk)
    if not _covers(actor, certification.region, {"talent_office"}):
        raise PermissionDenied("只有人才工作部门可以撤销认定。")
    if reason_kind not in REVOCATION_REASONS:
        raise ApplicationError(f"撤销原因应为:{'、'.join(REVOCATION_REASONS.values())}。")
    if certification.status in (Certification.Status.REVOKED, Certification.Status.EXPIRED):
        raise Conflict("该认定已失效。")
    note = (note or "").strip()
    if reason_kind in ("fraud", "other") and not note:
        raise ApplicationError("请写明撤销的事实和依据。")
    why = f"{REVOCATION_REASONS[reason_kind]}{(':' + note) if note else ''}"
    certification.status = (Certification.Status.EXPIRED if reason_kind == "expired" else Certification.Status.REVOKED)
    certification.status_reason, certification.status_changed_at = why, _now(now)
    certification.save(update_fields=["status", "status_reason", "status_changed_at"])
    certification.cards.exclude(status=Card.Status.REVOKED).update(status=Card.Status.REVOKED, status_reason=why)
    cards_changed()
    if certification.application_id:
        _notify(certification.application.applicant, "人才认定已撤销", why, f"cert-revoke-{certification.pk}")
    audit_record(actor=actor, action="certification.revoke", obj=certification, extra={"reason": reason_kind})
    return certification


def talent_lookup_for_application(*, actor, name: str, id_number: str) -> Talent:
    """A talent applying for themselves finds their registry record by name and ID number together (both must
    match, so an ID alone reveals nothing). Staff use the registry search instead."""
    from rencai.talents.crypto import keyed_hash
    from rencai.talents.validation import CellError, parse_id_number

    try:
        _, normalised, _, _ = parse_id_number((id_number or "").strip())
    except CellError as exc:
        raise ApplicationError(f"证件号有误:{exc}", code="bad_id_number") from None
    talent = Talent.objects.select_related("region").filter(id_hash=keyed_hash(normalised)).first()
    audit_record(actor=actor, action="certification.application.lookup", object_type="talents.talent",
                 object_id=talent.pk if talent else "", extra={"found": bool(talent and talent.name == name.strip())})
    if talent is None or talent.name != (name or "").strip():
        raise NotFound("人才信息库中没有与该姓名和证件号一致的记录。请核对,或请用人单位/区县人才办先登记。")
    return talent


def overdue_reminders(*, today: date | None = None) -> int:
    """Remind the reviewers of every application past its level's deadline (once a day per application)."""
    from rencai.orgs.models import Membership

    today = today or _today()
    sent = 0
    overdue = Application.objects.filter(status=Application.Status.IN_REVIEW, level_due__lt=today).select_related(
        "region", "version__catalogue", "talent")
    for application in overdue:
        level = current_level(application)
        if level is None:
            continue
        roles, label = LEVEL_ROLES[level]
        # the reviewers: members in a role of this level whose unit is the region or one of its ancestors
        ancestors = [int(pk) for pk in application.region.path.strip("/").split("/")]
        for membership in Membership.objects.filter(role__in=roles, unit_id__in=ancestors).select_related("user"):
            _notify(membership.user, f"认定申请 #{application.pk} 已超过{label}期限",
                    f"{application.talent.name} 的认定申请应于 {application.level_due:%Y-%m-%d} 前完成{label},请尽快办理。",
                    f"cert-overdue-{application.pk}-{today.isoformat()}")
            sent += 1
    return sent
