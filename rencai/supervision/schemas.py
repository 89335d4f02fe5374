from datetime import date, datetime
from decimal import Decimal

from ninja import Schema


class AssignmentOut(Schema):
    unit_id: int
    unit: str
    role: str

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name


class TaskOut(Schema):
    id: int
    policy_id: int
    number: int
    title: str
    body: str
    start_date: date | None
    due_date: date | None
    progress: int
    status: str
    status_rule: str
    plan_status: str
    plan_version: int
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_assignments(obj):
        return list(obj.assignments.all())


class MilestoneIn(Schema):
    title: str
    due_date: date
    deliverable: str = "document"
    unit_id: int | None = None
    target_id: int | None = None
    target_value: Decimal | None = None


class PlanIn(Schema):
    expected_version: int
    milestones: list[MilestoneIn]


class ReportIn(Schema):
    unit_id: int
    period_id: int
    text: str
    percent: int
    target_values: dict[int, Decimal] = {}


class ReportOut(Schema):
    id: int
    task_id: int
    unit_id: int
    period_id: int
    version: int
    percent: int
    text: str
    submitted_at: datetime
    is_late: bool


class NoticeIn(Schema):
    unit_id: int
    content: str
    response_due: date


class NoticeOut(Schema):
    id: int
    number: str
    task_id: int
    unit_id: int
    content: str
    response_due: date
    response: str
    responded_at: datetime | None
    escalation_level: int


class RespondIn(Schema):
    response: str
