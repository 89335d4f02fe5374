"""Reads of benefits: types in force, claims, funds and their ledger, reconciliation, a talent's entitlements.

`paid_total` and `fund_summary` are aggregate reads for reports and the leaders' dashboard: they take region ids
(each meaning that unit's whole subtree) instead of an actor; the caller decides the scope.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from rencai.core.exceptions import NotFound, PermissionDenied
from rencai.core.scope import scope_for

from . import eligibility, permissions
from .choices import BenefitKind, ClaimStatus, EntryKind, TypeStatus
from .models import AutoGrantRun, BenefitNotice, BenefitType, Claim, Entitlement, Fund, LedgerEntry

ZERO = Decimal("0.00")
PENDING_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.REVIEWING, ClaimStatus.RETURNED, ClaimStatus.APPROVED,
                    ClaimStatus.REVERSED)


def _subtree_q(region_ids, lookup: str) -> Q:
    """Units whose path starts with the path of any of `region_ids` (a district id covers its units)."""
    from rencai.orgs.models import OrgUnit

    q = Q(pk__in=[])
    for path in OrgUnit.objects.filter(pk__in=list(region_ids)).values_list("path", flat=True):
        q |= Q(**{f"{lookup}__startswith": path})
    return q


# ---------------------------------------------------------------- aggregates (reports, dashboard)


def paid_total(*, region_ids=None, year=None, tier=None) -> Decimal:
    """Money paid out, net of reversals (Σ payouts − Σ reversals), optionally for funds in the subtrees of
    `region_ids`, for a fund year, and for claims of one certified tier."""
    qs = LedgerEntry.objects.all()
    if region_ids is not None:
        qs = qs.filter(_subtree_q(region_ids, "fund__region__path"))
    if year is not None:
        qs = qs.filter(fund__year=year)
    if tier:
        qs = qs.filter(claim__tier=tier)
    return (qs.aggregate(s=Sum("amount"))["s"] or ZERO).quantize(Decimal("0.01"))


def fund_summary(*, year=None, region_ids=None) -> list[dict]:
    """One dict per fund: fund_id, name, year, region_id, budget, paid (net of reversals), balance."""
    qs = Fund.objects.all()
    if year is not None:
        qs = qs.filter(year=year)
    if region_ids is not None:
        qs = qs.filter(_subtree_q(region_ids, "region__path"))
    qs = qs.annotate(paid=Sum("entries__amount")).select_related("region").order_by("-year", "region__path")
    return [{"fund_id": f.pk, "name": f.name, "year": f.year, "region_id": f.region_id, "budget": f.budget,
             "paid": (f.paid or ZERO).quantize(Decimal("0.01")), "balance": f.balance} for f in qs]


# ---------------------------------------------------------------- benefit types


def _city_ids(actor) -> list[int] | None:
    """Cities whose benefit catalogue the actor may read (None: all) — district staff read their city's."""
    scope = scope_for(actor) if actor is not None else None
    if actor is None or scope.everything:
        return None
    return sorted({int(p.strip("/").split("/")[0]) for p in scope.unit_paths})


def benefit_type_list(*, actor, include_all: bool = False):
    if not permissions.can_view_benefits(actor):
        raise PermissionDenied("您无权查看待遇项目。")
    qs = BenefitType.objects.select_related("city")
    cities = _city_ids(actor)
    if cities is not None:
        qs = qs.filter(city_id__in=cities)
    if not include_all:
        qs = qs.filter(status=TypeStatus.PUBLISHED)
    return qs.order_by("city__path", "group_code", "code", "-id")


def benefit_type_get(*, actor, pk) -> BenefitType:
    try:
        return benefit_type_list(actor=actor, include_all=True).get(pk=pk)
    except (BenefitType.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该待遇项目,或您无权查看。") from None


# ---------------------------------------------------------------- claims


def claim_list(*, actor, filters: dict | None = None):
    f = filters or {}
    qs = Claim.objects.visible_to(actor).select_related("talent", "benefit_type", "region", "fund")
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("source"):
        qs = qs.filter(source=f["source"])
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    if f.get("benefit"):
        qs = qs.filter(benefit_key=f["benefit"])
    if f.get("q"):
        qs = qs.filter(talent__name__startswith=f["q"].strip())
    return qs.order_by("-id")


def claim_get(*, actor, pk) -> Claim:
    try:
        return claim_list(actor=actor).get(pk=pk)
    except (Claim.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该申领,或您无权查看。") from None


def claim_actions(*, actor, claim: Claim) -> dict:
    """What the actor may do with the claim right now (for the buttons on the claim page)."""
    level = claim.current_level
    fund = claim.fund
    return {
        "review": level is not None and permissions.can_review(actor, claim, level),
        "pay": claim.status in (ClaimStatus.APPROVED, ClaimStatus.REVERSED) and claim.amount > 0
        and fund is not None and permissions.can_pay(actor, fund),
        "resubmit": claim.status == ClaimStatus.RETURNED and permissions.can_claim_for(actor, claim.talent),
    }


# ---------------------------------------------------------------- funds and the ledger


def fund_list(*, actor, year=None):
    if not permissions.can_view_benefits(actor):
        raise PermissionDenied("您无权查看资金台账。")
    qs = Fund.objects.visible_to(actor).select_related("region")
    if year:
        qs = qs.filter(year=year)
    return qs.annotate(paid=Sum("entries__amount")).order_by("-year", "region__path")


def fund_get(*, actor, pk) -> Fund:
    try:
        return fund_list(actor=actor).get(pk=pk)
    except (Fund.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该资金,或您无权查看。") from None


def fund_ledger(*, actor, fund: Fund):
    return (LedgerEntry.objects.visible_to(actor).filter(fund=fund)
            .select_related("claim", "claim__talent", "claim__benefit_type", "reverses").order_by("created_at", "id"))


def ledger_entry_get(*, actor, pk) -> LedgerEntry:
    try:
        return LedgerEntry.objects.visible_to(actor).select_related("fund", "fund__region", "claim").get(pk=pk)
    except (LedgerEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该资金记录,或您无权查看。") from None


def reconciliation(*, actor, year=None) -> dict:
    """The reconciliation report (对账): per fund budget, payouts, reversals, net paid, balance and whether the stored
    balance equals budget − net; then the exceptions, which must all be empty: claims approved but unpaid, claims
    paid more than once (more un-reversed payouts than one), and claims whose status disagrees with the ledger."""
    funds = list(fund_list(actor=actor, year=year).annotate(
        payouts=Sum("entries__amount", filter=Q(entries__kind=EntryKind.PAYOUT)),
        reversals=Sum("entries__amount", filter=Q(entries__kind=EntryKind.REVERSAL)),
        payout_count=Count("entries", filter=Q(entries__kind=EntryKind.PAYOUT)),
        reversal_count=Count("entries", filter=Q(entries__kind=EntryKind.REVERSAL))))
    rows = []
    for f in funds:
        payouts, reversals = f.payouts or ZERO, -(f.reversals or ZERO)
        net = payouts - reversals
        rows.append({"fund": f, "budget": f.budget, "payouts": payouts, "reversals": reversals, "paid": net,
                     "balance": f.balance, "expected_balance": f.budget - net,
                     "consistent": f.balance == f.budget - net,
                     "payout_count": f.payout_count, "reversal_count": f.reversal_count})
    claims = Claim.objects.visible_to(actor).filter(benefit_type__kind=BenefitKind.AMOUNT)
    if year:
        claims = claims.filter(year=year)
    per_claim = (LedgerEntry.objects.filter(claim__in=claims.values("pk")).values("claim_id")
                 .annotate(p=Count("id", filter=Q(kind=EntryKind.PAYOUT)), r=Count("id", filter=Q(kind=EntryKind.REVERSAL))))
    live = {row["claim_id"]: row["p"] - row["r"] for row in per_claim}
    paid_twice = sorted(cid for cid, n in live.items() if n > 1)
    status_of = dict(claims.values_list("pk", "status"))
    mismatched = sorted(cid for cid, st in status_of.items()
                        if (st == ClaimStatus.PAID) != (live.get(cid, 0) == 1) and cid not in paid_twice)
    unpaid = list(claims.filter(status__in=[ClaimStatus.APPROVED, ClaimStatus.REVERSED])
                  .select_related("talent", "benefit_type", "fund").order_by("id"))
    totals = {k: sum((r[k] for r in rows), ZERO) for k in ("budget", "payouts", "reversals", "paid", "balance")}
    return {"year": year, "rows": rows, "totals": totals, "approved_unpaid": unpaid,
            "approved_unpaid_total": sum((c.amount for c in unpaid), ZERO),
            "paid_twice": list(Claim.objects.filter(pk__in=paid_twice)), "mismatched": list(Claim.objects.filter(pk__in=mismatched)),
            "balanced": all(r["consistent"] for r in rows) and not paid_twice and not mismatched,
            "generated_at": timezone.now()}


# ---------------------------------------------------------------- a talent's benefits


def talent_benefits(*, actor, talent, today: date | None = None) -> dict:
    """What a talent is entitled to, has received and has left, per benefit in force in their city."""
    today = today or timezone.localdate()
    cert = eligibility.active_certification(talent, today)
    tier = cert.tier if cert else None
    city_id = eligibility.city_id_of(talent.region)
    types = list(BenefitType.objects.filter(city_id=city_id, status=TypeStatus.PUBLISHED).order_by("group_code", "code"))
    received = dict(LedgerEntry.objects.filter(claim__talent=talent).values("claim__benefit_key")
                    .annotate(s=Sum("amount")).values_list("claim__benefit_key", "s"))
    pending = dict(Claim.objects.filter(talent=talent, status__in=PENDING_STATUSES).values("benefit_key")
                   .annotate(s=Sum("amount")).values_list("benefit_key", "s"))
    granted = {}
    for e in Entitlement.objects.filter(talent=talent).select_related("benefit_type"):
        granted.setdefault(e.benefit_key, []).append(e)
    rows = []
    for bt in types:
        applies = bool(tier) and tier in (bt.tiers or [])
        got = received.get(bt.key) or ZERO
        if not applies and not got and bt.key not in granted:
            continue
        verdict = eligibility.registry_check(bt, talent, tier=tier, period_year=today.year, today=today)
        entitled = eligibility.entitled_total(bt, cert) if applies and verdict.ok else None
        rows.append({
            "type": bt, "applies": applies, "eligible": verdict.ok, "problems": verdict.problems,
            "reasons": verdict.reasons, "declarations": [eligibility.declaration_label(d) for d in bt.declarations],
            "entitled": entitled, "received": got, "pending": pending.get(bt.key) or ZERO,
            "remaining": max(ZERO, entitled - got) if entitled is not None else None,
            "entitlements": granted.get(bt.key, []),
            "periods": eligibility.periods(bt, cert, today) if applies else [],
        })
    money = [r for r in rows if r["type"].is_money]
    return {
        "talent": talent, "certification": cert, "tier": tier, "rows": rows,
        "blacklisted": eligibility.is_blacklisted(talent),
        "totals": {"entitled": sum((r["entitled"] or ZERO for r in money), ZERO),
                   "received": sum((r["received"] for r in money), ZERO),
                   "remaining": sum((r["remaining"] or ZERO for r in money), ZERO)},
        "claims": list(Claim.objects.visible_to(actor).filter(talent=talent).select_related("benefit_type")),
        "notices": list(BenefitNotice.objects.filter(talent=talent)[:20]),
    }


def notice_list(*, actor):
    return BenefitNotice.objects.visible_to(actor).select_related("talent", "region")


def last_auto_grant_runs(*, actor, limit: int = 10):
    if not permissions.can_run_auto_grant(actor):
        return AutoGrantRun.objects.none()
    return AutoGrantRun.objects.all()[:limit]
