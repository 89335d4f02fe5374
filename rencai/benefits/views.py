"""Benefit pages: benefit types, claims with review actions, funds with their ledger (Excel for the finance bureau),
the reconciliation report, a talent's entitlements, and the 免申即享 dry run."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rencai.core.exceptions import ApplicationError

from . import exporters, permissions, selectors, services
from .choices import ClaimStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _year(request):
    value = request.GET.get("year") or ""
    return int(value) if value.isdigit() else None


def _office_city(user):
    """The city whose benefit types and funds this user maintains (talent office), or None."""
    from rencai.core.scope import scope_for
    from rencai.orgs.models import Membership, OrgUnit
    from rencai.orgs.selectors import city_of

    membership = (Membership.objects.filter(user=user, role="talent_office").select_related("unit").first())
    if membership is None or membership.unit is None:
        return OrgUnit.objects.filter(parent__isnull=True).order_by("code").first() if scope_for(user).everything else None
    return city_of(membership.unit)


def _type_fields(post) -> dict:
    from rencai.certification import services as cert_services

    criteria = (post.get("registry") or "").strip()
    conditions: dict = {}
    if criteria:
        conditions["registry"], _text = cert_services.criteria_from(criteria)
    if post.getlist("declarations"):
        conditions["declarations"] = post.getlist("declarations")
    if (post.get("introduced_within_years") or "").strip():
        conditions["introduced_within_years"] = int(post["introduced_within_years"])
    duration = (post.get("duration_years") or "").strip()
    return {"code": (post.get("code") or "").strip(), "group_code": (post.get("group_code") or "").strip(),
            "name": (post.get("name") or "").strip(), "kind": post.get("kind") or "amount",
            "frequency": post.get("frequency") or "once", "amount": post.get("amount") or None,
            "cap": post.get("cap") or None, "duration_years": int(duration) if duration else None,
            "tiers": post.getlist("tiers"), "conditions": conditions, "auto_grant": post.get("auto_grant") == "1",
            "policy_ref": (post.get("policy_ref") or "").strip(), "description": (post.get("description") or "").strip()}


@login_required
def type_list(request):
    city = _office_city(request.user)
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "create":
                if city is None:
                    raise ApplicationError("只有市人才办可以维护待遇项目。")
                bt = services.benefit_type_create(actor=request.user, city=city,
                                                  version_label=(request.POST.get("version_label") or "").strip() or "草稿",
                                                  **_type_fields(request.POST))
                messages.success(request, f"已新建待遇项目草稿“{bt.name}”,核对后发布。")
            else:
                bt = selectors.benefit_type_get(actor=request.user, pk=request.POST.get("type"))
                if action == "publish":
                    services.benefit_type_publish(actor=request.user, benefit_type=bt)
                    messages.success(request, f"“{bt.name}”{bt.version_label} 已发布施行。")
                elif action == "new_version":
                    services.benefit_type_new_version(actor=request.user, benefit_type=bt,
                                                      version_label=(request.POST.get("version_label") or "").strip())
                    messages.success(request, "已基于现行版本新建草稿。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, "享受年限、引进年限应为整数。")
        return redirect(f"{request.path}?all=1")
    from .choices import DECLARATIONS, BenefitKind, Frequency

    types = selectors.benefit_type_list(actor=request.user, include_all=request.GET.get("all") == "1")
    return render(request, "benefits/type_list.html", {
        "types": types, "show_all": request.GET.get("all") == "1", "city": city,
        "kinds": BenefitKind.choices, "frequencies": Frequency.choices, "declarations": DECLARATIONS.items(),
        "tier_codes": ["A", "B", "C", "D", "E"]})


@login_required
def claim_list(request):
    if not permissions.can_view_benefits(request.user):
        raise DjangoPermissionDenied
    filters = {"status": request.GET.get("status") or None, "year": _year(request), "q": request.GET.get("q") or None}
    page = Paginator(selectors.claim_list(actor=request.user, filters=filters), 50).get_page(request.GET.get("page"))
    return render(request, "benefits/claim_list.html", {"page": page, "filters": filters,
                                                        "statuses": ClaimStatus.choices})


@login_required
def claim_detail(request, pk: int):
    claim = selectors.claim_get(actor=request.user, pk=pk)
    return render(request, "benefits/claim_detail.html", {
        "claim": claim, "steps": claim.steps.select_related("actor"), "entries": claim.entries.order_by("id"),
        "actions": selectors.claim_actions(actor=request.user, claim=claim),
        "idempotency_key": f"web:{claim.pk}:{timezone.now().timestamp()}",
    })


@login_required
@require_POST
def claim_review(request, pk: int):
    claim = selectors.claim_get(actor=request.user, pk=pk)
    try:
        services.claim_review(actor=request.user, claim=claim, decision=request.POST.get("decision", ""),
                              reason=request.POST.get("reason", ""))
        messages.success(request, "已办理。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("benefits:claim_detail", pk=pk)


@login_required
@require_POST
def claim_pay(request, pk: int):
    claim = selectors.claim_get(actor=request.user, pk=pk)
    try:
        entry = services.claim_pay(actor=request.user, claim=claim, idempotency_key=request.POST.get("idempotency_key"))
        messages.success(request, f"已支付 {services.yuan(entry.amount)} 元(台账记录 #{entry.pk})。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("benefits:claim_detail", pk=pk)


@login_required
@require_POST
def entry_reverse(request, pk: int):
    entry = selectors.ledger_entry_get(actor=request.user, pk=pk)
    try:
        services.ledger_reverse(actor=request.user, entry=entry, reason=request.POST.get("reason", ""),
                                idempotency_key=request.POST.get("idempotency_key"))
        messages.success(request, "已冲正。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("benefits:fund_detail", pk=entry.fund_id)


@login_required
def fund_list(request):
    from rencai.orgs.models import OrgUnit

    city = _office_city(request.user)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "budget":
                fund = selectors.fund_get(actor=request.user, pk=request.POST.get("fund"))
                services.fund_budget_set(actor=request.user, fund=fund, budget=request.POST.get("budget"),
                                         reason=request.POST.get("reason", ""))
                messages.success(request, "预算已调整。")
            else:
                region = OrgUnit.objects.visible_to(request.user).filter(pk=request.POST.get("region")).first()
                if region is None:
                    raise ApplicationError("请选择资金所属的城市或区县。")
                services.fund_create(actor=request.user, region=region, year=int(request.POST.get("year") or 0),
                                     budget=request.POST.get("budget"), name=request.POST.get("name", ""))
                messages.success(request, "已设立专项资金。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, "年度应为四位数字。")
        return redirect("benefits:fund_list")
    year = _year(request)
    regions = []
    if city is not None:
        regions = [city, *OrgUnit.objects.filter(parent=city, kind__in=["district", "new_area"]).order_by("code")]
    return render(request, "benefits/fund_list.html", {"funds": selectors.fund_list(actor=request.user, year=year),
                                                       "year": year, "city": city, "regions": regions})


@login_required
def fund_detail(request, pk: int):
    fund = selectors.fund_get(actor=request.user, pk=pk)
    if request.GET.get("export") == "xlsx":
        return _xlsx(exporters.ledger_export(actor=request.user, fund=fund), f"{fund.name}-资金台账.xlsx")
    return render(request, "benefits/fund_detail.html", {
        "fund": fund, "entries": selectors.fund_ledger(actor=request.user, fund=fund),
        "can_pay": permissions.can_pay(request.user, fund), "committed": services.committed(fund)})


@login_required
def reconciliation(request):
    if not permissions.can_view_benefits(request.user):
        raise DjangoPermissionDenied
    year = _year(request)
    if request.GET.get("export") == "xlsx":
        return _xlsx(exporters.reconciliation_export(actor=request.user, year=year), f"对账报告-{year or '全部'}.xlsx")
    return render(request, "benefits/reconciliation.html",
                  {"report": selectors.reconciliation(actor=request.user, year=year), "year": year})


@login_required
def talent_benefits(request, talent_id: int):
    from rencai.talents import selectors as talent_selectors

    talent = talent_selectors.talent_get(actor=request.user, pk=talent_id)
    if request.method == "POST":
        try:
            benefit_type = selectors.benefit_type_get(actor=request.user, pk=request.POST.get("benefit_type"))
            declarations = {code: True for code in request.POST.getlist("declarations")}
            claim = services.claim_create(actor=request.user, talent=talent, benefit_type=benefit_type,
                                          declarations=declarations, statement=request.POST.get("statement", ""),
                                          idempotency_key=request.POST.get("idempotency_key") or None)
            messages.success(request, f"已提交申领 #{claim.pk}({benefit_type.name}),进入审核。")
            return redirect("benefits:claim_detail", pk=claim.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("benefits:talent_benefits", talent_id=talent.pk)
    import uuid

    data = selectors.talent_benefits(actor=request.user, talent=talent)
    claimable = [r for r in data["rows"] if r["eligible"] and r["type"].is_money and (r["remaining"] or 0) > 0]
    return render(request, "benefits/talent_benefits.html",
                  {"data": data, "claimable": claimable, "idempotency_key": uuid.uuid4().hex})


@login_required
def auto_grant(request):
    """The 免申即享 dry run (GET) and the real run (POST, talent office)."""
    if request.method == "POST":
        try:
            result = services.auto_grant_run(actor=request.user, dry_run=False)
            messages.success(request, f"免申即享已执行:生成 {result['granted']} 项,金额 {services.yuan(result['total'])} 元。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("benefits:auto_grant")
    result = services.auto_grant_run(actor=request.user, dry_run=True)
    return render(request, "benefits/auto_grant.html",
                  {"result": result, "runs": selectors.last_auto_grant_runs(actor=request.user)})
