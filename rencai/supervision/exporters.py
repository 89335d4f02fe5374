"""The task ledger (任务台账) as an Excel file that opens cleanly in WPS/Excel."""

from __future__ import annotations

from rencai.audit.services import audit_record
from rencai.core.excel import build_workbook

from .choices import AssignmentRole

HEADERS = ["政策文件", "序号", "任务名称", "任务内容", "牵头单位", "责任单位", "完成时限", "进度(%)", "状态", "状态依据"]
GROUPS = [("任务", 4), ("责任分工", 2), ("督办情况", 4)]
WIDTHS = [28, 6, 28, 60, 16, 36, 12, 8, 8, 50]


def ledger_rows(tasks):
    for t in tasks:
        assignments = list(t.assignments.all())
        lead = "、".join(a.unit.display_name for a in assignments if a.role == AssignmentRole.LEAD)
        co = "、".join(a.unit.display_name for a in assignments if a.role != AssignmentRole.LEAD)
        yield [t.policy.title, t.number, t.title, t.body[:2000], lead, co,
               t.due_date.isoformat() if t.due_date else "", t.progress, t.get_status_display(), t.status_rule]


def ledger_export(*, actor, tasks) -> bytes:
    rows = list(ledger_rows(tasks))
    audit_record(actor=actor, action="supervision.ledger.export", object_type="supervision.task", extra={"rows": len(rows)})
    return build_workbook(title="任务台账", headers=HEADERS, rows=rows, widths=WIDTHS, group_headers=GROUPS)
