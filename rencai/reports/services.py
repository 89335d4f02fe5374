"""Writes of reports: metric bindings, the statistics snapshot rebuild, annual report jobs, open-data releases."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rencai.audit.services import audit_record
from rencai.core.exceptions import ApplicationError, PermissionDenied

from . import annual, metrics, opendata, permissions, selectors, stats
from .choices import JobStatus, ReportFormat, ReportsErrorCode
from .models import MetricBinding, OpenDataRelease, ReportJob

logger = logging.getLogger(__name__)
REPORT_DIR = "reports"
DEFAULT_THRESHOLD = 5


# --- metric bindings -----------------------------------------------------------------------------------------


def _binding_compute(binding: MetricBinding, *, today: dt.date) -> None:
    try:
        binding.value = metrics.metric_compute(binding.definition)
        binding.trend = metrics.metric_trend(binding.definition, today=today)
        binding.error = ""
    except ApplicationError as exc:  # e.g. 资金数据暂无: the target falls back to the reported number
        binding.value, binding.trend, binding.error = None, [], exc.message[:300]
    binding.computed_at = timezone.now()


@transaction.atomic
def metric_bind(*, actor, target, definition: dict, today: dt.date | None = None) -> MetricBinding:
    """Bind a policy target to a metric (设置指标口径) so its progress is computed; validated with Chinese errors."""
    task = target.task
    if not permissions.can_bind_metric(actor, task):
        raise PermissionDenied("只有该任务所属地区的人才办可以设置指标口径。")
    clean = metrics.definition_validate(definition, default_scope=task.region.code)
    unit = metrics.scope_unit(clean["scope"])
    if not unit.path.startswith(task.region.path):
        raise ApplicationError(f"统计范围“{unit.name}”不在任务所属地区“{task.region.name}”之内。",
                               code=ReportsErrorCode.BAD_SCOPE)
    binding = MetricBinding.objects.filter(target=target).first()
    before = binding.definition if binding else None
    if binding is None:
        binding = MetricBinding(target=target, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    binding.definition = clean
    _binding_compute(binding, today=today or timezone.localdate())
    binding.full_clean()
    binding.save()
    audit_record(actor=actor, action="reports.metric_bind", obj=binding,
                 changes={"definition": {"old": before, "new": clean}})
    return binding


@transaction.atomic
def metric_unbind(*, actor, target) -> None:
    """Remove a binding: the target goes back to the number reported in supervision (报送数)."""
    if not permissions.can_bind_metric(actor, target.task):
        raise PermissionDenied("只有该任务所属地区的人才办可以设置指标口径。")
    binding = MetricBinding.objects.filter(target=target).first()
    if binding is None:
        return
    audit_record(actor=actor, action="reports.metric_unbind", obj=binding,
                 changes={"definition": {"old": binding.definition, "new": None}})
    binding.delete()


def bindings_recompute(*, today: dt.date | None = None) -> int:
    """Recompute every bound target's value and trend (part of each snapshot rebuild)."""
    today = today or timezone.localdate()
    count = 0
    for binding in MetricBinding.objects.all():
        _binding_compute(binding, today=today)
        binding.save(update_fields=["value", "trend", "error", "computed_at", "updated_at"])
        count += 1
    return count


# --- statistics snapshot -------------------------------------------------------------------------------------


def stats_refresh(*, actor, progress=None):
    """Rebuild the statistics snapshot and recompute the bound targets (统计快照刷新)."""
    if actor is not None and not permissions.can_view_dashboard(actor):
        raise PermissionDenied("您无权刷新统计数据。")
    snapshot = stats.snapshot_build(progress=progress)
    bindings_recompute()
    if actor is not None:
        audit_record(actor=actor, action="reports.stats_refresh", obj=snapshot,
                     extra={"duration_ms": snapshot.duration_ms, "talents": snapshot.talent_count})
    return snapshot


def stats_refresh_enqueue() -> None:
    from . import tasks

    transaction.on_commit(lambda: tasks.reports_stats_refresh.enqueue())


# --- annual report -------------------------------------------------------------------------------------------


def _formats(formats) -> list[str]:
    items = [f.strip().lower() for f in (formats.split(",") if isinstance(formats, str) else formats or []) if f.strip()]
    items = items or list(ReportFormat.values)
    bad = [f for f in items if f not in ReportFormat.values]
    if bad:
        raise ApplicationError(f"不支持的格式“{bad[0]}”,可选:html、pdf、xlsx。", code="bad_format")
    return [f for f in ReportFormat.values if f in items]


def _year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError(f"年度“{year}”不是年份。", code=ReportsErrorCode.BAD_YEAR) from None
    if not 2000 <= year <= timezone.localdate().year:
        raise ApplicationError(f"年度 {year} 超出范围(2000 至今年)。", code=ReportsErrorCode.BAD_YEAR)
    return year


def report_scope(code: str | None):
    """The org unit a report scope code names (None or empty: the whole platform)."""
    return metrics.scope_unit(code) if code else None


def annual_report_build(*, actor, year, unit, formats, out_dir: Path, progress=None) -> dict[str, str]:
    """Build the statistics report, white paper and tables for `year` in `unit` into out_dir (used by the
    background job and by `rencai report annual`)."""
    year, formats = _year(year), _formats(formats)
    if not permissions.can_generate_report(actor, unit):
        raise PermissionDenied("您无权生成该范围的年度报告。")
    step = progress or (lambda *_: None)
    snapshot = stats.snapshot_current()
    if snapshot is None or stats.source_signature() != snapshot.signature:
        step(5, "刷新统计快照")
        stats_refresh(actor=None, progress=lambda p, s: step(5 + p * 35 // 100, s))
    step(45, "汇总年度数据")
    figures = selectors.annual_figures(actor=actor, year=year, unit=unit)
    files = annual.build(figures=figures, formats=formats, out_dir=out_dir, scope_code=unit.code if unit else "ALL",
                         progress=step)
    audit_record(actor=actor, action="reports.annual_generate", obj=unit,
                 object_type="" if unit else "reports.annual", object_repr=f"{year}年度报告 {unit or '全平台'}",
                 extra={"year": year, "formats": formats, "files": sorted(files.values())})
    return files


@transaction.atomic
def report_job_create(*, actor, year, unit, formats) -> ReportJob:
    """Queue an annual report for background generation (大范围时后台生成,页面显示进度)."""
    year, formats = _year(year), _formats(formats)
    if not permissions.can_generate_report(actor, unit):
        raise PermissionDenied("您无权生成该范围的年度报告。")
    job = ReportJob.objects.create(year=year, scope=unit, formats=formats,
                                   created_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action="reports.annual_request", obj=job, extra={"year": year, "formats": formats})
    from . import tasks

    transaction.on_commit(lambda: tasks.report_job_run.enqueue(job_id=job.pk))
    return job


def job_dir(job: ReportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / REPORT_DIR / str(job.pk)


def report_job_run(*, job_id: int) -> ReportJob:
    """Run a queued job, writing progress to its row between steps (no long transaction holds the database)."""
    job = ReportJob.objects.select_related("scope", "created_by").get(pk=job_id)
    if job.is_finished:
        return job
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now(), progress=1,
                                               step="开始")

    def progress(percent: int, step: str) -> None:
        ReportJob.objects.filter(pk=job.pk).update(progress=min(99, int(percent)), step=step[:100])

    actor = job.created_by
    try:
        files = annual_report_build(actor=actor, year=job.year, unit=job.scope, formats=job.formats,
                                    out_dir=job_dir(job), progress=progress)
    except ApplicationError as exc:
        ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message=exc.message[:500],
                                                   finished_at=timezone.now())
    except Exception:
        logger.exception("annual report job %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, finished_at=timezone.now(),
                                                   message="生成失败,请联系系统管理员查看日志。")
    else:
        ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, progress=100, step="完成", files=files,
                                                   message=f"已生成 {len(files)} 个文件。", finished_at=timezone.now())
    job.refresh_from_db()
    return job


# --- open data -----------------------------------------------------------------------------------------------


@transaction.atomic
def open_data_publish(*, actor, region, threshold: int = DEFAULT_THRESHOLD) -> OpenDataRelease:
    """Publish the aggregate datasets of a city or new area (数据开放), small cells suppressed across all tables."""
    if not permissions.can_publish_open_data(actor, region):
        raise PermissionDenied("只有该地区的人才办可以发布开放数据。")
    if region.kind not in ("city", "new_area"):
        raise ApplicationError("开放数据按市或新区发布,请选择市或新区。", code=ReportsErrorCode.BAD_SCOPE)
    if not 2 <= int(threshold) <= 100:
        raise ApplicationError("最小发布数应在 2 到 100 之间。", code="bad_threshold")
    tables, hidden = opendata.release_tables(opendata.base_counts(region), threshold=int(threshold))
    release = OpenDataRelease.objects.create(region=region, threshold=int(threshold), tables=tables,
                                             suppressed_cells=hidden, published_at=timezone.now(),
                                             published_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action="reports.open_data_publish", obj=release,
                 extra={"region": region.code, "threshold": int(threshold), "suppressed_cells": hidden,
                        "datasets": sorted(tables)})
    return release
