"""Claims, review, payouts, reversals and the fund ledger."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from rencai.audit.models import AuditEntry
from rencai.benefits import selectors, services
from rencai.benefits.models import Claim, Entitlement, Fund, LedgerEntry
from rencai.core.exceptions import ApplicationError, Conflict, PermissionDenied
from rencai.core.testing import assert_denied

from .conftest import TODAY, approved_claim, blacklist, published_type


def test_claim_goes_through_two_levels_and_is_paid_once(world, district_a_officer, city_staff):
    # given: a C-class talent in 荷塘区 claims 安家补贴, handled by the district then the city talent office
    claim = services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=world["settle"],
                                  today=TODAY)
    assert (claim.status, claim.amount, claim.current_level) == ("submitted", Decimal("100000.00"), "district")
    # a district officer may not do the city's level
    claim = services.claim_approve(actor=district_a_officer, claim=claim)
    assert (claim.status, claim.current_level) == ("reviewing", "talent_office")
    with pytest.raises(PermissionDenied):
        services.claim_approve(actor=district_a_officer, claim=claim)
    claim = services.claim_approve(actor=city_staff, claim=claim)
    assert claim.status == "approved" and claim.fund == world["fund_a"]
    assert Entitlement.objects.get(talent=world["甲人才"], benefit_key="anjia").source == "application"
    # when: paid
    entry = services.claim_pay(actor=city_staff, claim=claim)
    # then: one payout, the fund's balance moved, the claim is paid, audit written
    fund = Fund.objects.get(pk=world["fund_a"].pk)
    assert (entry.kind, entry.amount, entry.balance_after) == ("payout", Decimal("100000.00"), Decimal("200000.00"))
    assert fund.balance == Decimal("200000.00")
    assert Claim.objects.get(pk=claim.pk).status == "paid"
    assert AuditEntry.objects.filter(action="benefits.ledger.payout", object_id=str(entry.pk)).exists()
    # a second click is refused and changes nothing
    with pytest.raises(Conflict, match="不能重复支付"):
        services.claim_pay(actor=city_staff, claim=Claim.objects.get(pk=claim.pk))
    assert LedgerEntry.objects.count() == 1 and Fund.objects.get(pk=fund.pk).balance == Decimal("200000.00")
    assert selectors.paid_total() == Decimal("100000.00")


def test_idempotent_retry_returns_the_same_payout(world, city_staff):
    claim = approved_claim(world)
    first = services.claim_pay(actor=city_staff, claim=claim, idempotency_key="pay-req-1")
    again = services.claim_pay(actor=city_staff, claim=claim, idempotency_key="pay-req-1")
    assert again.pk == first.pk and again.replayed and not first.replayed
    assert LedgerEntry.objects.count() == 1
    assert Fund.objects.get(pk=world["fund_a"].pk).balance == Decimal("200000.00")
    # the key belongs to that payout: reusing it for another claim is a conflict
    other = approved_claim(world, "乙人才", "settle_b")
    with pytest.raises(Conflict, match="幂等键"):
        services.claim_pay(actor=city_staff, claim=other, idempotency_key="pay-req-1")


def test_claim_submission_is_idempotent_and_never_duplicated(world, district_a_officer):
    one = services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=world["settle"],
                                today=TODAY, idempotency_key="abc")
    two = services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=world["settle"],
                                today=TODAY, idempotency_key="abc")
    assert one.pk == two.pk and two.replayed
    with pytest.raises(Conflict, match="不能重复申领"):
        services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=world["settle"],
                              today=TODAY, idempotency_key="def")
    assert Claim.objects.count() == 1


def test_fund_cannot_go_below_zero(world, city_staff):
    # given: 芦淞区's fund holds 100,000 and a B-class 安家补贴 is 200,000
    claim = approved_claim(world, "乙人才", "settle_b")
    with pytest.raises(ApplicationError, match="不足以支付") as exc:
        services.claim_pay(actor=city_staff, claim=claim)
    assert exc.value.code == "fund_insufficient"
    assert LedgerEntry.objects.count() == 0
    assert Fund.objects.get(pk=world["fund_b"].pk).balance == Decimal("100000.00")
    assert Claim.objects.get(pk=claim.pk).status == "approved"
    # and the database refuses a negative balance even if a service forgot to check
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=world["fund_b"].pk).update(balance=Decimal(-1))


def test_budget_raised_then_payable_and_never_below_paid(world, city_staff):
    claim = approved_claim(world, "乙人才", "settle_b")
    services.fund_budget_set(actor=city_staff, fund=world["fund_b"], budget="250000", reason="追加预算")
    entry = services.claim_pay(actor=city_staff, claim=claim)
    assert entry.balance_after == Decimal("50000.00")
    with pytest.raises(ApplicationError, match="不能低于已支付金额"):
        services.fund_budget_set(actor=city_staff, fund=Fund.objects.get(pk=world["fund_b"].pk), budget="100000")


def test_reversal_is_a_new_entry_and_allows_one_new_payout(world, city_staff):
    claim = approved_claim(world)
    payout = services.claim_pay(actor=city_staff, claim=claim)
    # when: reversed (冲正)
    reversal = services.ledger_reverse(actor=city_staff, entry=payout, reason="银行退票")
    # then: a new negative entry; the payout row is untouched; the money is back; the claim can be paid again
    assert (reversal.kind, reversal.amount, reversal.reverses_id) == ("reversal", Decimal("-100000.00"), payout.pk)
    assert LedgerEntry.objects.get(pk=payout.pk).amount == Decimal("100000.00")
    assert Fund.objects.get(pk=world["fund_a"].pk).balance == Decimal("300000.00")
    assert Claim.objects.get(pk=claim.pk).status == "reversed"
    assert selectors.paid_total() == Decimal("0.00")
    with pytest.raises(Conflict, match="已冲正"):
        services.ledger_reverse(actor=city_staff, entry=payout, reason="再冲一次")
    again = services.claim_pay(actor=city_staff, claim=Claim.objects.get(pk=claim.pk))
    assert again.generation == 1
    assert selectors.paid_total() == Decimal("100000.00")
    assert Fund.objects.get(pk=world["fund_a"].pk).balance == Decimal("200000.00")
    with pytest.raises(Conflict):
        services.claim_pay(actor=city_staff, claim=Claim.objects.get(pk=claim.pk))
    report = selectors.reconciliation(actor=city_staff, year=2026)
    assert report["balanced"] and not report["paid_twice"] and not report["approved_unpaid"]
    row = next(r for r in report["rows"] if r["fund"].pk == world["fund_a"].pk)
    assert (row["payouts"], row["reversals"], row["paid"], row["balance"]) == (
        Decimal("200000.00"), Decimal("100000.00"), Decimal("100000.00"), Decimal("200000.00"))


def test_ledger_rows_are_immutable(world, city_staff):
    entry = services.claim_pay(actor=city_staff, claim=approved_claim(world))
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    # the database trigger refuses an UPDATE that bypasses the ORM
    from django.db import DatabaseError, connection

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE benefits_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    # and a second payout row of the same claim generation is refused by the unique constraint
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(fund=entry.fund, claim=entry.claim, kind="payout", amount=1, generation=0,
                                   balance_after=0, idempotency_key="sneaky", created_at=entry.created_at)


def test_blacklisted_talent_is_refused_new_claims(world, district_a_officer, system_admin):
    blacklist(world["甲人才"], by=system_admin, status="appealed")
    with pytest.raises(ApplicationError, match="失信黑名单") as exc:
        services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=world["settle"],
                              today=TODAY)
    assert exc.value.code == "blacklisted"
    assert Claim.objects.count() == 0


def test_eligibility_tier_and_declared_conditions(world, district_a_officer):
    # 丙 has no certification; 甲 is C class and not entitled to the B-class settlement
    with pytest.raises(ApplicationError, match="没有有效的人才认定"):
        services.claim_create(actor=district_a_officer, talent=world["丙人才"], benefit_type=world["settle"], today=TODAY)
    with pytest.raises(ApplicationError, match="适用于 B 类"):
        services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=world["settle_b"],
                              today=TODAY)
    # 购房补贴 needs the declaration 首次在本市购房
    with pytest.raises(ApplicationError, match="首次在本市购房"):
        services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=world["housing"],
                              today=TODAY)
    claim = services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=world["housing"],
                                  today=TODAY, declarations={"first_home_in_city": True})
    assert claim.declarations == {"first_home_in_city": True}


def test_registry_condition_and_yearly_periods(world, district_a_officer):
    allowance = published_type(code="shenghuo", name="生活补贴", frequency="yearly", amount=Decimal(20000),
                               duration_years=3, cap=Decimal(50000), tiers=("C",),
                               conditions={"registry": {"field": "annual_salary", "op": "gte", "value": 30}})
    claim = services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=allowance,
                                  today=TODAY)
    assert (claim.period, claim.year, claim.amount) == ("2026", 2026, Decimal("20000.00"))
    with pytest.raises(ApplicationError, match="不在可享受期"):
        services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=allowance, today=TODAY,
                              period="2027")
    strict = published_type(code="gaoxin", name="高薪补贴", amount=Decimal(1000), tiers=("C",),
                            conditions={"registry": {"field": "annual_salary", "op": "gte", "value": 500}})
    with pytest.raises(ApplicationError, match="年薪≥500万元"):
        services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=strict, today=TODAY)


def test_review_return_resubmit_and_reject(world, district_a_officer, city_staff):
    claim = services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=world["settle"],
                                  today=TODAY)
    with pytest.raises(ApplicationError, match="理由"):
        services.claim_review(actor=district_a_officer, claim=claim, decision="return")
    claim = services.claim_review(actor=district_a_officer, claim=claim, decision="return", reason="缺少劳动合同")
    assert claim.status == "returned"
    claim = services.claim_resubmit(actor=district_a_officer, claim=claim, statement="已补充")
    assert (claim.status, claim.level_index) == ("submitted", 0)
    stale = Claim.objects.get(pk=claim.pk)
    services.claim_approve(actor=district_a_officer, claim=claim)
    with pytest.raises(Conflict, match="已被他人处理"):
        services.claim_approve(actor=district_a_officer, claim=stale)
    claim = services.claim_review(actor=city_staff, claim=Claim.objects.get(pk=claim.pk), decision="reject",
                                  reason="不符合条件")
    assert claim.status == "rejected"
    assert list(claim.steps.values_list("decision", flat=True)) == ["submit", "return", "resubmit", "approve", "reject"]
    # after a rejection a new claim for the same period is possible
    assert services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=world["settle"],
                                 today=TODAY).status == "submitted"


def test_scope_district_b_cannot_see_or_act_on_district_a(world, district_a_officer, district_b_officer,
                                                          other_city_staff, city_staff):
    claim = services.claim_create(actor=district_a_officer, talent=world["甲人才"], benefit_type=world["settle"],
                                  today=TODAY)
    assert selectors.claim_list(actor=district_b_officer).count() == 0
    assert selectors.claim_list(actor=district_a_officer).count() == 1
    assert_denied(lambda: services.claim_approve(actor=district_b_officer, claim=claim), Claim)
    assert_denied(lambda: services.claim_create(actor=district_b_officer, talent=world["甲人才"],
                                                benefit_type=world["housing"], today=TODAY), Claim)
    claim = services.claim_approve(actor=district_a_officer, claim=claim)
    claim = services.claim_approve(actor=city_staff, claim=claim)
    assert_denied(lambda: services.claim_pay(actor=district_a_officer, claim=claim), LedgerEntry)
    assert_denied(lambda: services.claim_pay(actor=other_city_staff, claim=claim), LedgerEntry)
    assert [f["fund_id"] for f in selectors.fund_summary(region_ids=[world["b"].pk])] == [world["fund_b"].pk]


def test_published_type_is_immutable_and_new_version_supersedes(world, city_staff):
    with pytest.raises(Conflict, match="不可修改"):
        services.benefit_type_update(actor=city_staff, benefit_type=world["settle"], amount="1")
    draft = services.benefit_type_new_version(actor=city_staff, benefit_type=world["settle"], version_label="2027版")
    services.benefit_type_update(actor=city_staff, benefit_type=draft, amount="120000")
    services.benefit_type_publish(actor=city_staff, benefit_type=draft)
    world["settle"].refresh_from_db()
    assert world["settle"].status == "superseded" and world["settle"].amount == Decimal("100000.00")
    with pytest.raises(ApplicationError, match="未知字段"):
        services.benefit_type_create(actor=city_staff, city=world["settle"].city, version_label="x", code="y",
                                     bogus=1)


def test_summary_selectors(world, city_staff):
    services.claim_pay(actor=city_staff, claim=approved_claim(world))
    rows = {r["fund_id"]: r for r in selectors.fund_summary(year=2026)}
    assert set(rows[world["fund_a"].pk]) == {"fund_id", "name", "year", "region_id", "budget", "paid", "balance"}
    assert (rows[world["fund_a"].pk]["paid"], rows[world["fund_a"].pk]["balance"]) == (
        Decimal("100000.00"), Decimal("200000.00"))
    assert rows[world["fund_b"].pk]["paid"] == Decimal("0.00")
    assert selectors.paid_total(region_ids=[world["a"].pk], year=2026, tier="C") == Decimal("100000.00")
    assert selectors.paid_total(region_ids=[world["b"].pk]) == Decimal("0.00")
    assert selectors.paid_total(tier="B") == Decimal("0.00")
    assert selectors.paid_total(year=2025) == Decimal("0.00")
    city = world["a"].parent
    assert selectors.paid_total(region_ids=[city.pk]) == Decimal("100000.00")
