"""Supervision (督查督办) and assessment (目标考核).

Publishing a policy (policies.services.policy_publish) creates Task, TaskAssignment, TaskTarget and TaskEvent rows;
lead units then plan milestones, responsible units report progress each period, the traffic light is computed
(supervision.status), reminders and notices go out, and units are scored at year end (supervision.scoring).
Task follows Decidim's accountability Result: two levels, progress 0–100, weight, dates, external id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from rencai.core.models import ScopedQuerySet, TimeStampedModel
from rencai.core.scope import Scope

from .choices import (
    AssessmentState,
    AssignmentRole,
    DeliverableForm,
    EventKind,
    NotificationKind,
    PlanStatus,
    ReportingCycle,
    TaskState,
    TaskStatus,
)


class TaskQuerySet(ScopedQuerySet):
    """A task is visible to whoever sees the region that owns its policy, and to every unit assigned to it
    (a district officer sees tasks of units in their district; a unit officer those of their unit)."""

    def within(self, scope: Scope):
        if scope.everything:
            return self.all()
        if not scope.unit_paths:
            return self.none()
        from rencai.orgs.models import OrgUnit

        # Resolve the subtrees to id lists first (a few hundred units at most): the task table is then filtered on
        # indexed integer columns, and the assignment subquery only runs for tasks the region test did not admit.
        in_scope = Q(pk__in=[])
        for prefix in scope.unit_paths:
            in_scope |= Q(path__startswith=prefix)
        units = OrgUnit.objects.filter(in_scope)
        region_ids = list(units.filter(kind__in=["city", "new_area", "district"]).values_list("pk", flat=True))
        unit_ids = list(units.values_list("pk", flat=True))
        return self.filter(Q(region_id__in=region_ids)
                           | Exists(TaskAssignment.objects.filter(task=OuterRef("pk"), unit_id__in=unit_ids)))

    def active(self):
        return self.filter(state=TaskState.ACTIVE)


class Task(TimeStampedModel):
    """A numbered task of a published policy (任务), assigned to a lead unit and co-responsible units."""

    policy = models.ForeignKey("policies.PolicyDocument", verbose_name=_("政策文件"), on_delete=models.PROTECT,
                               related_name="tasks")
    parent = models.ForeignKey("self", verbose_name=_("上级任务"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="subtasks")
    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("所属地区"), on_delete=models.PROTECT, related_name="+",
                               help_text=_("发文的市/区县,决定谁能看到这项任务"))
    number = models.PositiveIntegerField(_("序号"))
    section = models.CharField(_("所属部分"), max_length=200, blank=True)
    title = models.CharField(_("任务名称"), max_length=300)
    body = models.TextField(_("任务内容"), blank=True)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2, default=1)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    state = models.CharField(_("任务状态"), max_length=12, choices=TaskState.choices, default=TaskState.ACTIVE)
    status = models.CharField(_("督办状态"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.GREEN,
                              db_index=True)
    status_rule = models.CharField(_("状态依据"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("状态变化时间"), null=True, blank=True)
    completed = models.BooleanField(_("已确认完成"), default=False)
    plan_status = models.CharField(_("计划状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    plan_version = models.PositiveIntegerField(_("计划版本"), default=0, help_text=_("乐观锁:每次保存计划加一"))
    external_id = models.CharField(_("外部编号"), max_length=64, unique=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务台账")
        ordering = ["policy_id", "number"]
        indexes = [
            models.Index(fields=["region", "status"], name="supervision_task_region_st"),
            models.Index(fields=["due_date"], name="supervision_task_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="supervision_task_progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class TaskAssignment(models.Model):
    """A unit's part in a task (牵头单位/责任单位); each unit reports on its own part."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="task_assignments")
    role = models.CharField(_("职责"), max_length=4, choices=AssignmentRole.choices)
    written_as = models.CharField(_("文件原文"), max_length=100, blank=True, help_text=_("文件中的写法或统称"))
    share = models.CharField(_("分工"), max_length=300, blank=True, help_text=_("牵头单位分配给该单位的具体工作"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")
        ordering = ["task_id", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="supervision_assignment_unique_unit")]
        indexes = [models.Index(fields=["unit", "role"], name="supervision_assign_unit_role")]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.unit} · {self.get_role_display()}"


class TaskTarget(models.Model):
    """A quantitative target parsed from the task text (量化目标): 全年引进扶持50名左右高层次人才."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="targets")
    text = models.CharField(_("原文"), max_length=300)
    metric = models.CharField(_("指标"), max_length=200)
    value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2)
    value_max = models.DecimalField(_("目标上限"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=10, blank=True)
    qualifier = models.CharField(_("限定"), max_length=10, blank=True)
    period = models.CharField(_("期限"), max_length=30, blank=True)
    reached = models.DecimalField(_("已完成数"), max_digits=14, decimal_places=2, null=True, blank=True,
                                  help_text=_("最近一次报送的完成数"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("量化目标")
        verbose_name_plural = _("量化目标")
        ordering = ["task_id", "sort_order"]

    def __str__(self) -> str:
        return self.text


class TaskEvent(models.Model):
    """The task's timeline (like Saleor's OrderEvent): publish, plan, report, 催办, 督办单, status change."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    message = models.CharField(_("说明"), max_length=500, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("任务动态")
        verbose_name_plural = _("任务动态")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["task", "kind"], name="supervision_event_task_kind")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.get_kind_display()}"


class Milestone(models.Model):
    """A dated checkpoint of the lead unit's plan (阶段性时间进度安排) with its deliverable (具体成果形式)."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点内容"), max_length=200)
    due_date = models.DateField(_("完成时间"))
    deliverable = models.CharField(_("成果形式"), max_length=10, choices=DeliverableForm.choices,
                                   default=DeliverableForm.DOCUMENT)
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("负责单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", help_text=_("空表示牵头单位"))
    target = models.ForeignKey(TaskTarget, verbose_name=_("对应量化目标"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="milestones")
    target_value = models.DecimalField(_("需达到的数值"), max_digits=14, decimal_places=2, null=True, blank=True)
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("进度节点")
        verbose_name_plural = _("进度节点")
        ordering = ["task_id", "due_date", "sort_order"]

    def __str__(self) -> str:
        return f"{self.title}({self.due_date:%Y-%m-%d})"


class ReportingSchedule(models.Model):
    """How often the units of a policy report (每月/每季度/自定义) and how long after a period ends."""

    policy = models.OneToOneField("policies.PolicyDocument", verbose_name=_("政策文件"), on_delete=models.CASCADE,
                                  related_name="reporting_schedule")
    cycle = models.CharField(_("报送周期"), max_length=12, choices=ReportingCycle.choices,
                             default=ReportingCycle.QUARTERLY)
    days_after_period = models.PositiveSmallIntegerField(_("期末后几日内报送"), default=10)
    custom_deadlines = models.JSONField(_("自定义截止日期"), default=list, blank=True)

    class Meta:
        verbose_name = _("报送安排")
        verbose_name_plural = _("报送安排")


class ReportingPeriod(models.Model):
    """One reporting period of a policy (2018年第3季度) with its deadline."""

    policy = models.ForeignKey("policies.PolicyDocument", verbose_name=_("政策文件"), on_delete=models.CASCADE,
                               related_name="reporting_periods")
    label = models.CharField(_("报送期"), max_length=40)
    start = models.DateField(_("开始"))
    end = models.DateField(_("结束"))
    deadline = models.DateField(_("截止日期"), db_index=True)

    class Meta:
        verbose_name = _("报送期")
        verbose_name_plural = _("报送期")
        ordering = ["policy_id", "start"]
        constraints = [models.UniqueConstraint(fields=["policy", "start"], name="supervision_period_unique_start")]

    def __str__(self) -> str:
        return self.label


class ProgressReport(models.Model):
    """A unit's report for one task and period (进度报告). Immutable once submitted; a correction is a new version
    that supersedes the previous one."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(ReportingPeriod, verbose_name=_("报送期"), on_delete=models.PROTECT,
                               related_name="reports")
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField("self", verbose_name=_("更正的报告"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成比例(%)"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"), db_index=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)

    class Meta:
        verbose_name = _("进度报告")
        verbose_name_plural = _("进度报告")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "period", "version"], name="supervision_report_unique_version"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="supervision_report_percent_max_100"),
        ]
        indexes = [models.Index(fields=["task", "unit", "period"], name="supervision_report_key")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.unit} {self.period} v{self.version}"


class ReportTargetValue(models.Model):
    """The number reached for one target, as stated in a report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="target_values")
    target = models.ForeignKey(TaskTarget, on_delete=models.CASCADE, related_name="reported_values")
    reached = models.DecimalField(_("已完成数"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("目标完成数")
        verbose_name_plural = _("目标完成数")
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="supervision_value_unique")]


class ReportAttachment(models.Model):
    """Evidence attached to a report (佐证材料), stored outside the web root and served after a scope check."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(_("文件名"), max_length=200)
    stored_path = models.CharField(_("存储路径"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")


class StatusChange(models.Model):
    """History of the computed light (for the overdue trend and "since when is this red")."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("状态"), max_length=8, choices=TaskStatus.choices)
    previous = models.CharField(_("原状态"), max_length=8, choices=TaskStatus.choices, blank=True)
    rule = models.CharField(_("依据"), max_length=300)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("状态变化")
        verbose_name_plural = _("状态变化")
        ordering = ["-at"]


class SupervisionNotice(TimeStampedModel):
    """A supervision notice (督办单) issued by the talent office to a unit, requiring a response by a deadline."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="notices")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("督办对象"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("督办单号"), max_length=40, unique=True)
    content = models.TextField(_("督办事项"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("签发时间"))
    response_due = models.DateField(_("答复期限"))
    response = models.TextField(_("答复内容"), blank=True)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    escalation_level = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    escalated_at = models.DateTimeField(_("最近升级时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class Notification(models.Model):
    """An in-app message (催办、督办) to one user; e-mail goes out through Django's mail framework as well.
    `dedupe_key` makes the scheduled reminder job idempotent."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("类型"), max_length=12, choices=NotificationKind.choices)
    task = models.ForeignKey(Task, verbose_name=_("任务"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed = models.BooleanField(_("已发邮件"), default=False)
    dedupe_key = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="supervision_notification_once")]


class AssessmentScheme(TimeStampedModel):
    """A year's scoring scheme for a city or district (年度目标考核方案): weights, adjustments, and results."""

    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("考核范围"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    weights = models.JSONField(_("权重"), default=dict)
    state = models.CharField(_("状态"), max_length=8, choices=AssessmentState.choices, default=AssessmentState.OPEN)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    scope_path_lookup = "region__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="supervision_scheme_unique_year")]

    def __str__(self) -> str:
        return f"{self.region} {self.year}年度"


class AssessmentAdjustment(models.Model):
    """A manual adjustment of a unit's score, with the reason (加减分须写明理由)."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("理由"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("加减分")
        verbose_name_plural = _("加减分")


class AssessmentResult(models.Model):
    """A unit's score and rank for the year, with the explanation down to tasks."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("排名"))
    explanation = models.JSONField(_("得分说明"), default=dict)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["scheme_id", "rank"]
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="supervision_result_unique_unit")]
