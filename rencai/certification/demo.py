"""Demo certification data: each seed city's classification catalogue (2024版, tiers A–E with numbered clauses),
the units that honour the card, one classification run, and a few hundred certifications with cards migrated from
a city's earlier system. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from rencai.orgs.models import OrgUnit

from . import services
from .models import CatalogueVersion, Certification, ClassificationResult, ClassificationRun, ServiceProvider

ALL = ["housing", "hukou", "medical", "schooling", "spouse_job", "concierge"]
TIERS = [
    ("A", "顶尖人才", ALL),
    ("B", "国家级领军人才", ALL),
    ("C", "省级领军人才", ["housing", "hukou", "medical", "schooling", "spouse_job"]),
    ("D", "市级领军人才", ["housing", "hukou", "medical", "schooling"]),
    ("E", "高级人才", ["housing", "hukou"]),
]
CLAUSES = [
    ("A", "国内外顶尖奖项和称号", "荣誉/奖项含诺贝尔奖、两院院士、国家最高科学技术奖之一"),
    ("B", "国家级人才计划和奖项", "荣誉/奖项含国家杰出青年科学基金、长江学者、国家科技进步一等奖、国家科技进步二等奖之一"),
    ("B", "正高级职称的高薪人才", "职称级别为正高级 且 年薪≥150万元"),
    ("C", "博士高薪人才", "学位为博士 且 年薪≥50万元"),
    ("C", "省级人才工程和国家级技能荣誉",
     "荣誉/奖项含国务院政府特殊津贴专家、省“百人计划”、全国五一劳动奖章、全国技术能手、省级重点人才工程之一"),
    ("D", "正高级职称或青年博士", "职称级别为正高级 或 (学位为博士 且 年龄≤40周岁)"),
    ("D", "市级以上荣誉和高技能人才", "荣誉/奖项含省技术能手、市优秀专家、省芙蓉人才行动计划之一 或 职业资格/技能等级含高级技师之一"),
    ("E", "青年硕士、副高级职称和技师(机关人员除外)",
     "(学历为硕士研究生 且 年龄≤35周岁 或 职称级别为副高级 或 职业资格/技能等级为技师) 且 非(用人单位类型为党政机关)"),
]
PROVIDERS = {"WJW": ["medical"], "JYJ": ["schooling"], "FCJ": ["housing"], "RSJ": ["spouse_job", "concierge"],
             "GAJ": ["hukou"]}
LEGACY_PER_CITY = 60


@transaction.atomic
def _catalogue(city: OrgUnit):
    catalogue = services.catalogue_for(city)
    if catalogue.versions.exists():
        return None
    version = services.version_create(actor=None, catalogue=catalogue, label="2024版")
    for rank, (code, name, tier_services) in enumerate(TIERS, 1):
        services.tier_save(actor=None, version=version, code=code, name=name, rank=rank, services=tier_services)
    for clause, (tier, title, text) in enumerate(CLAUSES, 1):
        services.rule_save(actor=None, version=version, clause=clause, tier_code=tier, criteria=text, title=title)
    return services.version_publish(actor=None, version=version, effective_from=date(2024, 1, 1))


def _legacy_certifications(version: CatalogueVersion, run: ClassificationRun) -> int:
    """Certifications carried over from the city's earlier system for a sample of matched talents."""
    rows = list(ClassificationResult.objects.filter(run=run).order_by("talent_id")
                .values_list("talent_id", "rule_id")[:LEGACY_PER_CITY])
    if not rows:
        return 0
    from rencai.talents.models import Talent

    rules = {r.pk: r for r in version.rules.select_related("tier")}
    talents = Talent.objects.in_bulk([t for t, _ in rows])
    city = version.catalogue.city
    today = timezone.localdate()
    made = 0
    for i, (talent_id, rule_id) in enumerate(rows):
        rule, talent = rules[rule_id], talents[talent_id]
        certified_on = today - timedelta(days=30 + 11 * i)
        certification = Certification.objects.create(
            talent=talent, region=talent.region, version=version, rule=rule, tier=rule.tier.code,
            tier_name=rule.tier.name, basis=rule.explanation(),
            certificate_no=services._certificate_no(city, certified_on.year), certified_on=certified_on,
            valid_until=certified_on.replace(year=certified_on.year + 3))
        services.card_issue(actor=None, certification=certification)
        made += 1
    return made


def load(*, stdout=None, **options) -> dict:
    published, certified = 0, 0
    for city in OrgUnit.objects.filter(parent__isnull=True).order_by("code"):
        version = _catalogue(city)
        if version is None:
            continue
        published += 1
        for suffix, codes in PROVIDERS.items():
            unit = OrgUnit.objects.filter(code=f"{city.code}-{suffix}").first()
            if unit is not None:
                ServiceProvider.objects.get_or_create(unit=unit, defaults={"services": codes})
        run = services.classify_version(actor=None, version=version)
        with transaction.atomic():
            certified += _legacy_certifications(version, run)
    if stdout is not None:
        stdout.write(f"人才认定:发布分类目录 {published} 个,演示认定 {certified} 人。" if published
                     else "人才认定:分类目录已存在,未新增。")
    return {"catalogues": published, "certifications": certified}
