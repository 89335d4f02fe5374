"""Builders for hand-computed fixtures: talents, certifications and targets written straight to the tables."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

_seq = itertools.count(1)


def talent(region, *, tier=None, industry="C39", introduced=None, education="bachelor", mode="full_time",
           title_level="ungraded", name="测试人才"):
    from rencai.talents.models import Talent

    n = next(_seq)
    now = timezone.now()
    return Talent.objects.create(
        name=f"{name}{n}", id_hash=f"hash-{n:06d}-{now.timestamp()}", id_masked="4302**********0000", pii="x",
        pii_key="k", region=region, tier=tier, industry_code=industry, industry_division=industry[:3],
        introduced_on=dt.date.fromisoformat(introduced) if introduced else None, education=education,
        introduction_mode=mode, title_level=title_level, created_at=now, updated_at=now)


def catalogue_version(city):
    from rencai.certification.models import Catalogue, CatalogueVersion

    catalogue, _ = Catalogue.objects.get_or_create(city=city, defaults={"name": f"{city.name}人才分类目录"})
    version, _ = CatalogueVersion.objects.get_or_create(catalogue=catalogue, label="测试版",
                                                        defaults={"status": "published"})
    return version


def certification(t, *, tier, certified_on, valid_until="2030-12-31", status="active", changed_at=None):
    from rencai.certification.models import Certification

    city = t.region.parent if t.region.parent_id else t.region
    while city.parent_id:
        city = city.parent
    n = next(_seq)
    return Certification.objects.create(
        talent=t, region=t.region, version=catalogue_version(city), tier=tier, tier_name=f"{tier}类", basis="测试",
        certificate_no=f"T{n:08d}", certified_on=dt.date.fromisoformat(certified_on),
        valid_until=dt.date.fromisoformat(valid_until), status=status,
        status_changed_at=timezone.make_aware(dt.datetime.fromisoformat(changed_at)) if changed_at else None)


def target(region, *, metric="引进高层次人才", value=10, reached=None, number=1, title="高层次人才引进工程"):
    from rencai.policies.models import PolicyDocument
    from rencai.supervision.models import Task, TaskTarget

    n = next(_seq)
    policy = PolicyDocument.objects.create(region=region, title=f"测试政策{n}", sha256=f"{n:064d}", status="published")
    task = Task.objects.create(policy=policy, region=region, number=number, title=title, external_id=f"rt-{n}")
    return TaskTarget.objects.create(task=task, text=f"引进{value}名", metric=metric, value=value, unit="名",
                                     reached=reached)
