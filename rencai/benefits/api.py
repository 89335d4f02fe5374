"""Benefits API: claims (create with an Idempotency-Key header, approve, pay) and the funds summary."""

from datetime import datetime
from decimal import Decimal

from ninja import Router, Schema, Status

from rencai.core.exceptions import NotFound

from . import selectors, services

router = Router(tags=["benefits"])


class ClaimIn(Schema):
    talent_id: int
    benefit_type_id: int
    period: str | None = None
    amount: Decimal | None = None
    declarations: dict = {}
    statement: str = ""


class ReviewIn(Schema):
    reason: str = ""


class ClaimOut(Schema):
    id: int
    talent_id: int
    talent_name: str
    id_masked: str
    benefit_type_id: int
    benefit: str
    tier: str
    period: str
    year: int
    amount: Decimal
    status: str
    status_label: str
    current_level: str | None
    source: str
    fund_id: int | None

    @staticmethod
    def resolve_talent_name(obj):
        return obj.talent.name

    @staticmethod
    def resolve_id_masked(obj):
        return obj.talent.id_masked

    @staticmethod
    def resolve_benefit(obj):
        return obj.benefit_type.name

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class EntryOut(Schema):
    id: int
    fund_id: int
    claim_id: int
    kind: str
    amount: Decimal
    balance_after: Decimal
    created_at: datetime
    replayed: bool = False


class FundOut(Schema):
    fund_id: int
    name: str
    year: int
    region_id: int
    budget: Decimal
    paid: Decimal
    balance: Decimal


def _talent(request, talent_id: int):
    from rencai.talents.models import Talent

    talent = Talent.objects.visible_to(request.user).select_related("region").filter(pk=talent_id).first()
    if talent is None:
        raise NotFound("未找到该人才,或您无权查看。")
    return talent


@router.post("/claims", response={201: ClaimOut, 200: ClaimOut}, summary="提交待遇申领(Idempotency-Key 请求头:重试返回同一申领)")
def claim_create(request, payload: ClaimIn):
    talent = _talent(request, payload.talent_id)
    benefit_type = selectors.benefit_type_get(actor=request.user, pk=payload.benefit_type_id)
    claim = services.claim_create(actor=request.user, talent=talent, benefit_type=benefit_type, period=payload.period,
                                  amount=payload.amount, declarations=payload.declarations, statement=payload.statement,
                                  idempotency_key=request.headers.get("Idempotency-Key"))
    return Status(200 if claim.replayed else 201, claim)


@router.get("/claims", response=list[ClaimOut], summary="待遇申领(按权限范围)")
def claim_list(request, status: str | None = None, year: int | None = None):
    return list(selectors.claim_list(actor=request.user, filters={"status": status, "year": year})[:500])


@router.get("/claims/{claim_id}", response=ClaimOut, summary="申领详情")
def claim_get(request, claim_id: int):
    return selectors.claim_get(actor=request.user, pk=claim_id)


@router.post("/claims/{claim_id}/approve", response=ClaimOut, summary="本级审核通过")
def claim_approve(request, claim_id: int, payload: ReviewIn):
    claim = selectors.claim_get(actor=request.user, pk=claim_id)
    return services.claim_approve(actor=request.user, claim=claim, reason=payload.reason)


@router.post("/claims/{claim_id}/pay", response={201: EntryOut, 200: EntryOut},
             summary="支付(Idempotency-Key 请求头:重试返回同一笔支付;重复支付返回 409)")
def claim_pay(request, claim_id: int):
    claim = selectors.claim_get(actor=request.user, pk=claim_id)
    entry = services.claim_pay(actor=request.user, claim=claim, idempotency_key=request.headers.get("Idempotency-Key"))
    return Status(200 if entry.replayed else 201, entry)


@router.get("/funds", response=list[FundOut], summary="人才发展专项资金汇总(按权限范围)")
def funds_summary(request, year: int | None = None):
    visible = set(selectors.fund_list(actor=request.user, year=year).values_list("pk", flat=True))
    return [row for row in selectors.fund_summary(year=year) if row["fund_id"] in visible]
