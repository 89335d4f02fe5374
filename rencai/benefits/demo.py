"""Demo benefits for 株洲: 安家补贴 by tier, 购房补贴 (首次在本市购房, declared when claiming), the service benefits,
and a 2026 人才发展专项资金 per district. Idempotent: a second run adds nothing. Needs no certification data."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

SETTLE = {"A": 1_000_000, "B": 500_000, "C": 200_000, "D": 100_000, "E": 30_000}
TIER_NAMES = {"A": "顶尖人才", "B": "国家级领军人才", "C": "省级领军人才", "D": "市级领军人才", "E": "高级/青年人才"}
SERVICES = [
    ("rencai-gongyu", "人才公寓", "A、B、C、D类人才可申请入住人才公寓,租金减免", ("A", "B", "C", "D")),
    ("luohu", "落户服务", "本人及配偶、子女随迁落户,即来即办", ("A", "B", "C", "D", "E")),
    ("yiliao", "医疗绿色通道", "凭人才卡在定点医院享受优先就诊", ("A", "B", "C", "D")),
    ("zinv-ruxue", "子女入学", "子女在本市义务教育阶段就近优先安排入学", ("A", "B", "C", "D")),
    ("peiou-jiuye", "配偶就业", "配偶就业由人社部门协调安置", ("A", "B", "C")),
]
BUDGETS = {"荷塘区": 8_000_000, "芦淞区": 6_000_000}
DEFAULT_BUDGET = 3_000_000
YEAR = 2026
VERSION = "2026版"
POLICY = "《株洲市高层次人才引进支持办法》"


@transaction.atomic
def load(*, stdout=None, **options) -> dict:
    from rencai.orgs.models import OrgUnit

    from . import services
    from .models import BenefitType, Fund

    city = OrgUnit.objects.filter(code="ZZ").first()
    if city is None:
        if stdout is not None:
            stdout.write("待遇兑现:未找到株洲市(请先加载组织机构演示数据),跳过。")
        return {"types": 0, "funds": 0}
    wanted = []
    for tier, amount in SETTLE.items():
        wanted.append(dict(code=f"anjia-{tier}", group_code="anjia", name=f"安家补贴({tier}类{TIER_NAMES[tier]})",
                           kind="amount", frequency="once", amount=Decimal(amount), tiers=[tier],
                           auto_grant=tier in ("D", "E"), policy_ref=POLICY,
                           description="认定后一次性发放;D、E类免申即享"))
    wanted.append(dict(code="goufang", name="购房补贴", kind="amount", frequency="once", amount=Decimal(100_000),
                       cap=Decimal(100_000), tiers=["A", "B", "C", "D"], policy_ref=POLICY,
                       conditions={"declarations": ["first_home_in_city"]},
                       description="首次在本市购买自住商品房的,申领时提供购房合同和不动产权证"))
    wanted.append(dict(code="shenghuo", name="生活补贴", kind="amount", frequency="yearly", amount=Decimal(24_000),
                       duration_years=3, cap=Decimal(72_000), tiers=["C", "D", "E"], policy_ref=POLICY,
                       conditions={"introduced_within_years": 3}, description="引进三年内按年发放"))
    for code, name, text, tiers in SERVICES:
        wanted.append(dict(code=code, name=name, kind="service", frequency="once", tiers=list(tiers),
                           auto_grant=code in ("yiliao", "luohu"), policy_ref=POLICY, description=text))
    types = 0
    for spec in wanted:
        if BenefitType.objects.filter(city=city, code=spec["code"]).exists():
            continue
        bt = services.benefit_type_create(actor=None, city=city, version_label=VERSION, **spec)
        services.benefit_type_publish(actor=None, benefit_type=bt)
        types += 1
    funds = 0
    for district in OrgUnit.objects.filter(parent=city, kind="district").order_by("sort_order", "pk"):
        if Fund.objects.filter(region=district, year=YEAR).exists():
            continue
        services.fund_create(actor=None, region=district, year=YEAR,
                             budget=Decimal(BUDGETS.get(district.name, DEFAULT_BUDGET)))
        funds += 1
    if stdout is not None:
        stdout.write(f"待遇兑现:新增待遇项目 {types} 项、{YEAR}年度人才发展专项资金 {funds} 个。")
    return {"types": types, "funds": funds}
