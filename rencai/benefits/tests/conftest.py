"""Benefits fixtures: 株洲 benefit types, 2026 funds for 荷塘区 (district A) and 芦淞区 (district B), certified talents."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from rencai.talents.tests.conftest import csv_bytes, person

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_talents(rows: list[dict]):
    """Import rows through the registry importer; returns the talents by name."""
    from rencai.talents.importers import talents_import_stream
    from rencai.talents.models import Talent

    result = talents_import_stream(actor=None, stream=csv_bytes(rows), filename="t.csv")
    assert result.committed, result.errors[:3]
    return {t.name: t for t in Talent.objects.select_related("region").filter(name__in=[r["姓名"] for r in rows])}


def certify(talent, tier: str, *, on: date = date(2026, 1, 10), years: int = 3, status: str = "active"):
    from rencai.certification.models import Catalogue, CatalogueVersion, Certification
    from rencai.orgs.models import OrgUnit

    city = OrgUnit.objects.get(code="ZZ")
    catalogue, _ = Catalogue.objects.get_or_create(city=city, defaults={"name": "株洲市人才分类目录"})
    version, _ = CatalogueVersion.objects.get_or_create(catalogue=catalogue, label="测试版",
                                                        defaults={"status": "published"})
    return Certification.objects.create(
        talent=talent, region=talent.region, version=version, tier=tier, tier_name=f"{tier}类", basis="测试认定",
        certificate_no=f"T-{talent.pk}-{tier}-{status}", certified_on=on, valid_until=on + timedelta(days=365 * years),
        status=status)


def blacklist(talent, *, by, status: str = "active"):
    from django.utils import timezone

    from rencai.certification.models import BlacklistEntry

    return BlacklistEntry.objects.create(talent=talent, region=talent.region, reason="提供虚假材料", evidence="核查记录",
                                         starts_on=TODAY, decided_by=by, decided_at=timezone.now(), status=status)


def published_type(*, code, name, kind="amount", frequency="once", amount=None, tiers=("A", "B", "C"), cap=None,
                   duration_years=None, conditions=None, auto_grant=False, group_code=""):
    from rencai.benefits import services
    from rencai.orgs.models import OrgUnit

    bt = services.benefit_type_create(
        actor=None, city=OrgUnit.objects.get(code="ZZ"), version_label="2026版", code=code, name=name, kind=kind,
        frequency=frequency, amount=amount, tiers=list(tiers), cap=cap, duration_years=duration_years,
        conditions=conditions or {}, auto_grant=auto_grant, group_code=group_code)
    return services.benefit_type_publish(actor=None, benefit_type=bt)


@pytest.fixture
def world(db):
    """Two districts' 2026 funds, three benefit types, and talents: 甲 (C类, 荷塘区), 乙 (B类, 芦淞区),
    丙 (not certified, 荷塘区)."""
    from rencai.benefits import services
    from rencai.orgs.models import OrgUnit

    a, b = OrgUnit.objects.get(code="ZZ-D01"), OrgUnit.objects.get(code="ZZ-D02")
    fund_a = services.fund_create(actor=None, region=a, year=2026, budget=Decimal(300000))
    fund_b = services.fund_create(actor=None, region=b, year=2026, budget=Decimal(100000))
    talents = make_talents([
        person(1, 姓名="甲人才"), person(2, 姓名="乙人才", 所属区县="芦淞区"), person(3, 姓名="丙人才"),
    ])
    certify(talents["甲人才"], "C")
    certify(talents["乙人才"], "B")
    settle = published_type(code="anjia-C", group_code="anjia", name="安家补贴(C类)", amount=Decimal(100000),
                            tiers=("C",))
    settle_b = published_type(code="anjia-B", group_code="anjia", name="安家补贴(B类)", amount=Decimal(200000),
                              tiers=("B",))
    housing = published_type(code="goufang", name="购房补贴", amount=Decimal(50000), tiers=("A", "B", "C", "D"),
                             conditions={"declarations": ["first_home_in_city"]})
    clinic = published_type(code="yiliao", name="医疗绿色通道", kind="service", tiers=("A", "B", "C", "D", "E"),
                            auto_grant=True)
    return {"a": a, "b": b, "fund_a": fund_a, "fund_b": fund_b, "settle": settle, "settle_b": settle_b,
            "housing": housing, "clinic": clinic, **talents}


def approved_claim(world, talent_name="甲人才", benefit="settle", **kwargs):
    """A claim through both review levels (by the system)."""
    from rencai.benefits import services

    claim = services.claim_create(actor=None, talent=world[talent_name], benefit_type=world[benefit], today=TODAY,
                                  **kwargs)
    claim = services.claim_approve(actor=None, claim=claim)
    return services.claim_approve(actor=None, claim=claim)
