from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("牵头单位")
    CO = "co", _("责任单位")


class TaskState(models.TextChoices):
    ACTIVE = "active", _("执行中")
    CANCELLED = "cancelled", _("已撤销")


class TaskStatus(models.TextChoices):
    """The computed traffic light (红黄绿灯); see supervision.status for the rule."""

    GREEN = "green", _("绿")
    YELLOW = "yellow", _("黄")
    RED = "red", _("红")
    DONE = "done", _("完成")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("未提交")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回")


class DeliverableForm(models.TextChoices):
    DOCUMENT = "document", _("文件")
    PLATFORM = "platform", _("平台")
    EVENT = "event", _("活动")
    DATA = "data", _("数据")
    PROJECT = "project", _("项目")
    OTHER = "other", _("其他")


class ReportingCycle(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    CUSTOM = "custom", _("自定义")


class EventKind(models.TextChoices):
    PUBLISHED = "published", _("发布")
    UPDATED = "updated", _("修订")
    CANCELLED = "cancelled", _("撤销")
    PLAN_SAVED = "plan_saved", _("保存计划")
    PLAN_SUBMITTED = "plan_submitted", _("提交计划")
    PLAN_APPROVED = "plan_approved", _("批准计划")
    PLAN_RETURNED = "plan_returned", _("退回计划")
    REPORT = "report", _("报送进度")
    REMINDER = "reminder", _("催办")
    NOTICE = "notice", _("督办单")
    NOTICE_ANSWERED = "notice_answered", _("督办答复")
    ESCALATION = "escalation", _("督办升级")
    STATUS = "status", _("状态变化")


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("催办提醒")
    NOTICE = "notice", _("督办单")
    ESCALATION = "escalation", _("督办升级")
    INFO = "info", _("通知")


class AssessmentState(models.TextChoices):
    OPEN = "open", _("考核中")
    CLOSED = "closed", _("已结束")
