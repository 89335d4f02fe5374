from datetime import date

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from rencai.core.exceptions import NotFound

from . import selectors, services
from .schemas import NoticeIn, NoticeOut, PlanIn, ReportIn, ReportOut, RespondIn, TaskOut

router = Router(tags=["supervision"])


class TaskFilter(Schema):
    policy: int | None = None
    unit: int | None = None
    lead_unit: int | None = None
    status: str | None = None
    due_before: date | None = None
    due_after: date | None = None
    q: str | None = None


@router.get("/tasks", response=list[TaskOut], summary="任务台账(按权限范围)")
@paginate
def task_list(request, filters: Query[TaskFilter]):
    return selectors.task_list(actor=request.user, filters=filters.dict(exclude_none=True))


@router.get("/tasks/{task_id}", response=TaskOut, summary="任务详情")
def task_get(request, task_id: int):
    return selectors.task_get(actor=request.user, pk=task_id)


@router.put("/tasks/{task_id}/plan", response=TaskOut, summary="保存进度计划(乐观锁:expected_version)")
def plan_save(request, task_id: int, payload: PlanIn):
    task = selectors.task_get(actor=request.user, pk=task_id)
    return services.plan_save(actor=request.user, task=task, expected_version=payload.expected_version,
                              milestones=[m.dict() for m in payload.milestones])


@router.post("/tasks/{task_id}/reports", response={201: ReportOut}, summary="报送进度")
def report_submit(request, task_id: int, payload: ReportIn):
    task = selectors.task_get(actor=request.user, pk=task_id)
    assignment = task.assignments.select_related("unit").filter(unit_id=payload.unit_id).first()
    period = task.policy.reporting_periods.filter(pk=payload.period_id).first()
    if assignment is None or period is None:
        raise NotFound("单位或报送期不属于该任务。")
    report = services.report_submit(actor=request.user, task=task, unit=assignment.unit, period=period, text=payload.text,
                                    percent=payload.percent, target_values=payload.target_values)
    return Status(201, report)


@router.post("/tasks/{task_id}/notices", response={201: NoticeOut}, summary="签发督办单")
def notice_issue(request, task_id: int, payload: NoticeIn):
    task = selectors.task_get(actor=request.user, pk=task_id)
    assignment = task.assignments.select_related("unit").filter(unit_id=payload.unit_id).first()
    if assignment is None:
        raise NotFound("督办对象不是该任务的责任单位。")
    return Status(201, services.notice_issue(actor=request.user, task=task, unit=assignment.unit, content=payload.content,
                                                 response_due=payload.response_due))


@router.post("/notices/{notice_id}/respond", response=NoticeOut, summary="答复督办单")
def notice_respond(request, notice_id: int, payload: RespondIn):
    notice = selectors.notice_list(actor=request.user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound("未找到该督办单,或您无权查看。")
    return services.notice_respond(actor=request.user, notice=notice, response=payload.response)


@router.get("/dashboard", summary="督办看板数据")
def dashboard(request):
    return selectors.dashboard(actor=request.user, today=timezone.localdate())
