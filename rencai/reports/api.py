"""/api/reports: dashboard data, target bindings, annual report jobs, and the public open-data catalogue."""

from django.http import HttpResponse
from ninja import Router, Schema, Status

from rencai.core.exceptions import NotFound

from . import opendata, selectors, services

router = Router(tags=["reports"])


class BindIn(Schema):
    definition: dict


class BindingOut(Schema):
    target_id: int
    definition: dict
    value: float | None
    trend: list
    error: str


class JobIn(Schema):
    year: int
    scope: str | None = None
    formats: list[str] = ["html", "pdf", "xlsx"]


class JobOut(Schema):
    id: int
    year: int
    scope: str | None
    status: str
    progress: int
    step: str
    message: str
    files: list[str]


def _job_out(job) -> dict:
    return {"id": job.pk, "year": job.year, "scope": job.scope.code if job.scope else None, "status": job.status,
            "progress": job.progress, "step": job.step, "message": job.message, "files": sorted(job.files)}


@router.get("/dashboard", summary="领导驾驶舱数据(按权限范围;city/district/year 筛选)")
def dashboard(request, city: int | None = None, district: int | None = None, year: int | None = None):
    return selectors.dashboard(actor=request.user, city=city, district=district, year=year)


@router.get("/targets", summary="量化目标完成情况(计算值或报送数)")
def targets(request):
    from rencai.core.exceptions import PermissionDenied

    from . import permissions

    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied("您没有查看目标完成情况的权限。")
    return [{k: v for k, v in row.items() if k != "computed_at"} for row in selectors.target_rows(actor=request.user, limit=500)]


@router.put("/targets/{target_id}/metric", response=BindingOut, summary="设置量化目标的指标口径")
def metric_bind(request, target_id: int, payload: BindIn):
    from rencai.supervision.models import TaskTarget
    from rencai.supervision.selectors import task_list

    target = TaskTarget.objects.filter(pk=target_id, task__in=task_list(actor=request.user)).select_related(
        "task", "task__region").first()
    if target is None:
        raise NotFound("未找到该量化目标,或您无权查看。")
    binding = services.metric_bind(actor=request.user, target=target, definition=payload.definition)
    return {"target_id": target.pk, "definition": binding.definition,
            "value": float(binding.value) if binding.value is not None else None, "trend": binding.trend,
            "error": binding.error}


@router.post("/annual", response={202: JobOut}, summary="后台生成年度统计报告与白皮书")
def annual_create(request, payload: JobIn):
    job = services.report_job_create(actor=request.user, year=payload.year, unit=services.report_scope(payload.scope),
                                     formats=payload.formats)
    return Status(202, _job_out(job))


@router.get("/annual/{job_id}", response=JobOut, summary="年度报告生成进度")
def annual_get(request, job_id: int):
    return _job_out(selectors.report_job_get(actor=request.user, pk=job_id))


@router.get("/open-data", auth=None, summary="开放数据目录(公开,仅汇总数据)")
def open_data_list(request):
    return [{"id": r.pk, "region": r.region.name, "published_at": r.published_at, "threshold": r.threshold,
             "datasets": [{"code": d["code"], "title": d["title"],
                           "dictionary": opendata.dictionary(d, threshold=r.threshold)}
                          for d in opendata.DATASETS if d["code"] in r.tables]}
            for r in selectors.open_data_releases()]


@router.get("/open-data/{release_id}/{code}", auth=None, summary="开放数据集(JSON;隐藏单元格为 null)")
def open_data_get(request, release_id: int, code: str):
    release = selectors.open_data_release_get(pk=release_id)
    dataset = opendata.DATASET_BY_CODE.get(code)
    if dataset is None or code not in release.tables:
        raise NotFound("未找到该数据集。")
    body = opendata.to_json(release.tables[code], meta={"dataset": code, "title": dataset["title"],
                                                       "region": release.region.name, "threshold": release.threshold,
                                                       "dictionary": opendata.dictionary(dataset, threshold=release.threshold)})
    return HttpResponse(body, content_type="application/json")

