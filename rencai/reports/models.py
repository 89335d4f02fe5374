"""Measured targets, the statistics snapshot behind the leaders' dashboard, annual report jobs and open data.

Targets (supervision.TaskTarget) are bound to a declarative metric (MetricBinding) so their progress is computed
from the registry, certifications and the benefits ledger instead of typed in. The dashboard and the annual report
read pre-aggregated counts (StatCell, region × year × one dimension), rebuilt in the background from the source
tables, so a page stays fast at a million talents. No model here holds a person: only counts and sums.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.core.models import ScopedQuerySet

from .choices import JobStatus, StatKind


class MetricBinding(models.Model):
    """A policy target bound to a metric (量化目标的统计口径): {"metric": "certified_talents", "tier": ["B"],
    "introduced_between": ["2018-01-01", "2020-12-31"], "scope": "HLGE"}. The computed value is cached with its
    yearly trend; unbound targets keep the number last reported in supervision (报送数)."""

    target = models.OneToOneField("supervision.TaskTarget", verbose_name=_("量化目标"), on_delete=models.CASCADE,
                                  related_name="metric_binding")
    definition = models.JSONField(_("指标定义"))
    value = models.DecimalField(_("计算值"), max_digits=18, decimal_places=2, null=True, blank=True)
    trend = models.JSONField(_("逐年计算值"), default=list, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    error = models.CharField(_("计算失败原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("设置人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("目标指标绑定")
        verbose_name_plural = _("目标指标绑定")
        ordering = ["target_id"]

    def __str__(self) -> str:
        return f"{self.target_id} → {self.definition.get('metric', '')}"


class StatSnapshot(models.Model):
    """One rebuild of the aggregate cells (统计快照): when, how long, and the source signature it was built from
    (so the dashboard knows when the registry has moved on)."""

    built_at = models.DateTimeField(_("生成时间"), db_index=True)
    duration_ms = models.PositiveIntegerField(_("耗时(毫秒)"), default=0)
    signature = models.JSONField(_("数据源标记"), default=dict)
    talent_count = models.PositiveIntegerField(_("人才总数"), default=0)
    funds_available = models.BooleanField(_("有资金数据"), default=False)

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")
        ordering = ["-built_at"]


class StatCell(models.Model):
    """A count (or sum) for one region, year and value of one dimension (人才类别 B, 行业门类 C …). `year` is the
    year of the event (引进, 认定, 迁移, 兑付); 0 means the date is unknown. Fund cells carry the budget too."""

    kind = models.CharField(_("类型"), max_length=12, choices=StatKind.choices)
    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("地区"), on_delete=models.DO_NOTHING, related_name="+",
                               db_constraint=False, db_index=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    dim = models.CharField(_("分类"), max_length=60, blank=True)
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=2)
    budget = models.DecimalField(_("预算"), max_digits=18, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("统计单元")
        verbose_name_plural = _("统计单元")
        indexes = [models.Index(fields=["kind", "region", "year", "dim"], name="reports_cell_kind_region_idx")]


class ReportJobQuerySet(ScopedQuerySet):
    pass


class ReportJob(models.Model):
    """An annual statistics report and white paper being generated (年度统计报告/白皮书), with its progress and files."""

    year = models.PositiveSmallIntegerField(_("年度"))
    scope = models.ForeignKey("orgs.OrgUnit", verbose_name=_("统计范围"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", help_text=_("空表示全平台"))
    formats = models.JSONField(_("格式"), default=list)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    message = models.CharField(_("结果说明"), max_length=500, blank=True)
    files = models.JSONField(_("文件"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_path_lookup = "scope__path"
    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度报告生成")
        verbose_name_plural = _("年度报告生成")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.year}年度报告 #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class OpenDataRelease(models.Model):
    """A published set of aggregate tables (数据开放) for one city or new area, suppressed together so that no
    cell under the threshold can be read directly or recovered by differencing two published tables."""

    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("发布地区"), on_delete=models.PROTECT, related_name="+")
    threshold = models.PositiveSmallIntegerField(_("最小发布数"), default=5)
    tables = models.JSONField(_("数据表"), default=dict)
    suppressed_cells = models.PositiveIntegerField(_("隐藏单元格数"), default=0)
    published_at = models.DateTimeField(_("发布时间"), db_index=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("开放数据发布")
        verbose_name_plural = _("开放数据发布")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region_id} {self.published_at:%Y-%m-%d}"
