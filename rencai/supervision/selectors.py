"""Reads of supervision: the task ledger (台账), my tasks, the dashboard aggregates, assessment results."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from rencai.core.exceptions import NotFound, PermissionDenied
from rencai.core.models import LocalMonth
from rencai.core.scope import scope_for

from . import permissions
from .choices import AssignmentRole, TaskState, TaskStatus
from .models import (
    AssessmentScheme,
    Notification,
    ProgressReport,
    ReportingPeriod,
    StatusChange,
    SupervisionNotice,
    Task,
    TaskAssignment,
)


def task_list(*, actor, filters: dict | None = None):
    """Tasks in scope with the filters of the ledger: policy, unit (any role), lead unit, status, due before/after."""
    f = filters or {}
    qs = Task.objects.visible_to(actor).filter(state=f.get("state") or TaskState.ACTIVE)
    if f.get("policy"):
        qs = qs.filter(policy_id=f["policy"])
    if f.get("unit"):
        qs = qs.filter(Exists(TaskAssignment.objects.filter(task=OuterRef("pk"), unit_id=f["unit"])))
    if f.get("lead_unit"):
        qs = qs.filter(Exists(TaskAssignment.objects.filter(task=OuterRef("pk"), unit_id=f["lead_unit"],
                                                            role=AssignmentRole.LEAD)))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("due_before"):
        qs = qs.filter(due_date__lte=f["due_before"])
    if f.get("due_after"):
        qs = qs.filter(due_date__gte=f["due_after"])
    if f.get("q"):
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(body__icontains=f["q"]))
    return qs.select_related("policy", "region").prefetch_related(
        Prefetch("assignments", queryset=TaskAssignment.objects.select_related("unit").order_by("sort_order"))
    ).order_by("policy_id", "number")


def task_get(*, actor, pk: int) -> Task:
    try:
        return Task.objects.visible_to(actor).select_related("policy", "region").get(pk=pk)
    except (Task.DoesNotExist, ValueError):
        raise NotFound("未找到该任务,或您无权查看。") from None


def my_tasks(*, actor):
    """Tasks assigned to the units the actor acts for (成员单位/区县的“我的任务”)."""
    scope = scope_for(actor)
    if scope.everything:
        return task_list(actor=actor)
    q = Q(pk__in=[])
    for prefix in scope.unit_paths:
        q |= Q(unit__path__startswith=prefix)
    return task_list(actor=actor).filter(Exists(TaskAssignment.objects.filter(q, task=OuterRef("pk"))))


def task_open_periods(*, task: Task, today: date):
    return ReportingPeriod.objects.filter(policy_id=task.policy_id, start__lte=today).order_by("-start")


def task_reports(*, task: Task):
    return ProgressReport.objects.filter(task=task).select_related("unit", "period", "submitted_by").prefetch_related(
        "target_values__target", "attachments").order_by("-submitted_at")


def report_missing(*, actor, today: date):
    """(task, unit, period) whose deadline passed without a report, in scope: the 'late and missing' list."""
    tasks = Task.objects.visible_to(actor).filter(state=TaskState.ACTIVE)
    periods = ReportingPeriod.objects.filter(policy__tasks__in=tasks, deadline__lt=today).distinct()
    reported = set(ProgressReport.objects.filter(task__in=tasks).values_list("task_id", "unit_id", "period_id"))
    missing = []
    by_policy = defaultdict(list)
    for p in periods:
        by_policy[p.policy_id].append(p)
    for a in TaskAssignment.objects.filter(task__in=tasks).select_related("task", "unit"):
        for p in by_policy[a.task.policy_id]:
            if (a.task_id, a.unit_id, p.pk) not in reported and (a.task.start_date is None or p.end >= a.task.start_date):
                missing.append((a.task, a.unit, p))
    return missing


def dashboard(*, actor, today: date) -> dict:
    """Aggregates for the supervision dashboard, a handful of GROUP BY queries whatever the number of tasks."""
    tasks = Task.objects.visible_to(actor).filter(state=TaskState.ACTIVE)
    totals = {row["status"]: row["n"] for row in tasks.values("status").annotate(n=Count("id"))}
    by_policy = defaultdict(lambda: {s: 0 for s in TaskStatus.values})
    titles = {}
    for row in tasks.values("policy_id", "policy__title", "status").annotate(n=Count("id")):
        by_policy[row["policy_id"]][row["status"]] = row["n"]
        titles[row["policy_id"]] = row["policy__title"]
    by_unit = defaultdict(lambda: {s: 0 for s in TaskStatus.values})
    unit_names = {}
    lead_rows = (tasks.filter(assignments__role=AssignmentRole.LEAD)
                 .values("assignments__unit_id", "status").annotate(n=Count("id")))
    for row in lead_rows:
        by_unit[row["assignments__unit_id"]][row["status"]] = row["n"]
    from rencai.orgs.models import OrgUnit

    for pk, short, name in OrgUnit.objects.filter(pk__in=list(by_unit)).values_list("pk", "short_name", "name"):
        unit_names[pk] = short or name
    trend = {}
    since = timezone.now() - timedelta(days=730)
    for row in (StatusChange.objects.filter(task__in=tasks, status=TaskStatus.RED, at__gte=since)
                .annotate(month=LocalMonth("at")).values("month").annotate(n=Count("id")).order_by("month")):
        trend[row["month"]] = row["n"]
    units_sorted = sorted(by_unit.items(), key=lambda kv: (-kv[1]["red"], -kv[1]["yellow"], unit_names[kv[0]]))[:20]
    return {
        "totals": {s: totals.get(s, 0) for s in TaskStatus.values},
        "by_policy": [{"policy": titles[k], **v} for k, v in by_policy.items()],
        "by_unit": [{"unit": unit_names[k], **v} for k, v in units_sorted],
        "overdue_trend": [{"month": k, "red": v} for k, v in sorted(trend.items())],
        "open_notices": SupervisionNotice.objects.filter(task__in=tasks, responded_at__isnull=True).count(),
    }


def notification_list(*, actor, unread_only: bool = False):
    qs = Notification.objects.filter(recipient=actor)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notice_list(*, actor):
    return SupervisionNotice.objects.filter(task__in=Task.objects.visible_to(actor)).select_related("task", "unit")


def scheme_list(*, actor):
    if not permissions.can_view_assessment(actor):
        # units see their own result through scheme_result_for_unit
        return AssessmentScheme.objects.none()
    return AssessmentScheme.objects.visible_to(actor).select_related("region").order_by("-year")


def scheme_get(*, actor, pk: int) -> AssessmentScheme:
    try:
        return AssessmentScheme.objects.visible_to(actor).get(pk=pk)
    except AssessmentScheme.DoesNotExist:
        raise NotFound("未找到该考核方案,或您无权查看。") from None


def scheme_results(*, actor, scheme: AssessmentScheme):
    """Leaders and the talent office see the whole ranking; a unit sees only its own result."""
    results = scheme.results.select_related("unit").order_by("rank")
    if permissions.can_view_assessment(actor):
        return results
    scope = scope_for(actor)
    q = Q(pk__in=[])
    for prefix in scope.unit_paths:
        q |= Q(unit__path__startswith=prefix)
    own = results.filter(q)
    if not own.exists():
        raise PermissionDenied("您没有查看该考核结果的权限。")
    return own


def my_results(*, actor):
    """Closed-year results of the units the actor acts for."""
    from .choices import AssessmentState
    from .models import AssessmentResult

    scope = scope_for(actor)
    if scope.everything:
        return AssessmentResult.objects.none()
    q = Q(pk__in=[])
    for prefix in scope.unit_paths:
        q |= Q(unit__path__startswith=prefix)
    return (AssessmentResult.objects.filter(q, scheme__state=AssessmentState.CLOSED)
            .select_related("scheme", "scheme__region", "unit").order_by("-scheme__year", "rank"))
