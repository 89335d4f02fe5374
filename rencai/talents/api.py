from datetime import date

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from rencai.core.exceptions import ApplicationError

from . import exporters, selectors, services
from .schemas import CountAsOfOut, ImportJobOut, TalentFilter, TalentOut, TalentPageOut, UnmaskIn, UnmaskOut

router = Router(tags=["talents"])


@router.get("/talents", response=TalentPageOut, summary="人才列表(按权限范围,证件号脱敏)")
def talent_list(request, filters: Query[TalentFilter], page: int = 1, per_page: int = 50, with_count: bool = True):
    result = selectors.talent_search(actor=request.user, filters=filters.dict(exclude_none=True), page=page,
                                     per_page=min(max(per_page, 1), 200), with_count=with_count)
    return {"count": result.count, "count_capped": result.count_capped, "page": result.number,
            "per_page": result.per_page, "has_next": result.has_next, "items": result.rows}


@router.get("/talents/export", summary="导出人才(默认脱敏;unmasked=true 需权限并留痕)")
def talent_export(request, filters: Query[TalentFilter], format: str = "xlsx", unmasked: bool = False):
    fmt = "csv" if format == "csv" else "xlsx"
    content = exporters.talents_export(actor=request.user, filters=filters.dict(exclude_none=True), fmt=fmt,
                                       unmasked=unmasked)
    if fmt == "csv":
        response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="talents.csv"'
    else:
        response = HttpResponse(content, content_type=exporters_xlsx())
        response["Content-Disposition"] = 'attachment; filename="talents.xlsx"'
    return response


def exporters_xlsx() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/talents/count-as-of", response=CountAsOfOut, summary="某日的人才总数(可按字段分组)")
def talent_count_as_of(request, on: date, by: str | None = None):
    if by is not None and by not in ("region_id", "education", "tier", "title_level", "industry_code", "introduction_mode"):
        raise ApplicationError("by 只能是 region_id、education、tier、title_level、industry_code、introduction_mode。")
    value = selectors.talent_count_as_of(actor=request.user, on=on, by=by)
    if by is None:
        return {"on": on, "total": value}
    return {"on": on, "by": by, "counts": {str(k): v for k, v in value.items()}}


@router.get("/talents/{talent_id}", response=TalentOut, summary="人才详情(脱敏)")
def talent_get(request, talent_id: int):
    return selectors.talent_get(actor=request.user, pk=talent_id)


@router.get("/talents/{talent_id}/as-of", response=dict, summary="某日的人才信息(非敏感字段)")
def talent_as_of(request, talent_id: int, on: date):
    talent = selectors.talent_get(actor=request.user, pk=talent_id)
    return {"on": on.isoformat(), "record": selectors.talent_as_of(actor=request.user, talent=talent, on=on)}


@router.post("/talents/{talent_id}/unmask", response=UnmaskOut, summary="查看完整证件号或手机号(需权限,留痕)")
def talent_unmask(request, talent_id: int, payload: UnmaskIn):
    talent = selectors.talent_get(actor=request.user, pk=talent_id)
    return {"field": payload.field, "value": services.talent_unmask(actor=request.user, talent=talent, field=payload.field)}


def _job_out(job) -> dict:
    progress = selectors.import_job_progress(job)
    return {**{f: getattr(job, f) for f in ("id", "filename", "status", "partial", "total_rows", "created_count",
                                            "updated_count", "unchanged_count", "error_count", "error_rows", "errors",
                                            "warnings", "message")},
            "processed": progress["processed"], "percent": progress["percent"],
            "report_url": reverse("talents:import_report", args=[job.pk]) if job.report_path else None}


@router.post("/imports", response={201: ImportJobOut}, summary="上传文件导入人才(后台执行)")
def import_create(request, file: File[UploadedFile], partial: Form[bool] = False):
    job = services.import_job_create(actor=request.user, upload=file, partial=partial)
    job.refresh_from_db()
    return Status(201, _job_out(job))


@router.get("/imports/{job_id}", response=ImportJobOut, summary="导入批次的进度与结果")
def import_get(request, job_id: int):
    return _job_out(selectors.import_job_get(actor=request.user, pk=job_id))
