from django.db import models
from django.utils.translation import gettext_lazy as _


class MetricKind(models.TextChoices):
    """Metrics a policy target can be bound to (指标口径), computed from the registry, certifications and ledger."""

    TALENTS_INTRODUCED = "talents_introduced", _("引进人才数(人才信息库)")
    CERTIFIED_TALENTS = "certified_talents", _("认定人才数(有效认定)")
    PAID_TOTAL = "paid_total", _("兑现资金(万元)")


class StatKind(models.TextChoices):
    """Kinds of pre-aggregated cells (统计快照), each counted by region × year × one dimension."""

    TIER = "tier", _("人才类别")
    INDUSTRY = "industry", _("行业门类")
    EDUCATION = "education", _("学历")
    TITLE = "title", _("职称级别")
    MODE = "mode", _("引进方式")
    CERT_NEW = "cert_new", _("新认定")
    CERT_EXIT = "cert_exit", _("认定退出")
    MOVE_IN = "move_in", _("迁入")
    MOVE_OUT = "move_out", _("迁出")
    FUND = "fund", _("资金")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class ReportFormat(models.TextChoices):
    HTML = "html", "HTML"
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"


class ReportsErrorCode(models.TextChoices):
    BAD_DEFINITION = "bad_metric_definition", _("指标定义有误")
    BAD_SCOPE = "bad_scope", _("统计范围有误")
    BAD_YEAR = "bad_year", _("年度有误")
    NO_DATASET = "no_dataset", _("数据集不存在")
