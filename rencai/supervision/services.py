"""Writes of supervision: plans, reports, status, reminders (催办), notices (督办单), assessment (考核).

Every function takes the clock from its caller (`today` / `now`), so tests make time pass without sleeping and a
scheduled job runs them with the real time.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from rencai.audit.services import audit_record
from rencai.core.exceptions import ApplicationError, Conflict, PermissionDenied
from rencai.core.uploads import store_evidence
from rencai.orgs import selectors as org_selectors
from rencai.orgs.choices import Role

from . import permissions, scoring, status
from .choices import (
    AssessmentState,
    AssignmentRole,
    DeliverableForm,
    EventKind,
    NotificationKind,
    PlanStatus,
    ReportingCycle,
    TaskState,
)
from .models import (
    AssessmentAdjustment,
    AssessmentResult,
    AssessmentScheme,
    Milestone,
    Notification,
    ProgressReport,
    ReportAttachment,
    ReportingPeriod,
    ReportingSchedule,
    ReportTargetValue,
    StatusChange,
    SupervisionNotice,
    Task,
    TaskAssignment,
    TaskEvent,
)

REMIND_BEFORE_DAYS = (7, 1)
REMIND_AFTER_DAYS = (1, 3, 7)
ESCALATE_AFTER_DAYS = 3  # an unanswered notice is escalated this many days after its deadline, then weekly
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10


def num(value) -> str:
    """50.00 -> "50", 2.50 -> "2.5": numbers as a clerk writes them."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def _event(task, kind, *, actor=None, unit=None, message="", data=None, now=None):
    return TaskEvent.objects.create(task=task, kind=kind, actor=actor if getattr(actor, "is_authenticated", False) else None,
                                    unit=unit, message=message[:500], data=data or {}, at=now or timezone.now())


def lead_unit_of(task):
    a = task.assignments.filter(role=AssignmentRole.LEAD).select_related("unit").first()
    return a.unit if a else None


# ---------------------------------------------------------------- reporting schedule


def _period_rows(cycle: str, start: date, end: date, days_after: int, custom: list[str]):
    if cycle == ReportingCycle.CUSTOM:
        previous = start
        for i, text in enumerate(sorted(custom), 1):
            deadline = date.fromisoformat(text)
            yield f"第{i}次报送", previous, deadline, deadline
            previous = deadline + timedelta(days=1)
        return
    months = {ReportingCycle.MONTHLY: 1, ReportingCycle.QUARTERLY: 3, ReportingCycle.HALF_YEARLY: 6}[cycle]
    year, month = start.year, ((start.month - 1) // months) * months + 1
    while date(year, month, 1) <= end:
        last_month = month + months - 1
        p_end = date(year, last_month, calendar.monthrange(year, last_month)[1])
        if cycle == ReportingCycle.MONTHLY:
            label = f"{year}年{month}月"
        elif cycle == ReportingCycle.QUARTERLY:
            label = f"{year}年第{(month - 1) // 3 + 1}季度"
        else:
            label = f"{year}年{'上' if month == 1 else '下'}半年"
        yield label, max(date(year, month, 1), start), p_end, p_end + timedelta(days=days_after)
        month += months
        if month > 12:
            year, month = year + 1, month - 12


_YEAR = re.compile(r"(20\d{2})年")


def target_due_date(period_text: str, policy_year: int, fallback: date | None) -> date:
    """When a parsed target falls due: 到2020年 / 2018年底 -> that year's end; 全年/每年 -> the policy year's end."""
    m = _YEAR.search(period_text or "")
    if m:
        return date(int(m.group(1)), 12, 31)
    if fallback:
        return fallback
    return date(policy_year, 12, 31)


@transaction.atomic
def supervision_start(*, actor, policy, cycle: str, start: date, end: date, days_after_period: int = 10,
                      custom_deadlines: list[str] | None = None, now: datetime | None = None) -> ReportingSchedule:
    """Start supervising a published policy (启动督办): reporting periods, task dates, and target milestones."""
    tasks = list(Task.objects.filter(policy=policy, state=TaskState.ACTIVE).select_related("region"))
    if not tasks:
        raise ApplicationError("该政策还没有已发布的任务,请先发布。", code="not_published")
    if not permissions.is_office_for(actor, tasks[0]):
        raise PermissionDenied("只有人才办可以启动督办。")
    if end <= start:
        raise ApplicationError("督办结束日期必须晚于开始日期。", code="invalid_dates")
    if cycle not in ReportingCycle.values:
        raise ApplicationError(f"未知的报送周期“{cycle}”。", code="invalid_cycle")
    schedule, _ = ReportingSchedule.objects.update_or_create(
        policy=policy, defaults={"cycle": cycle, "days_after_period": days_after_period,
                                 "custom_deadlines": custom_deadlines or []})
    for label, p_start, p_end, deadline in _period_rows(cycle, start, end, days_after_period, custom_deadlines or []):
        ReportingPeriod.objects.update_or_create(policy=policy, start=p_start,
                                                 defaults={"label": label, "end": p_end, "deadline": deadline})
    for task in tasks:
        task.start_date = task.start_date or start
        task.due_date = task.due_date or end
        task.save(update_fields=["start_date", "due_date", "updated_at"])
        for target in task.targets.all():
            if not target.milestones.exists():
                Milestone.objects.create(task=task, title=f"完成“{target.metric}”{num(target.value)}{target.unit}",
                                         due_date=target_due_date(target.period, start.year, task.due_date),
                                         deliverable=DeliverableForm.DATA, target=target,
                                         target_value=target.value, sort_order=target.sort_order)
    audit_record(actor=actor, action="supervision.start", obj=policy, extra={"cycle": cycle, "start": str(start), "end": str(end)})
    return schedule


# ---------------------------------------------------------------- plans (optimistic locking)


@transaction.atomic
def plan_save(*, actor, task: Task, expected_version: int, milestones: list[dict], shares: dict[int, str] | None = None,
              now: datetime | None = None) -> Task:
    """Replace the task's milestones. Refuses with a clear message when someone else saved since the editor opened
    the plan (optimistic locking on `plan_version`), instead of silently overwriting their work."""
    lead = lead_unit_of(task)
    if not permissions.can_edit_plan(actor, task, lead):
        raise PermissionDenied("只有牵头单位或人才办可以制定该任务的计划。")
    errors = []
    unit_ids = set(task.assignments.values_list("unit_id", flat=True))
    for i, m in enumerate(milestones, 1):
        if not (m.get("title") or "").strip():
            errors.append(f"第 {i} 个节点:请填写节点内容")
        if not isinstance(m.get("due_date"), date):
            errors.append(f"第 {i} 个节点:请填写完成时间")
        if m.get("deliverable", DeliverableForm.DOCUMENT) not in DeliverableForm.values:
            errors.append(f"第 {i} 个节点:成果形式无效")
        if m.get("unit_id") and m["unit_id"] not in unit_ids:
            errors.append(f"第 {i} 个节点:负责单位不是本任务的责任单位")
    if errors:
        raise ApplicationError(";".join(errors), code="invalid_plan")
    updated = Task.objects.filter(pk=task.pk, plan_version=expected_version).update(plan_version=F("plan_version") + 1)
    if not updated:
        current = Task.objects.filter(pk=task.pk).values_list("plan_version", flat=True).first()
        raise Conflict(f"该任务的计划已被他人修改(您编辑的是第 {expected_version} 版,当前为第 {current} 版)。"
                       "为避免覆盖他人的修改,本次未保存:请刷新页面查看最新计划后再修改。", code="stale_plan")
    task.milestones.all().delete()
    for i, m in enumerate(milestones):
        Milestone.objects.create(task=task, title=m["title"].strip()[:200], due_date=m["due_date"],
                                 deliverable=m.get("deliverable", DeliverableForm.DOCUMENT), unit_id=m.get("unit_id"),
                                 target_id=m.get("target_id"), target_value=m.get("target_value"),
                                 done_on=m.get("done_on"), sort_order=i)
    for unit_id, share in (shares or {}).items():
        TaskAssignment.objects.filter(task=task, unit_id=unit_id).update(share=share[:300])
    task.refresh_from_db()
    if task.plan_status in (PlanStatus.APPROVED, PlanStatus.RETURNED):
        task.plan_status = PlanStatus.DRAFT
        task.save(update_fields=["plan_status", "updated_at"])
    _event(task, EventKind.PLAN_SAVED, actor=actor, unit=lead, message=f"保存计划(第 {task.plan_version} 版),{len(milestones)} 个节点", now=now)
    audit_record(actor=actor, action="supervision.plan.save", obj=task, extra={"version": task.plan_version, "milestones": len(milestones)})
    return task


@transaction.atomic
def plan_submit(*, actor, task: Task, now=None) -> Task:
    if not permissions.can_edit_plan(actor, task, lead_unit_of(task)):
        raise PermissionDenied("只有牵头单位可以提交计划。")
    if not task.milestones.exists():
        raise ApplicationError("请至少设置一个进度节点后再提交。", code="empty_plan")
    task.plan_status = PlanStatus.SUBMITTED
    task.save(update_fields=["plan_status", "updated_at"])
    _event(task, EventKind.PLAN_SUBMITTED, actor=actor, message="提交计划待审核", now=now)
    audit_record(actor=actor, action="supervision.plan.submit", obj=task)
    return task


@transaction.atomic
def plan_review(*, actor, task: Task, approve: bool, reason: str = "", now=None) -> Task:
    """The talent office approves the plan, or returns it with a reason."""
    if not permissions.is_office_for(actor, task):
        raise PermissionDenied("只有人才办可以审核计划。")
    if task.plan_status != PlanStatus.SUBMITTED:
        raise ApplicationError("该计划不在待审核状态。", code="not_submitted")
    if not approve and not reason.strip():
        raise ApplicationError("退回计划时请写明理由。", code="reason_required")
    task.plan_status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    task.save(update_fields=["plan_status", "updated_at"])
    _event(task, EventKind.PLAN_APPROVED if approve else EventKind.PLAN_RETURNED, actor=actor, message=reason, now=now)
    audit_record(actor=actor, action="supervision.plan.approve" if approve else "supervision.plan.return", obj=task,
                 extra={"reason": reason})
    return task


# ---------------------------------------------------------------- progress reports


def _store_attachment(report: ProgressReport, upload) -> ReportAttachment:
    stored = store_evidence(upload, folder="evidence", max_bytes=MAX_ATTACHMENT_BYTES)
    return ReportAttachment.objects.create(report=report, original_name=upload.name[:200], stored_path=stored.path,
                                           content_type=stored.content_type, size=stored.size, sha256=stored.sha256)


@transaction.atomic
def report_submit(*, actor, task: Task, unit, period: ReportingPeriod, text: str, percent: int,
                  target_values: dict[int, Decimal] | None = None, files=(), now: datetime | None = None) -> ProgressReport:
    """File a unit's report for a period. Reports are immutable: filing again for the same period creates the next
    version, which supersedes the previous one."""
    now = now or timezone.now()
    if not permissions.acts_for_unit(actor, unit):
        raise PermissionDenied("您不能代表该单位报送。")
    if not task.assignments.filter(unit=unit).exists():
        raise PermissionDenied("该单位不是这项任务的责任单位。")
    if period.policy_id != task.policy_id:
        raise ApplicationError("报送期与任务不属于同一政策。", code="wrong_period")
    if not text.strip():
        raise ApplicationError("请填写进展情况。", code="text_required")
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ApplicationError("完成比例应为 0 到 100 之间的整数。", code="bad_percent")
    if len(files) > MAX_ATTACHMENTS:
        raise ApplicationError(f"每次最多上传 {MAX_ATTACHMENTS} 个附件。", code="too_many_files")
    targets = {t.pk: t for t in task.targets.all()}
    for target_id, value in (target_values or {}).items():
        if target_id not in targets:
            raise ApplicationError("填报的目标不属于该任务。", code="wrong_target")
        if value is None or Decimal(value) < 0:
            raise ApplicationError(f"“{targets[target_id].metric}”的完成数不能为负。", code="bad_value")
    previous = (ProgressReport.objects.select_for_update().filter(task=task, unit=unit, period=period)
                .order_by("-version").first())
    report = ProgressReport.objects.create(
        task=task, unit=unit, period=period, version=(previous.version + 1) if previous else 1, supersedes=previous,
        text=text.strip(), percent=percent, submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        submitted_at=now, is_late=now.date() > period.deadline)
    for target_id, value in (target_values or {}).items():
        ReportTargetValue.objects.create(report=report, target_id=target_id, reached=Decimal(value))
        target = targets[target_id]
        target.reached = Decimal(value)
        target.save(update_fields=["reached"])
        for milestone in target.milestones.filter(done_on__isnull=True):
            if milestone.target_value is not None and Decimal(value) >= milestone.target_value:
                milestone.done_on = now.date()
                milestone.save(update_fields=["done_on"])
    for upload in files:
        _store_attachment(report, upload)
    lead = lead_unit_of(task)
    if lead is None or unit.pk == lead.pk:
        # The lead unit answers for the whole task; co-units report their own part.
        Task.objects.filter(pk=task.pk).update(progress=percent, completed=False)
    _event(task, EventKind.REPORT, actor=actor, unit=unit, now=now,
           message=f"{unit.display_name} 报送 {period.label} 进度 {percent}%" + ("(更正)" if previous else "")
           + ("(逾期)" if report.is_late else ""), data={"report_id": report.pk, "version": report.version})
    audit_record(actor=actor, action="supervision.report.submit", obj=report,
                 extra={"task_id": task.pk, "unit_id": unit.pk, "period": period.label, "version": report.version})
    status_recompute(tasks=Task.objects.filter(pk=task.pk), today=now.date(), now=now)
    return report


# ---------------------------------------------------------------- status


def _facts_for(tasks: list[Task], today: date) -> dict[int, status.TaskFacts]:
    """Gather the facts of many tasks with a fixed number of queries (no per-task queries)."""
    ids = [t.pk for t in tasks]
    milestones = defaultdict(list)
    for m in Milestone.objects.filter(task_id__in=ids).select_related("target").order_by("due_date"):
        reached = float(m.target.reached) if m.target_id and m.target and m.target.reached is not None else None
        milestones[m.task_id].append(status.MilestoneFact(
            m.title, m.due_date, m.done_on, float(m.target_value) if m.target_value is not None else None, reached))
    assignments = defaultdict(list)
    for task_id, unit_id in TaskAssignment.objects.filter(task_id__in=ids).values_list("task_id", "unit_id"):
        assignments[task_id].append(unit_id)
    policy_ids = {t.policy_id for t in tasks}
    periods = defaultdict(list)
    for p in ReportingPeriod.objects.filter(policy_id__in=policy_ids, deadline__lt=today).order_by("deadline"):
        periods[p.policy_id].append(p)
    reported = set(ProgressReport.objects.filter(task_id__in=ids).values_list("task_id", "unit_id", "period_id").distinct())
    notices = defaultdict(list)
    for task_id, due in SupervisionNotice.objects.filter(task_id__in=ids, responded_at__isnull=True).values_list("task_id", "response_due"):
        notices[task_id].append(due)
    facts = {}
    for t in tasks:
        missing = sorted({p.deadline for p in periods[t.policy_id] for u in assignments[t.pk]
                          if (t.pk, u, p.pk) not in reported and (t.start_date is None or p.end >= t.start_date)})
        facts[t.pk] = status.TaskFacts(t.start_date, t.due_date, t.progress, tuple(milestones[t.pk]), tuple(missing),
                                       t.completed, tuple(sorted(notices[t.pk])))
    return facts


def status_recompute(*, tasks=None, today: date, now: datetime | None = None, batch: int = 2000) -> dict[str, int]:
    """Recompute the light of every active task (or of `tasks`); record changes in the status history."""
    now = now or timezone.now()
    qs = (tasks if tasks is not None else Task.objects.all()).filter(state=TaskState.ACTIVE).order_by("pk")
    counts: dict[str, int] = defaultdict(int)
    last = 0
    while True:
        chunk = list(qs.filter(pk__gt=last)[:batch])
        if not chunk:
            break
        last = chunk[-1].pk
        facts = _facts_for(chunk, today)
        changed, history, events = [], [], []
        for t in chunk:
            light = status.compute(facts[t.pk], today)
            counts[light.status] += 1
            if light.status != t.status or light.rule != t.status_rule:
                if light.status != t.status:
                    history.append(StatusChange(task=t, status=light.status, previous=t.status, rule=light.rule[:300], at=now))
                    events.append(TaskEvent(task=t, kind=EventKind.STATUS, at=now, message=f"{status.LABELS[t.status]} → {light.label}:{light.rule}"[:500]))
                    t.status_changed_at = now
                t.status, t.status_rule = light.status, light.rule[:300]
                changed.append(t)
        with transaction.atomic():
            # executemany of a keyed UPDATE: far cheaper than bulk_update's CASE expression on both databases
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {Task._meta.db_table} SET status = %s, status_rule = %s, status_changed_at = %s WHERE id = %s",
                    [(t.status, t.status_rule, connection.ops.adapt_datetimefield_value(t.status_changed_at), t.pk)
                     for t in changed])
            StatusChange.objects.bulk_create(history, batch_size=500)
            TaskEvent.objects.bulk_create(events, batch_size=500)
        counts["changed"] += len(history)
    return dict(counts)


# ---------------------------------------------------------------- reminders and notices


def _officers(unit):
    return list(org_selectors.unit_officers(unit=unit))


def _office_staff(region):
    from django.contrib.auth import get_user_model

    city_path = "/" + region.path.strip("/").split("/")[0] + "/"
    return list(get_user_model().objects.filter(
        memberships__role=Role.TALENT_OFFICE, memberships__unit__path__startswith=city_path, is_active=True).distinct())


def _notify(users, *, kind, task, title, body, key, now) -> int:
    """Create in-app notifications and e-mails once per (user, key); returns how many were new."""
    sent = 0
    for user in users:
        try:
            with transaction.atomic():
                Notification.objects.create(recipient=user, kind=kind, task=task, title=title[:200], body=body,
                                            created_at=now, dedupe_key=key[:200], emailed=bool(user.email))
        except IntegrityError:
            continue  # already sent by an earlier run of the job
        if user.email:
            send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True)
        sent += 1
    return sent


def reminders_run(*, today: date, now: datetime | None = None) -> dict[str, int]:
    """The scheduled 催办 job: milestones and report deadlines coming up or passed, and notices ignored.
    Idempotent: running it twice on the same day sends nothing new."""
    now = now or timezone.now()
    result = defaultdict(int)
    horizon = today + timedelta(days=max(REMIND_BEFORE_DAYS))
    oldest = today - timedelta(days=max(REMIND_AFTER_DAYS))
    milestones = (Milestone.objects.filter(done_on__isnull=True, due_date__gte=oldest, due_date__lte=horizon,
                                           task__state=TaskState.ACTIVE).select_related("task", "unit", "task__region"))
    for m in milestones:
        days = (m.due_date - today).days
        if days not in REMIND_BEFORE_DAYS and -days not in REMIND_AFTER_DAYS:
            continue
        unit = m.unit or lead_unit_of(m.task)
        if unit is None:
            continue
        when = f"将于 {days} 天后到期" if days > 0 else f"已逾期 {-days} 天"
        title = f"【催办】任务“{m.task.number}. {m.task.title[:30]}”的节点“{m.title[:30]}”{when}"
        body = f"{unit.name}:请于 {m.due_date:%Y年%m月%d日} 前完成“{m.title}”并报送进度。"
        n = _notify(_officers(unit), kind=NotificationKind.REMINDER, task=m.task, title=title, body=body,
                    key=f"milestone:{m.pk}:{days}", now=now)
        if n:
            _event(m.task, EventKind.REMINDER, unit=unit, message=title, now=now)
            result["milestone_reminders"] += n
    for period in ReportingPeriod.objects.filter(deadline__gte=oldest, deadline__lte=today + timedelta(days=3)):
        days = (period.deadline - today).days
        if days not in (3, 0) and -days not in REMIND_AFTER_DAYS:
            continue
        done = set(ProgressReport.objects.filter(period=period).values_list("task_id", "unit_id"))
        for a in TaskAssignment.objects.filter(task__policy_id=period.policy_id, task__state=TaskState.ACTIVE).select_related("task", "unit"):
            if (a.task_id, a.unit_id) in done:
                continue
            when = f"截止日期 {period.deadline:%m月%d日}" + (f"(已逾期 {-days} 天)" if days < 0 else "")
            title = f"【催办】请报送“{a.task.number}. {a.task.title[:30]}”{period.label}进度,{when}"
            n = _notify(_officers(a.unit), kind=NotificationKind.REMINDER, task=a.task, title=title,
                        body=f"{a.unit.name}:{title}", key=f"report:{period.pk}:{a.task_id}:{days}", now=now)
            if n:
                _event(a.task, EventKind.REMINDER, unit=a.unit, message=title, now=now)
                result["report_reminders"] += n
    result["escalations"] = notices_escalate(today=today, now=now)
    return dict(result)


def _next_notice_number(year: int) -> str:
    prefix = f"督办〔{year}〕"
    count = SupervisionNotice.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1}号"


@transaction.atomic
def notice_issue(*, actor, task: Task, unit, content: str, response_due: date, now: datetime | None = None) -> SupervisionNotice:
    """Issue a supervision notice (督办单) to a unit of the task, requiring a response by `response_due`."""
    now = now or timezone.now()
    if not permissions.is_office_for(actor, task):
        raise PermissionDenied("只有人才办可以签发督办单。")
    if not task.assignments.filter(unit=unit).exists():
        raise ApplicationError("督办对象必须是该任务的责任单位。", code="not_assigned")
    if not content.strip():
        raise ApplicationError("请填写督办事项。", code="content_required")
    if response_due < now.date():
        raise ApplicationError("答复期限不能早于今天。", code="bad_deadline")
    notice = SupervisionNotice.objects.create(task=task, unit=unit, number=_next_notice_number(now.year), content=content.strip(),
                                              issued_by=actor if getattr(actor, "is_authenticated", False) else None,
                                              issued_at=now, response_due=response_due)
    title = f"【督办单 {notice.number}】{task.number}. {task.title[:30]}"
    _notify(_officers(unit), kind=NotificationKind.NOTICE, task=task, title=title,
            body=f"{unit.name}:{content}\n请于 {response_due:%Y年%m月%d日} 前答复。", key=f"notice:{notice.pk}", now=now)
    _event(task, EventKind.NOTICE, actor=actor, unit=unit, message=f"签发{notice.number},要求 {response_due:%m月%d日} 前答复", now=now)
    audit_record(actor=actor, action="supervision.notice.issue", obj=notice, extra={"task_id": task.pk, "unit_id": unit.pk})
    status_recompute(tasks=Task.objects.filter(pk=task.pk), today=now.date(), now=now)
    return notice


@transaction.atomic
def notice_respond(*, actor, notice: SupervisionNotice, response: str, now: datetime | None = None) -> SupervisionNotice:
    now = now or timezone.now()
    if not permissions.acts_for_unit(actor, notice.unit):
        raise PermissionDenied("只有被督办单位可以答复督办单。")
    if notice.responded_at:
        raise ApplicationError("该督办单已答复。", code="already_answered")
    if not response.strip():
        raise ApplicationError("请填写答复内容。", code="response_required")
    notice.response, notice.responded_at = response.strip(), now
    notice.responded_by = actor if getattr(actor, "is_authenticated", False) else None
    notice.save(update_fields=["response", "responded_at", "responded_by", "updated_at"])
    late = now.date() > notice.response_due
    _event(notice.task, EventKind.NOTICE_ANSWERED, actor=actor, unit=notice.unit, now=now,
           message=f"答复{notice.number}" + ("(逾期)" if late else ""))
    audit_record(actor=actor, action="supervision.notice.respond", obj=notice, extra={"late": late})
    status_recompute(tasks=Task.objects.filter(pk=notice.task_id), today=now.date(), now=now)
    return notice


def notices_escalate(*, today: date, now: datetime | None = None) -> int:
    """Unanswered notices past their deadline go up a level: the talent office and the city's leaders are told."""
    now = now or timezone.now()
    escalated = 0
    overdue = SupervisionNotice.objects.filter(responded_at__isnull=True,
                                               response_due__lte=today - timedelta(days=ESCALATE_AFTER_DAYS))
    for notice in overdue.select_related("task", "task__region", "unit"):
        level = 1 + (today - notice.response_due).days // 7
        if level <= notice.escalation_level:
            continue
        from django.contrib.auth import get_user_model

        city_path = "/" + notice.task.region.path.strip("/").split("/")[0] + "/"
        leaders = list(get_user_model().objects.filter(memberships__role=Role.LEADER,
                                                       memberships__unit__path__startswith=city_path).distinct())
        title = f"【督办升级】{notice.unit.name} 未按期答复 {notice.number}(逾期 {(today - notice.response_due).days} 天)"
        _notify(_office_staff(notice.task.region) + leaders + _officers(notice.unit), kind=NotificationKind.ESCALATION,
                task=notice.task, title=title, body=notice.content, key=f"escalate:{notice.pk}:{level}", now=now)
        SupervisionNotice.objects.filter(pk=notice.pk).update(escalation_level=level, escalated_at=now)
        _event(notice.task, EventKind.ESCALATION, unit=notice.unit, message=title, now=now)
        audit_record(actor=None, actor_name="督办提醒任务", action="supervision.notice.escalate", obj=notice, extra={"level": level})
        escalated += 1
    return escalated


# ---------------------------------------------------------------- assessment


def scheme_facts(scheme: AssessmentScheme, today: date) -> dict[int, scoring.UnitFacts]:
    """Per-unit facts of the year from tasks owned in the scheme's region: what was due in the year and how it went."""
    year_start, year_end = date(scheme.year, 1, 1), min(date(scheme.year, 12, 31), today)
    tasks = Task.objects.filter(region__path__startswith=scheme.region.path, state=TaskState.ACTIVE)
    facts: dict[int, scoring.UnitFacts] = {}
    names = {}

    def unit_facts(unit_id):
        if unit_id not in facts:
            facts[unit_id] = scoring.UnitFacts(unit=names.get(unit_id, str(unit_id)))
        return facts[unit_id]

    assignments = list(TaskAssignment.objects.filter(task__in=tasks).select_related("task", "unit"))
    for a in assignments:
        names[a.unit_id] = a.unit.name
    periods = defaultdict(list)
    for p in ReportingPeriod.objects.filter(policy__tasks__in=tasks, deadline__gte=year_start, deadline__lte=year_end).distinct():
        periods[p.policy_id].append(p)
    originals = {(r.task_id, r.unit_id, r.period_id): r for r in ProgressReport.objects.filter(task__in=tasks, version=1)}
    for a in assignments:
        label = f"{a.task.number}. {a.task.title[:40]}"
        for p in periods[a.task.policy_id]:
            key = (a.task_id, a.unit_id, p.pk)
            first = originals.get(key)
            if first is None:
                item = scoring.Item(label, f"{p.label} 未报送", 0.0)
            elif first is not None and first.is_late:
                item = scoring.Item(label, f"{p.label} 逾期报送({first.submitted_at:%m-%d})", 0.5)
            else:
                item = scoring.Item(label, f"{p.label} 按时报送", 1.0)
            unit_facts(a.unit_id).items.setdefault("on_time_reporting", []).append(item)
    leads = {a.task_id: a.unit_id for a in assignments if a.role == AssignmentRole.LEAD}
    for m in Milestone.objects.filter(task__in=tasks, due_date__gte=year_start, due_date__lte=year_end).select_related("task"):
        unit_id = m.unit_id or leads.get(m.task_id)
        if unit_id is None:
            continue
        met = m.done_on is not None and m.done_on <= m.due_date
        what = f"节点“{m.title[:30]}”({m.due_date:%m-%d})" + ("按期达成" if met else "未按期达成")
        unit_facts(unit_id).items.setdefault("milestones_met", []).append(
            scoring.Item(f"{m.task.number}. {m.task.title[:40]}", what, 1.0 if met else 0.0))
    from .models import TaskTarget

    for t in TaskTarget.objects.filter(task__in=tasks).select_related("task"):
        unit_id = leads.get(t.task_id)
        if unit_id is None or not t.value:
            continue
        reached = t.reached or Decimal(0)
        credit = float(min(Decimal(1), reached / t.value))
        unit_facts(unit_id).items.setdefault("targets_reached", []).append(
            scoring.Item(f"{t.task.number}. {t.task.title[:40]}", f"“{t.metric}”目标 {num(t.value)}{t.unit},完成 {num(reached)}", round(credit, 4)))
    for n in SupervisionNotice.objects.filter(task__in=tasks, response_due__gte=year_start, response_due__lte=year_end).select_related("task"):
        on_time = n.responded_at is not None and n.responded_at.date() <= n.response_due
        what = f"{n.number} " + ("按时答复" if on_time else ("逾期答复" if n.responded_at else "未答复"))
        unit_facts(n.unit_id).items.setdefault("notices_answered", []).append(
            scoring.Item(f"{n.task.number}. {n.task.title[:40]}", what, 1.0 if on_time else (0.5 if n.responded_at else 0.0)))
    for adj in scheme.adjustments.all():
        unit_facts(adj.unit_id).adjustments.append((float(adj.points), adj.reason))
    for unit_id, f in facts.items():
        f.unit = names.get(unit_id, f.unit)
    return facts


@transaction.atomic
def scheme_create(*, actor, region, year: int, weights: dict | None = None) -> AssessmentScheme:
    """Open a year's assessment for a city or district (年度目标考核方案)."""
    if not permissions.is_office_for_region(actor, region):
        raise PermissionDenied("只有人才办可以制定考核方案。")
    weights = weights or dict(scoring.DEFAULT_WEIGHTS)
    errors = scoring.validate_weights(weights)
    if errors:
        raise ApplicationError("考核权重有误:" + ";".join(errors), code="bad_weights")
    if AssessmentScheme.objects.filter(region=region, year=year).exists():
        raise ApplicationError(f"{region.name}{year}年度考核方案已存在。", code="duplicate_scheme")
    scheme = AssessmentScheme.objects.create(region=region, year=year, weights=weights)
    audit_record(actor=actor, action="supervision.assessment.create", obj=scheme, extra={"weights": weights})
    return scheme


@transaction.atomic
def assessment_adjust(*, actor, scheme: AssessmentScheme, unit, points: Decimal, reason: str) -> AssessmentAdjustment:
    if not permissions.is_office_for(actor, scheme):
        raise PermissionDenied("只有人才办可以加减分。")
    if scheme.state == AssessmentState.CLOSED:
        raise ApplicationError("该年度考核已结束,不能再加减分。", code="closed")
    if not reason.strip():
        raise ApplicationError("加减分必须写明理由。", code="reason_required")
    adj = AssessmentAdjustment.objects.create(scheme=scheme, unit=unit, points=points, reason=reason.strip(),
                                              created_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action="supervision.assessment.adjust", obj=scheme,
                 extra={"unit_id": unit.pk, "points": str(points), "reason": reason})
    return adj


@transaction.atomic
def assessment_close(*, actor, scheme: AssessmentScheme, today: date, now: datetime | None = None) -> list[AssessmentResult]:
    """Close the year: score and rank every unit that had something due, keeping the explanation."""
    now = now or timezone.now()
    if not permissions.is_office_for(actor, scheme):
        raise PermissionDenied("只有人才办可以结束年度考核。")
    weights = scheme.weights or scoring.DEFAULT_WEIGHTS
    errors = scoring.validate_weights(weights)
    if errors:
        raise ApplicationError("考核权重有误:" + ";".join(errors), code="bad_weights")
    pairs = [(unit_id, scoring.score_unit(f, weights)) for unit_id, f in scheme_facts(scheme, today).items()]
    unit_of = {id(score): unit_id for unit_id, score in pairs}
    scores = scoring.rank([score for _, score in pairs])
    scheme.results.all().delete()
    results = []
    for s in scores:
        explanation = {
            "components": [{"key": c.key, "label": c.label, "weight": c.weight, "rate": c.rate, "points": c.points,
                            "items": [{"task": i.task, "what": i.what, "credit": i.credit} for i in c.items]}
                           for c in s.components],
            "adjustments": [{"points": p, "reason": r} for p, r in s.adjustments],
        }
        results.append(AssessmentResult(scheme=scheme, unit_id=unit_of[id(s)], total=Decimal(str(s.total)),
                                        rank=s.rank, explanation=explanation))
    AssessmentResult.objects.bulk_create(results)
    scheme.state, scheme.closed_at = AssessmentState.CLOSED, now
    scheme.save(update_fields=["state", "closed_at", "updated_at"])
    audit_record(actor=actor, action="supervision.assessment.close", obj=scheme, extra={"units": len(results)})
    return results
