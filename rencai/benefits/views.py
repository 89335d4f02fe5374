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


@login_required
def type_list(request):
    types = selectors.benefit_type_list(actor=request.user, include_all=request.GET.get("all") == "1")
    return render(request, "benefits/type_list.html", {"types": types, "show_all": request.GET.get("all") == "1"})


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
    year = _year(request)
    return render(request, "benefits/fund_list.html", {"funds": selectors.fund_list(actor=request.user, year=year),
                                                       "year": year})


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
