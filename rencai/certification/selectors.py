"""Reads for certification, always through the actor's scope."""

from __future__ import annotations

from datetime import date
from datetime import timezone as dt_timezone

from django.db.models import Count, QuerySet
from django.utils import timezone

from rencai.core.exceptions import NotFound
from rencai.core.scope import is_system, scope_for
from rencai.orgs.models import OrgUnit
from rencai.orgs.selectors import city_of

from . import classify
from .models import (
    Application,
    BlacklistEntry,
    Card,
    Catalogue,
    CatalogueVersion,
    Certification,
    ClassificationResult,
    ClassificationRun,
    Objection,
    ServiceProvider,
)
from .services import LEVEL_ROLES, current_level, levels_of, may_review, published_version

SERVICES = {
    "housing": "住房保障(人才公寓/购房)",
    "hukou": "落户",
    "medical": "医疗绿色通道",
    "schooling": "子女入学",
    "spouse_job": "配偶就业",
    "concierge": "全程代办",
}


def service_labels(codes) -> list[str]:
    return [SERVICES.get(c, c) for c in codes]


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧阳**: enough for a verifier to match the person in front of them."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)


def catalogues_for(actor) -> QuerySet[Catalogue]:
    return Catalogue.objects.visible_to(actor).select_related("city").order_by("city__code")


def catalogue_get(*, actor, pk) -> Catalogue:
    try:
        return catalogues_for(actor).get(pk=pk)
    except (Catalogue.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该人才分类目录,或您无权查看。") from None


def version_get(*, actor, pk) -> CatalogueVersion:
    try:
        return (CatalogueVersion.objects.visible_to(actor).select_related("catalogue__city")
                .prefetch_related("tiers", "rules__tier").get(pk=pk))
    except (CatalogueVersion.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该目录版本,或您无权查看。") from None


def version_preview(version: CatalogueVersion, *, today: date | None = None) -> dict:
    return classify.preview(version, today or timezone.localdate())


def last_runs(catalogue: Catalogue, limit: int = 10) -> list[ClassificationRun]:
    return list(ClassificationRun.objects.filter(version__catalogue=catalogue, preview=False)
                .select_related("version").order_by("-pk")[:limit])


def suggested_for(talent) -> dict | None:
    """The tier the latest classification run suggests for a talent, with the clause that decided it."""
    city = city_of(talent.region)
    run = (ClassificationRun.objects.filter(version__catalogue__city=city, preview=False, finished_at__isnull=False)
           .order_by("-pk").first())
    if run is None:
        return None
    result = (ClassificationResult.objects.filter(run=run, talent=talent).select_related("rule__tier", "rule__version")
              .first())
    return {"run": run, "rule": result.rule if result else None,
            "text": result.rule.explanation() if result else "不符合任何类别的认定条件"}


def applications_for(actor, *, status: str = "", mine_to_review: bool = False) -> QuerySet[Application]:
    qs = (Application.objects.visible_to(actor).select_related("talent", "region", "version__catalogue", "applicant")
          .order_by("-id"))
    if status:
        qs = qs.filter(status=status)
    if mine_to_review:
        scope = scope_for(actor)
        levels = [lv for lv, (roles, _label) in LEVEL_ROLES.items() if scope.everything or scope.roles & roles]
        qs = qs.filter(status=Application.Status.IN_REVIEW)
        qs = [a for a in qs[:500] if current_level(a) in levels and may_review(actor, a)]
    return qs


def application_get(*, actor, pk) -> Application:
    try:
        return (Application.objects.visible_to(actor)
                .select_related("talent", "region", "version__catalogue__city", "suggested_rule__tier", "applicant")
                .get(pk=pk))
    except (Application.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该申请,或您无权查看。") from None


def application_progress(application: Application) -> list[dict]:
    """The steps an applicant sees: each review level, publicity, certification — done, current or to come."""
    levels = levels_of(application)
    status = application.status
    steps = []
    for i, level in enumerate(levels):
        if status in (Application.Status.PUBLICITY, Application.Status.CERTIFIED) or i < application.level_index:
            state = "done"
        elif i == application.level_index and status in (Application.Status.IN_REVIEW, Application.Status.RETURNED,
                                                          Application.Status.REJECTED):
            state = "current"
        else:
            state = "todo"
        steps.append({"label": LEVEL_ROLES[level][1], "state": state})
    steps.append({"label": "公示", "state": "done" if status == Application.Status.CERTIFIED else
                  "current" if status == Application.Status.PUBLICITY else "todo"})
    steps.append({"label": "认定发卡", "state": "done" if status == Application.Status.CERTIFIED else "todo"})
    return steps


def publicity_list(*, city: OrgUnit | None = None, today: date | None = None) -> list[dict]:
    """The public 公示 list: masked name, employer, tier, period — nothing more."""
    today = today or timezone.localdate()
    qs = (Application.objects.filter(status=Application.Status.PUBLICITY, publicity_end__gte=today)
          .select_related("talent", "version__catalogue__city").order_by("publicity_end", "id"))
    if city is not None:
        qs = qs.filter(version__catalogue__city=city)
    rows = []
    for a in qs[:500]:
        tier = a.version.tiers.filter(code=a.requested_tier).first()
        rows.append({"pk": a.pk, "name": mask_name(a.talent.name), "employer": a.talent.employer_name,
                     "tier": f"{a.requested_tier}类({tier.name if tier else ''})", "city": a.version.catalogue.city.name,
                     "start": a.publicity_start, "end": a.publicity_end})
    return rows


def certifications_for(actor, *, status: str = "", tier: str = "") -> QuerySet[Certification]:
    qs = Certification.objects.visible_to(actor).select_related("talent", "region", "version").order_by("-id")
    if status:
        qs = qs.filter(status=status)
    if tier:
        qs = qs.filter(tier=tier)
    return qs


def certification_get(*, actor, pk) -> Certification:
    try:
        return certifications_for(actor).get(pk=pk)
    except (Certification.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该认定,或您无权查看。") from None


def blacklist_for(actor) -> QuerySet[BlacklistEntry]:
    return BlacklistEntry.objects.visible_to(actor).select_related("talent", "region", "decided_by").order_by("-id")


def objections_open(actor) -> QuerySet[Objection]:
    apps = Application.objects.visible_to(actor).filter(status=Application.Status.PUBLICITY)
    return Objection.objects.filter(application__in=apps, outcome=Objection.Outcome.OPEN).select_related(
        "application__talent")


def verifier_services(actor) -> list[str] | None:
    """The services the verifier's unit may grant (None: not a verifier — the public sees no benefits)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    if is_system(actor) or scope_for(actor).everything:
        return list(SERVICES)
    from rencai.orgs.models import Membership

    unit_ids = Membership.objects.filter(user=actor, role="verifier").values_list("unit_id", flat=True)
    codes: list[str] = []
    for provider in ServiceProvider.objects.filter(unit_id__in=list(unit_ids)):
        codes.extend(c for c in provider.services if c not in codes)
    return codes if unit_ids else None


_VERIFY_SQL = None
_TIER_SERVICES: dict[tuple[int, str], list[str]] = {}  # published versions never change: safe to keep


def _verify_sql() -> str:
    """One indexed lookup (card → certification → talent), written once: verification is the hottest read in the
    platform and the ORM's query compilation would cost more than the query."""
    global _VERIFY_SQL
    if _VERIFY_SQL is None:
        from rencai.talents.models import Talent

        _VERIFY_SQL = (
            f"SELECT k.status, k.expires_at, c.status, c.tier, c.tier_name, c.valid_until, c.version_id, t.name, "
            f"t.id_masked FROM {Card._meta.db_table} k "
            f"JOIN {Certification._meta.db_table} c ON c.id = k.certification_id "
            f"JOIN {Talent._meta.db_table} t ON t.id = c.talent_id WHERE k.public_id = %s")
    return _VERIFY_SQL


def _fetch_card(public_id: str):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_verify_sql(), [public_id])
        return cursor.fetchone()


def tier_services(version_id: int, tier: str) -> list[str]:
    """The card services of a tier in a version (cached: a published version never changes)."""
    key = (version_id, tier)
    if key not in _TIER_SERVICES:
        from .models import TierDefinition

        _TIER_SERVICES[key] = list(TierDefinition.objects.filter(version_id=version_id, code=tier)
                                   .values_list("services", flat=True).first() or [])
    return _TIER_SERVICES[key]


def verify_card(public_id: str, *, services: list[str] | None, today: date | None = None) -> dict:
    """What a verifier is shown (最小必要): valid or not, tier, masked name, a photo-free identity hint (last four
    characters of the ID, to compare with the document shown), and the services this verifier may grant."""
    from django.utils.dateparse import parse_date, parse_datetime

    from .cardcache import cache

    row = cache.get(public_id, _fetch_card)
    if row is None:
        return {"valid": False, "reason": "人才卡不存在"}
    card_status, expires_at, cert_status, tier, tier_name, valid_until, version_id, name, id_masked = row
    if isinstance(expires_at, str):
        expires_at = parse_datetime(expires_at)
    if timezone.is_naive(expires_at):  # SQLite keeps UTC without an offset
        expires_at = expires_at.replace(tzinfo=dt_timezone.utc)
    if isinstance(valid_until, str):
        valid_until = parse_date(valid_until)
    reason = ""
    if card_status == Card.Status.SUSPENDED or cert_status == Certification.Status.SUSPENDED:
        reason = "人才卡已暂停使用"
    elif card_status == Card.Status.REVOKED or cert_status == Certification.Status.REVOKED:
        reason = "人才卡已注销"
    elif cert_status == Certification.Status.EXPIRED or expires_at < timezone.now():
        reason = "人才卡已过期"
    if reason:
        return {"valid": False, "reason": reason}
    result = {"valid": True, "reason": "", "tier": tier, "tier_name": tier_name, "holder": mask_name(name),
              "id_hint": f"证件尾号 {id_masked[-4:]}", "valid_until": valid_until.isoformat()}
    if services is not None:
        result["services"] = service_labels([c for c in tier_services(version_id, tier) if c in services])
    return result


def calculator_result(city: OrgUnit, facts: dict, *, today: date | None = None) -> dict:
    """The policy calculator: the tier and services the current catalogue gives these facts, and why."""
    from .services import suggest

    version = published_version(city)
    if version is None:
        return {"version": None, "rule": None, "reasons": [], "services": []}
    rule, reasons = suggest(version, facts, today=today)
    return {"version": version, "rule": rule, "reasons": reasons,
            "services": service_labels(rule.tier.services) if rule else []}


def cities_with_catalogue() -> list[OrgUnit]:
    return [c.city for c in Catalogue.objects.filter(versions__status=CatalogueVersion.Status.PUBLISHED)
            .select_related("city").order_by("city__code").distinct()]


def tier_counts(actor) -> dict[str, int]:
    return dict(Certification.objects.visible_to(actor).filter(status=Certification.Status.ACTIVE)
                .values_list("tier").annotate(n=Count("id")).values_list("tier", "n"))
