"""免申即享: dry run shows who would get what and the cost against each fund; the real run grants, notifies, and is
idempotent."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from rencai.benefits import selectors, services
from rencai.benefits.models import AutoGrantRun, BenefitNotice, Claim, Entitlement, LedgerEntry
from rencai.core.exceptions import PermissionDenied

from .conftest import TODAY, blacklist, certify, make_talents, person, published_type


@pytest.fixture
def auto_world(world, system_admin):
    """A 免申即享 living allowance for C/B class doctors (registry proves it), plus the service 医疗绿色通道."""
    published_type(code="boshi", name="博士生活补贴", frequency="yearly", amount=Decimal(60000), duration_years=3,
                   tiers=("B", "C"), auto_grant=True,
                   conditions={"registry": {"field": "degree", "op": "eq", "value": "博士"}})
    # 丁: C class in 芦淞区 (fund 100,000) — with 乙 the district needs 120,000; 戊: blacklisted; 己: master's degree
    more = make_talents([person(4, 姓名="丁人才", 所属区县="芦淞区"), person(5, 姓名="戊人才"),
                         person(6, 姓名="己人才", 学历="硕士研究生", 学位="硕士")])
    certify(more["丁人才"], "C")
    certify(more["戊人才"], "C")
    certify(more["己人才"], "C")
    blacklist(more["戊人才"], by=system_admin)
    return {**world, **more}


def _by_talent(result):
    out = {}
    for item in result["items"]:
        out.setdefault(item["talent_name"], []).append((item["code"], item["status"], item["amount"]))
    return out


def test_dry_run_shows_who_gets_what_and_writes_nothing(auto_world):
    result = services.auto_grant_run(actor=None, dry_run=True, today=TODAY)
    got = _by_talent(result)
    # doctors of tier B/C get the allowance; everyone certified gets the green channel; 戊 (blacklisted) nothing
    assert sorted(got["甲人才"]) == [("boshi", "ok", Decimal("60000.00")), ("yiliao", "ok", Decimal("0.00"))]
    assert ("boshi", "ok", Decimal("60000.00")) in got["乙人才"]
    assert got["己人才"] == [("yiliao", "ok", Decimal("0.00"))]
    assert "戊人才" not in got and "丙人才" not in got
    # 芦淞区's fund (100,000) covers one of the two 60,000 allowances: the other is reported, not granted
    statuses = sorted(s for name in ("乙人才", "丁人才") for code, s, _ in got[name] if code == "boshi")
    assert statuses == ["insufficient", "ok"]
    funds = {f["fund_id"]: f for f in result["funds"]}
    fund_b = funds[auto_world["fund_b"].pk]
    assert (fund_b["cost"], fund_b["cost_all"], fund_b["sufficient"]) == (
        Decimal("60000.00"), Decimal("120000.00"), False)
    fund_a = funds[auto_world["fund_a"].pk]
    assert (fund_a["cost"], fund_a["sufficient"], fund_a["remaining_after"]) == (
        Decimal("60000.00"), True, Decimal("240000.00"))
    assert result["total"] == Decimal("120000.00")
    assert result["dry_run"] and result["run_id"] is None
    # nothing was written
    assert (Entitlement.objects.count(), Claim.objects.count(), BenefitNotice.objects.count(),
            AutoGrantRun.objects.count()) == (0, 0, 0, 0)


def test_real_run_grants_notifies_and_is_idempotent(auto_world, city_staff):
    dry = services.auto_grant_run(actor=None, dry_run=True, today=TODAY)
    real = services.auto_grant_run(actor=None, dry_run=False, today=TODAY)
    # the real run does what the dry run showed
    assert _by_talent(real) == _by_talent(dry)
    assert real["granted"] == dry["granted"] == 6 and real["total"] == Decimal("120000.00")
    assert Entitlement.objects.filter(source="auto").count() == 6
    claims = Claim.objects.filter(source="auto")
    assert sorted(claims.values_list("talent__name", "status", "amount")) == [
        ("乙人才", "approved", Decimal("60000.00")), ("甲人才", "approved", Decimal("60000.00"))] or \
        sorted(claims.values_list("talent__name", "status", "amount")) == [
        ("丁人才", "approved", Decimal("60000.00")), ("甲人才", "approved", Decimal("60000.00"))]
    notice = BenefitNotice.objects.get(talent=auto_world["甲人才"], claim__isnull=False)
    assert "免申即享" in notice.title and "博士生活补贴" in notice.body
    assert person(1)["身份证号"] not in notice.body
    assert AutoGrantRun.objects.get().granted == 6
    # no money moved yet: auto claims are approved and wait for payment, which works like any other claim
    assert LedgerEntry.objects.count() == 0
    entry = services.claim_pay(actor=city_staff, claim=claims.get(talent=auto_world["甲人才"]))
    assert entry.amount == Decimal("60000.00")
    # a second run grants nothing more
    again = services.auto_grant_run(actor=None, dry_run=False, today=TODAY)
    assert again["granted"] == 0 and Entitlement.objects.count() == 6 and BenefitNotice.objects.count() == 6
    # and the talent page shows entitled / received / remaining
    page = selectors.talent_benefits(actor=city_staff, talent=auto_world["甲人才"], today=TODAY)
    row = next(r for r in page["rows"] if r["type"].code == "boshi")
    assert (row["entitled"], row["received"], row["remaining"]) == (
        Decimal("180000.00"), Decimal("60000.00"), Decimal("120000.00"))


def test_manual_claim_is_refused_after_auto_grant(auto_world, district_a_officer):
    services.auto_grant_run(actor=None, dry_run=False, today=TODAY)
    boshi = Claim.objects.filter(source="auto", talent=auto_world["甲人才"]).get().benefit_type
    from rencai.core.exceptions import Conflict

    with pytest.raises(Conflict, match="不能重复申领"):
        services.claim_create(actor=district_a_officer, talent=auto_world["甲人才"], benefit_type=boshi, today=TODAY)


def test_only_the_talent_office_runs_it(auto_world, district_a_officer):
    with pytest.raises(PermissionDenied):
        services.auto_grant_run(actor=district_a_officer, dry_run=True, today=TODAY)


def test_command_dry_run_then_real_run(auto_world):
    out = StringIO()
    call_command("benefits_auto_grant", "--dry-run", "--date", TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "预览" in text and "博士生活补贴" in text and "资金不足" in text
    assert Entitlement.objects.count() == 0
    for t in ("甲人才", "乙人才"):  # ID numbers appear only masked
        assert auto_world[t].id_masked in text
    out = StringIO()
    call_command("benefits_auto_grant", "--date", TODAY.isoformat(), stdout=out)
    assert "已执行" in out.getvalue() and Entitlement.objects.count() == 6
