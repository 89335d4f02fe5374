"""Writes of benefits: benefit type versions, funds, claims and their review, payouts and reversals, 免申即享.

Money safety (the fund ledger never pays a claim twice and never goes below zero):
- `claim_pay` locks the claim row, then the fund row (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the project's
  `BEGIN IMMEDIATE` transactions serialise writers), re-reads the status under the lock, checks the balance, then
  appends one ledger entry and moves the balance with one UPDATE. Lock order is always claim → fund → audit head.
- The database backs each rule: one payout per (claim, generation) (partial unique constraint), unique idempotency
  keys, `balance >= 0` (CHECK), ledger rows append-only (triggers). A losing racer gets `Conflict`; a retried request
  with the same Idempotency-Key gets the original entry back.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from rencai.audit.services import _actor_name, audit_record
from rencai.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied

from . import eligibility, permissions
from .choices import (
    LIVE_CLAIM_STATUSES,
    REVIEW_LEVELS,
    BenefitKind,
    ClaimStatus,
    EntryKind,
    Frequency,
    ReviewDecision,
    Source,
    TypeStatus,
)
from .models import AutoGrantRun, BenefitNotice, BenefitType, Claim, ClaimStep, Entitlement, Fund, LedgerEntry

ZERO = Decimal("0.00")
MAX_KEY = 100
TYPE_FIELDS = ("code", "group_code", "name", "kind", "frequency", "amount", "cap", "duration_years", "tiers",
               "conditions", "auto_grant", "policy_ref", "description")


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _money(value, label: str = "金额") -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ApplicationError(f"{label}“{value}”不是有效的数字。", code="invalid_amount") from None
    if amount < 0:
        raise ApplicationError(f"{label}不能为负数。", code="invalid_amount")
    return amount


def yuan(value) -> str:
    """12345.5 -> "12,345.50"."""
    return f"{Decimal(value or 0):,.2f}"


def _step(claim, decision, *, actor, level="", reason="", now=None):
    return ClaimStep.objects.create(claim=claim, level=level, decision=decision, reason=reason[:2000],
                                    actor=_user(actor), actor_name=_actor_name(actor) or "系统", at=now or timezone.now())


# ---------------------------------------------------------------- benefit types (versioned like the catalogue)


def _type_clean(bt: BenefitType) -> None:
    errors = []
    if not bt.code or not bt.name:
        errors.append("待遇编码和名称不能为空。")
    if bt.kind == BenefitKind.AMOUNT and not bt.amount:
        errors.append("资金补贴须填写每期金额。")
    if bt.kind == BenefitKind.SERVICE:
        bt.amount, bt.cap = None, None
    if bt.frequency == Frequency.YEARLY and not bt.duration_years:
        errors.append("按年度发放的待遇须填写享受年限。")
    tiers = bt.tiers or []
    if not isinstance(tiers, list) or not tiers or not all(isinstance(t, str) and t for t in tiers):
        errors.append("请选择适用的人才类别(如 A、B、C)。")
    bt.conditions = eligibility.normalize_conditions(bt.conditions)
    errors += eligibility.validate_conditions(bt.conditions)
    if errors:
        raise ApplicationError(";".join(errors), code="invalid_benefit_type")
    bt.conditions = bt.conditions or {}
    bt.conditions_text = eligibility.describe_conditions(bt.conditions)[:1000]


@transaction.atomic
def benefit_type_create(*, actor, city, version_label: str, **fields) -> BenefitType:
    """A draft benefit type (待遇项目) for a city."""
    if not permissions.can_manage_types(actor, city):
        raise PermissionDenied("只有市人才办可以维护待遇项目。")
    unknown = set(fields) - set(TYPE_FIELDS)
    if unknown:
        raise ApplicationError(f"未知字段:{'、'.join(sorted(unknown))}", code="invalid_benefit_type")
    fields["amount"] = _money(fields.get("amount"), "标准金额")
    fields["cap"] = _money(fields.get("cap"), "累计上限")
    bt = BenefitType(city=city, version_label=version_label, status=TypeStatus.DRAFT, **fields)
    _type_clean(bt)
    if BenefitType.objects.filter(city=city, code=bt.code, version_label=version_label).exists():
        raise Conflict(f"待遇项目“{bt.code}”已有版本“{version_label}”。")
    bt.full_clean()
    bt.save()
    audit_record(actor=actor, action="benefits.type.create", obj=bt,
                 changes={k: str(getattr(bt, k)) for k in ("code", "name", "kind", "amount", "tiers")})
    return bt


@transaction.atomic
def benefit_type_update(*, actor, benefit_type: BenefitType, **fields) -> BenefitType:
    """Edit a draft. A published version is immutable: create a new version instead."""
    bt = BenefitType.objects.select_for_update().get(pk=benefit_type.pk)
    if not permissions.can_manage_types(actor, bt.city):
        raise PermissionDenied("只有市人才办可以维护待遇项目。")
    if not bt.is_editable:
        raise Conflict("已发布或已废止的待遇项目不可修改,请基于它新建版本。", code="type_immutable")
    unknown = set(fields) - set(TYPE_FIELDS)
    if unknown or "code" in fields:
        raise ApplicationError("不能修改待遇编码或未知字段。", code="invalid_benefit_type")
    for money_field in ("amount", "cap"):
        if money_field in fields:
            fields[money_field] = _money(fields[money_field])
    before = {k: str(getattr(bt, k)) for k in fields}
    for k, v in fields.items():
        setattr(bt, k, v)
    _type_clean(bt)
    bt.full_clean()
    bt.save()
    audit_record(actor=actor, action="benefits.type.update", obj=bt,
                 changes={k: {"old": before[k], "new": str(getattr(bt, k))} for k in fields if before[k] != str(getattr(bt, k))})
    return bt


@transaction.atomic
def benefit_type_publish(*, actor, benefit_type: BenefitType) -> BenefitType:
    """Publish a draft; the version in force for the same code is superseded (its claims keep pointing at it)."""
    bt = BenefitType.objects.select_for_update().get(pk=benefit_type.pk)
    if not permissions.can_manage_types(actor, bt.city):
        raise PermissionDenied("只有市人才办可以发布待遇项目。")
    if bt.status != TypeStatus.DRAFT:
        raise Conflict("只有草稿可以发布。", code="type_immutable")
    _type_clean(bt)
    now = timezone.now()
    old = list(BenefitType.objects.select_for_update().filter(city=bt.city, code=bt.code, status=TypeStatus.PUBLISHED))
    BenefitType.objects.filter(pk__in=[o.pk for o in old]).update(status=TypeStatus.SUPERSEDED)
    bt.status, bt.published_at, bt.published_by = TypeStatus.PUBLISHED, now, _user(actor)
    bt.save(update_fields=["status", "published_at", "published_by", "conditions_text"])
    audit_record(actor=actor, action="benefits.type.publish", obj=bt,
                 changes={"status": {"old": "draft", "new": "published"}},
                 extra={"superseded": [o.pk for o in old]})
    return bt


@transaction.atomic
def benefit_type_new_version(*, actor, benefit_type: BenefitType, version_label: str) -> BenefitType:
    """A draft copy of a version, to change and publish in its place."""
    fields = {k: getattr(benefit_type, k) for k in TYPE_FIELDS}
    bt = benefit_type_create(actor=actor, city=benefit_type.city, version_label=version_label, **fields)
    bt.based_on = benefit_type
    bt.save(update_fields=["based_on"])
    return bt


# ---------------------------------------------------------------- funds


@transaction.atomic
def fund_create(*, actor, region, year: int, budget, name: str = "") -> Fund:
    if not permissions.can_manage_fund(actor, region):
        raise PermissionDenied("只有市人才办可以设立人才发展专项资金。")
    amount = _money(budget, "预算")
    if amount is None:
        raise ApplicationError("请填写预算金额。", code="invalid_amount")
    if Fund.objects.filter(region=region, year=year).exists():
        raise Conflict(f"{region.name}{year}年度已有人才发展专项资金。")
    fund = Fund(region=region, year=year, budget=amount, balance=amount,
                name=name or f"{year}年{region.name}人才发展专项资金")
    fund.full_clean()
    fund.save()
    audit_record(actor=actor, action="benefits.fund.create", obj=fund,
                 changes={"budget": str(amount), "year": year, "region": region.code})
    return fund


def fund_paid(fund) -> Decimal:
    return LedgerEntry.objects.filter(fund=fund).aggregate(s=Sum("amount"))["s"] or ZERO


@transaction.atomic
def fund_budget_set(*, actor, fund: Fund, budget, reason: str = "") -> Fund:
    """Change a fund's budget (追加/调减预算); never below what has already been paid."""
    if not permissions.can_manage_fund(actor, fund.region):
        raise PermissionDenied("只有市人才办可以调整资金预算。")
    amount = _money(budget, "预算")
    locked = Fund.objects.select_for_update().get(pk=fund.pk)
    paid = fund_paid(locked)
    if amount is None or amount < paid:
        raise ApplicationError(f"预算不能低于已支付金额 {yuan(paid)} 元。", code="budget_below_paid")
    old = locked.budget
    Fund.objects.filter(pk=locked.pk).update(budget=amount, balance=amount - paid, updated_at=timezone.now())
    locked.refresh_from_db()
    audit_record(actor=actor, action="benefits.fund.budget", obj=locked,
                 changes={"budget": {"old": str(old), "new": str(amount)}}, extra={"reason": reason[:200]})
    return locked


def fund_for(region, year: int) -> Fund | None:
    """The fund that pays claims of `region` in `year`: the region's own, else its nearest ancestor's."""
    ids = [int(p) for p in region.path.strip("/").split("/") if p]
    funds = {f.region_id: f for f in Fund.objects.filter(region_id__in=ids, year=year)}
    for unit_id in reversed(ids):
        if unit_id in funds:
            return funds[unit_id]
    return None


def committed(fund) -> Decimal:
    """Approved claims on the fund that are not yet paid (money promised but still in the balance)."""
    return Claim.objects.filter(fund=fund, status__in=[ClaimStatus.APPROVED, ClaimStatus.REVERSED]).aggregate(
        s=Sum("amount"))["s"] or ZERO


# ---------------------------------------------------------------- claims


def _pending_or_received(talent, key: str, *, exclude_claim=None) -> Decimal:
    """Money of this benefit already paid or on its way to the talent (counts against the cap)."""
    qs = Claim.objects.filter(talent=talent, benefit_key=key, status__in=[s.value for s in LIVE_CLAIM_STATUSES])
    if exclude_claim is not None:
        qs = qs.exclude(pk=exclude_claim.pk)
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


def _refuse_blacklisted(talent) -> None:
    if eligibility.is_blacklisted(talent):
        raise ApplicationError("该人才已列入失信黑名单(生效中或申诉中),不能申领或兑现人才待遇。", code="blacklisted")


def _clean_key(key) -> str | None:
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY:
        raise ApplicationError(f"幂等键过长(最多 {MAX_KEY} 个字符)。", code="invalid_idempotency_key")
    return key


def claim_create(*, actor, talent, benefit_type: BenefitType, period: str | None = None, declarations: dict | None = None,
                 statement: str = "", amount=None, idempotency_key: str | None = None, today: date | None = None) -> Claim:
    """Submit a claim (待遇申领). The same Idempotency-Key returns the claim it created (`claim.replayed` is True)."""
    if not permissions.can_claim_for(actor, talent):
        raise PermissionDenied("您无权为该人才申领待遇。")
    key = _clean_key(idempotency_key)
    if key:
        existing = Claim.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _replayed(existing, talent=talent, benefit_type=benefit_type)
    try:
        with transaction.atomic():
            claim = _claim_create(actor=actor, talent=talent, benefit_type=benefit_type, period=period,
                                  declarations=declarations, statement=statement, amount=amount,
                                  key=key or f"claim:{uuid.uuid4().hex}", today=today or timezone.localdate())
    except IntegrityError:
        existing = Claim.objects.filter(idempotency_key=key).first() if key else None
        if existing is not None:
            return _replayed(existing, talent=talent, benefit_type=benefit_type)
        raise Conflict("该人才本期已申领过这项待遇,不能重复申领。", code="duplicate_claim") from None
    claim.replayed = False
    return claim


def _replayed(existing: Claim, *, talent, benefit_type) -> Claim:
    if existing.talent_id != talent.pk or existing.benefit_type_id != benefit_type.pk:
        raise Conflict("该幂等键已用于另一项申领,请使用新的幂等键。", code="idempotency_key_reused")
    existing.replayed = True
    return existing


def _claim_create(*, actor, talent, benefit_type, period, declarations, statement, amount, key, today) -> Claim:
    if not permissions.can_claim_for(actor, talent):
        raise PermissionDenied("您无权为该人才申领待遇。")
    if benefit_type.status != TypeStatus.PUBLISHED:
        raise ApplicationError("该待遇项目不在执行中(未发布或已废止)。", code="type_not_published")
    if eligibility.city_id_of(talent.region) != benefit_type.city_id:
        raise ApplicationError("该待遇项目不适用于人才所在城市。", code="wrong_city")
    _refuse_blacklisted(talent)
    cert = eligibility.active_certification(talent, today)
    allowed = eligibility.periods(benefit_type, cert, today)
    period = period or allowed[-1]
    if period not in allowed:
        raise ApplicationError(f"申领期“{period}”不在可享受期内(可申领:{'、'.join(allowed)})。", code="bad_period")
    year = today.year if period == "once" else int(period)
    verdict = eligibility.registry_check(benefit_type, talent, tier=cert.tier if cert else None, period_year=year,
                                         today=today)
    problems = verdict.problems + eligibility.declaration_problems(benefit_type, declarations)
    if problems:
        raise ApplicationError("不符合申领条件:" + "".join(problems), code="not_eligible")
    key_ = benefit_type.key
    if Claim.objects.filter(talent=talent, benefit_key=key_, period=period,
                            status__in=[s.value for s in LIVE_CLAIM_STATUSES]).exists() or \
            Entitlement.objects.filter(talent=talent, benefit_key=key_, period=period, source=Source.AUTO).exists():
        raise Conflict("该人才本期已申领或已免申享受这项待遇,不能重复申领。", code="duplicate_claim")
    standard = eligibility.period_amount(benefit_type, already=_pending_or_received(talent, key_))
    if benefit_type.is_money:
        wanted = _money(amount, "申领金额")
        if standard <= 0:
            raise ApplicationError("该待遇已达到累计上限,没有可申领的金额。", code="cap_reached")
        if wanted is not None and wanted > standard:
            raise ApplicationError(f"申领金额不能超过标准 {yuan(standard)} 元。", code="amount_over_standard")
        value = wanted if wanted else standard
    else:
        value = ZERO
    now = timezone.now()
    clean_declarations = {eligibility.declaration_code(d): True for d in benefit_type.declarations
                          if (declarations or {}).get(eligibility.declaration_code(d))}
    claim = Claim(talent=talent, benefit_type=benefit_type, benefit_key=key_, region=talent.region, tier=cert.tier,
                  period=period, year=year, amount=value, declarations=clean_declarations, statement=statement[:5000],
                  source=Source.APPLICATION, status=ClaimStatus.SUBMITTED, review_levels=list(REVIEW_LEVELS),
                  level_index=0, idempotency_key=key, applicant=_user(actor), submitted_at=now)
    claim.full_clean(validate_constraints=False)
    claim.save()
    _step(claim, ReviewDecision.SUBMIT, actor=actor, reason="; ".join(verdict.reasons), now=now)
    audit_record(actor=actor, action="benefits.claim.submit", obj=claim,
                 changes={"benefit": benefit_type.code, "period": period, "amount": str(value), "talent": talent.pk})
    return claim


def _lock_claim(claim) -> Claim:
    return Claim.objects.select_for_update().select_related("benefit_type", "region", "talent").get(pk=claim.pk)


@transaction.atomic
def claim_review(*, actor, claim: Claim, decision: str, reason: str = "", missing: str = "") -> Claim:
    """One review decision at the claim's current level: approve (next level, or approved), return, reject.
    Two reviewers acting on the same level at once: the second gets Conflict, nothing is applied twice."""
    seen_level, seen_status = claim.level_index, claim.status
    locked = _lock_claim(claim)
    level = locked.current_level
    if (locked.level_index, locked.status) != (seen_level, seen_status):
        raise Conflict("该申领已被他人处理,请刷新后查看。", code="stale")
    if not permissions.can_review(actor, locked, level):
        if level is None:
            raise Conflict(f"该申领当前状态为“{locked.get_status_display()}”,无需审核。", code="not_in_review")
        raise PermissionDenied("您无权办理该申领的本级审核。")
    if decision not in (ReviewDecision.APPROVE, ReviewDecision.RETURN, ReviewDecision.REJECT):
        raise ApplicationError("审核意见只能是通过、退回或不予兑现。", code="bad_decision")
    if decision != ReviewDecision.APPROVE and not reason.strip():
        raise ApplicationError("退回或不予兑现时请填写理由。", code="reason_required")
    now = timezone.now()
    before = locked.status
    if decision == ReviewDecision.APPROVE:
        _refuse_blacklisted(locked.talent)
        if locked.level_index + 1 < len(locked.review_levels):
            locked.level_index += 1
            locked.status = ClaimStatus.REVIEWING
        else:
            locked.status = ClaimStatus.APPROVED
            locked.decided_at = now
            locked.decision_reason = reason
            _approve(actor=actor, claim=locked, source=Source.APPLICATION)
    elif decision == ReviewDecision.RETURN:
        locked.status, locked.missing = ClaimStatus.RETURNED, (missing or reason)[:2000]
    else:
        locked.status, locked.decided_at, locked.decision_reason = ClaimStatus.REJECTED, now, reason
    locked.save()
    _step(locked, decision, actor=actor, level=level, reason=reason, now=now)
    audit_record(actor=actor, action=f"benefits.claim.{decision}", obj=locked,
                 changes={"status": {"old": before, "new": locked.status}, "level": level})
    return locked


def _approve(*, actor, claim: Claim, source: str) -> None:
    """On final approval: the entitlement is recorded and the paying fund chosen."""
    ent, _ = Entitlement.objects.get_or_create(
        talent=claim.talent, benefit_key=claim.benefit_key, period=claim.period,
        defaults={"benefit_type": claim.benefit_type, "region": claim.region, "tier": claim.tier, "year": claim.year,
                  "amount": claim.amount, "source": source, "created_by": _user(actor)})
    claim.entitlement = ent
    if claim.benefit_type.is_money:
        claim.fund = fund_for(claim.region, claim.year)


def claim_approve(*, actor, claim: Claim, reason: str = "") -> Claim:
    return claim_review(actor=actor, claim=claim, decision=ReviewDecision.APPROVE, reason=reason)


@transaction.atomic
def claim_resubmit(*, actor, claim: Claim, declarations: dict | None = None, statement: str = "") -> Claim:
    """A returned claim, completed and sent back to the first level."""
    locked = _lock_claim(claim)
    if locked.status != ClaimStatus.RETURNED:
        raise Conflict("只有退回补充材料的申领可以重新提交。", code="not_returned")
    if not permissions.can_claim_for(actor, locked.talent):
        raise PermissionDenied("您无权为该人才申领待遇。")
    _refuse_blacklisted(locked.talent)
    merged = {**(locked.declarations or {}), **{k: True for k, v in (declarations or {}).items() if v}}
    problems = eligibility.declaration_problems(locked.benefit_type, merged)
    if problems:
        raise ApplicationError("".join(problems), code="not_eligible")
    locked.declarations, locked.status, locked.level_index, locked.missing = merged, ClaimStatus.SUBMITTED, 0, ""
    if statement:
        locked.statement = statement[:5000]
    locked.save()
    _step(locked, ReviewDecision.RESUBMIT, actor=actor)
    audit_record(actor=actor, action="benefits.claim.resubmit", obj=locked,
                 changes={"status": {"old": "returned", "new": "submitted"}})
    return locked


# ---------------------------------------------------------------- the ledger: payouts and reversals


def claim_pay(*, actor, claim: Claim, idempotency_key: str | None = None) -> LedgerEntry:
    """Pay an approved money claim from its fund: one immutable payout entry. Safe under any number of concurrent
    calls: exactly one succeeds; a retry with the same Idempotency-Key returns that entry; the others get Conflict."""
    key = _clean_key(idempotency_key)
    if key:
        existing = LedgerEntry.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _entry_replayed(existing, claim=claim, kind=EntryKind.PAYOUT)
    fund = claim.fund or (fund_for(claim.region, claim.year) if claim.benefit_type.is_money else None)
    if fund is not None and not permissions.can_pay(actor, fund):
        raise PermissionDenied("只有市人才办(资金管理)可以支付待遇资金。")
    try:
        with transaction.atomic():
            return _pay_locked(actor=actor, claim=claim, key=key)
    except IntegrityError:
        existing = LedgerEntry.objects.filter(idempotency_key=key).first() if key else None
        if existing is not None:
            return _entry_replayed(existing, claim=claim, kind=EntryKind.PAYOUT)
        if Claim.objects.filter(pk=claim.pk, status=ClaimStatus.PAID).exists():
            raise Conflict("该申领已支付,不能重复支付。", code="already_paid") from None
        raise Conflict("支付未完成:资金余额或支付记录与其他操作冲突,请刷新后重试。", code="payment_conflict") from None


def _entry_replayed(entry: LedgerEntry, *, claim, kind) -> LedgerEntry:
    if entry.claim_id != claim.pk or entry.kind != kind:
        raise Conflict("该幂等键已用于另一笔资金记录,请使用新的幂等键。", code="idempotency_key_reused")
    entry.replayed = True
    return entry


def _pay_locked(*, actor, claim, key) -> LedgerEntry:
    locked = _lock_claim(claim)  # 1. the claim row: concurrent payers of this claim queue here
    if key:
        existing = LedgerEntry.objects.filter(idempotency_key=key).first()
        if existing is not None:  # the same request, retried while the first was running
            return _entry_replayed(existing, claim=claim, kind=EntryKind.PAYOUT)
    if locked.status == ClaimStatus.PAID:
        paid = locked.entries.filter(kind=EntryKind.PAYOUT).order_by("-generation").first()
        raise Conflict(f"该申领已于 {timezone.localtime(locked.paid_at):%Y-%m-%d %H:%M} 支付"
                       f"(台账记录 #{paid.pk if paid else '-'}),不能重复支付。", code="already_paid")
    if locked.status not in (ClaimStatus.APPROVED, ClaimStatus.REVERSED):
        raise ApplicationError(f"该申领当前状态为“{locked.get_status_display()}”,审核通过后才能支付。", code="not_approved")
    if not locked.benefit_type.is_money or locked.amount <= 0:
        raise ApplicationError("服务保障类待遇无需支付资金。", code="not_money")
    _refuse_blacklisted(locked.talent)
    fund = locked.fund or fund_for(locked.region, locked.year)
    if fund is None:
        raise ApplicationError(f"{locked.region.name}{locked.year}年度没有人才发展专项资金,无法支付。", code="no_fund")
    if not permissions.can_pay(actor, fund):
        raise PermissionDenied("只有市人才办(资金管理)可以支付待遇资金。")
    fund = Fund.objects.select_for_update().get(pk=fund.pk)  # 2. the fund row: its balance
    amount = locked.amount
    if fund.balance < amount:
        raise ApplicationError(f"“{fund.name}”余额 {yuan(fund.balance)} 元,不足以支付 {yuan(amount)} 元。",
                               code="fund_insufficient", extra={"balance": str(fund.balance), "amount": str(amount)})
    generation = locked.entries.filter(kind=EntryKind.REVERSAL).count()
    now = timezone.now()
    Fund.objects.filter(pk=fund.pk).update(balance=F("balance") - amount, updated_at=now)
    entry = LedgerEntry.objects.create(
        fund=fund, claim=locked, kind=EntryKind.PAYOUT, amount=amount, generation=generation,
        balance_after=fund.balance - amount, idempotency_key=key or f"pay:{locked.pk}:{generation}",
        memo=f"{locked.benefit_type.name} {locked.period_label}"[:300], created_at=now, created_by=_user(actor),
        created_by_name=_actor_name(actor) or "系统")
    locked.status, locked.paid_at, locked.fund = ClaimStatus.PAID, now, fund
    locked.save(update_fields=["status", "paid_at", "fund", "updated_at"])
    _step(locked, ReviewDecision.PAY, actor=actor, reason=f"{yuan(amount)} 元,{fund.name}", now=now)
    audit_record(actor=actor, action="benefits.ledger.payout", obj=entry,
                 changes={"claim": locked.pk, "fund": fund.pk, "amount": str(amount),
                          "balance": {"old": str(fund.balance), "new": str(fund.balance - amount)}})
    entry.replayed = False
    return entry


def ledger_reverse(*, actor, entry: LedgerEntry, reason: str, idempotency_key: str | None = None) -> LedgerEntry:
    """Reverse a payout (冲正): a new negative entry; the money returns to the fund and the claim may be paid again."""
    key = _clean_key(idempotency_key)
    if key:
        existing = LedgerEntry.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _entry_replayed(existing, claim=entry.claim, kind=EntryKind.REVERSAL)
    if not permissions.can_pay(actor, entry.fund):
        raise PermissionDenied("只有市人才办(资金管理)可以冲正。")
    if not (reason or "").strip():
        raise ApplicationError("请填写冲正原因。", code="reason_required")
    try:
        with transaction.atomic():
            return _reverse_locked(actor=actor, entry=entry, reason=reason.strip(), key=key)
    except IntegrityError:
        existing = LedgerEntry.objects.filter(idempotency_key=key).first() if key else None
        if existing is not None:
            return _entry_replayed(existing, claim=entry.claim, kind=EntryKind.REVERSAL)
        raise Conflict("该笔支付已冲正,不能重复冲正。", code="already_reversed") from None


def _reverse_locked(*, actor, entry, reason, key) -> LedgerEntry:
    claim = _lock_claim(entry.claim)
    if entry.kind != EntryKind.PAYOUT:
        raise ApplicationError("只能冲正支付记录。", code="not_payout")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise Conflict("该笔支付已冲正,不能重复冲正。", code="already_reversed")
    fund = Fund.objects.select_for_update().get(pk=entry.fund_id)
    now = timezone.now()
    Fund.objects.filter(pk=fund.pk).update(balance=F("balance") + entry.amount, updated_at=now)
    reversal = LedgerEntry.objects.create(
        fund=fund, claim=claim, kind=EntryKind.REVERSAL, amount=-entry.amount, generation=entry.generation,
        reverses=entry, balance_after=fund.balance + entry.amount,
        idempotency_key=key or f"reverse:{entry.pk}", memo=f"冲正 #{entry.pk}:{reason}"[:300], created_at=now,
        created_by=_user(actor), created_by_name=_actor_name(actor) or "系统")
    before = claim.status
    claim.status, claim.paid_at = ClaimStatus.REVERSED, None
    claim.save(update_fields=["status", "paid_at", "updated_at"])
    _step(claim, ReviewDecision.REVERSE, actor=actor, reason=reason, now=now)
    audit_record(actor=actor, action="benefits.ledger.reversal", obj=reversal,
                 changes={"claim": claim.pk, "reverses": entry.pk, "amount": str(-entry.amount),
                          "claim_status": {"old": before, "new": claim.status}}, extra={"reason": reason[:200]})
    reversal.replayed = False
    return reversal


# ---------------------------------------------------------------- 免申即享 (granted without applying)


def _auto_candidates(*, actor, today: date):
    """(benefit type, certification, talent) pairs the registry proves eligible, with nothing granted yet."""
    from rencai.certification.models import Certification
    from rencai.talents.models import Talent

    types = [t for t in BenefitType.objects.filter(status=TypeStatus.PUBLISHED, auto_grant=True)
             .select_related("city").order_by("city_id", "code") if t.can_auto_grant]
    if not types:
        return
    visible = Talent.objects.visible_to(actor) if actor is not None else Talent.objects.all()
    for bt in types:
        period = "once" if bt.frequency == Frequency.ONCE else str(today.year)
        certs = (Certification.objects.filter(status="active", valid_until__gte=today, tier__in=bt.tiers,
                                              talent__region__path__startswith=bt.city.path,
                                              talent__in=visible.values("pk"))
                 .select_related("talent", "talent__region").order_by("talent_id"))
        certs = list(certs)
        if not certs:
            continue
        ids = [c.talent_id for c in certs]
        blocked = eligibility.blacklisted_ids(ids)
        taken = set(Entitlement.objects.filter(talent_id__in=ids, benefit_key=bt.key, period=period)
                    .values_list("talent_id", flat=True))
        taken |= set(Claim.objects.filter(talent_id__in=ids, benefit_key=bt.key, period=period,
                                          status__in=[s.value for s in LIVE_CLAIM_STATUSES])
                     .values_list("talent_id", flat=True))
        for cert in certs:
            if cert.talent_id in blocked or cert.talent_id in taken:
                continue
            if period != "once" and period not in eligibility.periods(bt, cert, today):
                continue
            year = today.year
            verdict = eligibility.registry_check(bt, cert.talent, tier=cert.tier, period_year=year, today=today)
            if verdict.ok:
                yield bt, cert, period, verdict


def auto_grant_run(*, actor, dry_run: bool, today: date | None = None) -> dict:
    """免申即享: find talents whose registry data already proves eligibility and grant them (real run) or show who
    would get what and the cost against each fund (dry run, which writes nothing). A money grant becomes an
    approved claim for the finance side to pay; a grant the fund cannot cover (balance minus approved-unpaid
    claims) is left out and reported."""
    if not permissions.can_run_auto_grant(actor):
        raise PermissionDenied("只有市人才办可以执行免申即享。")
    today = today or timezone.localdate()
    items: list[dict] = []
    funds: dict[int, dict] = {}
    no_fund_cost = defaultdict(lambda: ZERO)
    for bt, cert, period, verdict in _auto_candidates(actor=actor, today=today):
        talent = cert.talent
        amount = eligibility.period_amount(bt, already=_pending_or_received(talent, bt.key)) if bt.is_money else ZERO
        if bt.is_money and amount <= 0:
            continue
        item = {"talent_id": talent.pk, "talent_name": talent.name, "id_masked": talent.id_masked,
                "region": talent.region.name, "tier": cert.tier, "benefit_type_id": bt.pk, "benefit": bt.name,
                "code": bt.code, "kind": bt.kind, "period": period, "amount": amount, "reasons": verdict.reasons,
                "action": "claim" if bt.is_money else "entitlement", "fund_id": None, "fund": "", "status": "ok"}
        if bt.is_money:
            fund = fund_for(talent.region, today.year)
            if fund is None:
                item["status"] = "no_fund"
                no_fund_cost[talent.region.name] += amount
            else:
                info = funds.setdefault(fund.pk, {"fund_id": fund.pk, "name": fund.name, "year": fund.year,
                                                  "balance": fund.balance, "committed": committed(fund),
                                                  "cost": ZERO, "cost_all": ZERO, "granted": 0, "left_out": 0})
                item["fund_id"], item["fund"] = fund.pk, fund.name
                info["cost_all"] += amount
                if info["balance"] - info["committed"] - info["cost"] >= amount:
                    info["cost"] += amount
                    info["granted"] += 1
                else:
                    item["status"] = "insufficient"
                    info["left_out"] += 1
        items.append(item)
    for info in funds.values():
        available = info["balance"] - info["committed"]
        info["available"] = available
        info["remaining_after"] = available - info["cost"]
        info["sufficient"] = info["cost_all"] <= available
    result = {
        "dry_run": dry_run, "today": today.isoformat(), "items": items, "funds": list(funds.values()),
        "no_fund": [{"region": r, "cost": c} for r, c in no_fund_cost.items()],
        "total": sum((i["amount"] for i in items if i["status"] == "ok"), ZERO),
        "granted": sum(1 for i in items if i["status"] == "ok"),
        "skipped": sum(1 for i in items if i["status"] != "ok"),
        "run_id": None,
    }
    if dry_run:
        return result
    granted = 0
    for item in items:
        if item["status"] != "ok":
            continue
        try:
            with transaction.atomic():
                _auto_grant_one(actor=actor, item=item, today=today)
            granted += 1
        except (IntegrityError, ApplicationError):  # granted meanwhile by a claim or a parallel run: skip
            item["status"] = "taken"
    result["granted"] = granted
    result["skipped"] = len(items) - granted
    result["total"] = sum((i["amount"] for i in items if i["status"] == "ok"), ZERO)
    with transaction.atomic():
        run = AutoGrantRun.objects.create(started_at=timezone.now(), actor=_user(actor), granted=granted,
                                          skipped=result["skipped"], total=result["total"],
                                          summary=[{k: str(v) if isinstance(v, Decimal) else v for k, v in f.items()}
                                                   for f in result["funds"]])
        audit_record(actor=actor, action="benefits.auto_grant.run", obj=run,
                     changes={"granted": granted, "total": str(result["total"])})
    result["run_id"] = run.pk
    return result


def _auto_grant_one(*, actor, item: dict, today: date) -> None:
    from rencai.talents.models import Talent

    bt = BenefitType.objects.get(pk=item["benefit_type_id"])
    talent = Talent.objects.select_related("region").get(pk=item["talent_id"])
    period, amount, now = item["period"], item["amount"], timezone.now()
    if bt.is_money and item["fund_id"]:
        fund = Fund.objects.select_for_update().get(pk=item["fund_id"])  # re-check the fund under its lock
        if fund.balance - committed(fund) < amount:
            raise ApplicationError("资金不足", code="fund_insufficient")
    ent = Entitlement.objects.create(talent=talent, benefit_type=bt, benefit_key=bt.key, region=talent.region,
                                     tier=item["tier"], period=period, year=today.year, amount=amount,
                                     source=Source.AUTO, created_by=_user(actor))
    claim = None
    if bt.is_money:
        claim = Claim.objects.create(
            talent=talent, benefit_type=bt, benefit_key=bt.key, entitlement=ent, region=talent.region, tier=item["tier"],
            period=period, year=today.year, amount=amount, source=Source.AUTO, status=ClaimStatus.APPROVED,
            review_levels=[], level_index=0, idempotency_key=f"auto:{talent.pk}:{bt.key}:{period}",
            submitted_at=now, decided_at=now, fund_id=item["fund_id"],
            decision_reason="免申即享:" + ";".join(item["reasons"]))
        _step(claim, ReviewDecision.AUTO, actor=actor, reason=";".join(item["reasons"]), now=now)
    what = f"{yuan(amount)} 元" if bt.is_money else "服务保障"
    BenefitNotice.objects.create(
        talent=talent, region=talent.region, claim=claim, entitlement=ent, created_at=now,
        title=f"免申即享:您已享受“{bt.name}”",
        body=(f"{talent.name}:根据人才信息库中的认定和登记信息({';'.join(item['reasons'])}),您符合“{bt.name}”"
              f"({ent.period_label})的享受条件,无需申请,已为您办理:{what}。如有疑问请联系{talent.region.name}人才工作部门。"),
        dedupe_key=f"auto:{bt.key}:{period}")
    audit_record(actor=actor, action="benefits.entitlement.auto_grant", obj=ent,
                 changes={"talent": talent.pk, "benefit": bt.code, "period": period, "amount": str(amount),
                          "claim": claim.pk if claim else None})


def notice_mark_read(*, actor, notice: BenefitNotice) -> BenefitNotice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def require(obj, message: str):
    if obj is None:
        raise NotFound(message)
    return obj
