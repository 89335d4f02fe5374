"""Excel for the finance bureau (财政局): the fund ledger and the reconciliation report. Cells go through
core.excel (formula-injection safe); talents appear by name and masked ID number only. Every export is audited."""

from __future__ import annotations

from django.utils import timezone

from rencai.audit.services import audit_record
from rencai.core.excel import build_workbook

from . import selectors


def ledger_export(*, actor, fund) -> bytes:
    rows = []
    for e in selectors.fund_ledger(actor=actor, fund=fund):
        claim = e.claim
        rows.append([
            e.pk, timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"), e.get_kind_display(), float(e.amount),
            float(e.balance_after), claim.pk, claim.talent.name, claim.talent.id_masked, claim.tier,
            claim.benefit_type.name, claim.period_label, e.reverses_id or "", e.memo, e.created_by_name,
        ])
    content = build_workbook(
        title="资金台账", rows=rows, widths=[8, 20, 8, 14, 16, 8, 10, 22, 8, 20, 10, 10, 36, 20],
        headers=["记录号", "记账时间", "类型", "金额(元)", "记账后余额(元)", "申领号", "姓名", "证件号(脱敏)", "类别",
                 "待遇项目", "享受期", "冲正的记录号", "摘要", "记账人"],
        group_headers=[(f"{fund.name}(预算 {fund.budget} 元,余额 {fund.balance} 元)", 14)])
    audit_record(actor=actor, action="benefits.ledger.export", obj=fund, extra={"rows": len(rows)})
    return content


def reconciliation_export(*, actor, year=None) -> bytes:
    report = selectors.reconciliation(actor=actor, year=year)
    rows = [[r["fund"].name, r["fund"].year, float(r["budget"]), float(r["payouts"]), float(r["reversals"]),
             float(r["paid"]), float(r["balance"]), float(r["expected_balance"]), "一致" if r["consistent"] else "不一致"]
            for r in report["rows"]]
    t = report["totals"]
    rows.append(["合计", "", float(t["budget"]), float(t["payouts"]), float(t["reversals"]), float(t["paid"]),
                 float(t["balance"]), "", ""])
    rows.append([])
    rows.append(["审核通过未支付的申领", len(report["approved_unpaid"]), float(report["approved_unpaid_total"])])
    for c in report["approved_unpaid"]:
        rows.append(["", f"申领 #{c.pk}", float(c.amount), c.talent.name, c.talent.id_masked, c.benefit_type.name])
    rows.append(["重复支付的申领(应为 0)", len(report["paid_twice"])])
    for c in report["paid_twice"]:
        rows.append(["", f"申领 #{c.pk}"])
    rows.append(["状态与台账不符的申领(应为 0)", len(report["mismatched"])])
    rows.append(["对账结论", "平衡" if report["balanced"] else "不平衡,请核查"])
    content = build_workbook(
        title="对账报告", rows=rows, widths=[36, 10, 16, 16, 16, 16, 16, 16, 10],
        headers=["资金", "年度", "预算(元)", "支付(元)", "冲正(元)", "净支付(元)", "余额(元)", "应有余额(元)", "核对"])
    audit_record(actor=actor, action="benefits.reconciliation.export", object_type="benefits.fund",
                 extra={"year": year, "funds": len(report["rows"])})
    return content
