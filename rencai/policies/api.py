from datetime import datetime

from django.conf import settings
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from rencai.core.exceptions import ApplicationError, NotFound
from rencai.orgs.models import OrgUnit

from . import permissions, selectors, services

router = Router(tags=["policies"])


class PolicyOut(Schema):
    id: int
    title: str
    region_id: int
    version: int
    status: str
    created_at: datetime
    published_at: datetime | None
    parsed: dict
    warnings: list


class PolicySummaryOut(Schema):
    id: int
    title: str
    region_id: int
    version: int
    status: str
    created_at: datetime


class TaskPatchIn(Schema):
    title: str | None = None
    lead_unit: str | None = None
    units: list[str] | None = None
    unit_groups: list[str] | None = None
    targets: list[dict] | None = None


class PublishOut(Schema):
    tasks: int


@router.get("", response=list[PolicySummaryOut], summary="政策文件列表")
@paginate
def policy_list(request):
    return selectors.policy_list(actor=request.user)


@router.post("", response={201: PolicyOut, 200: PolicyOut}, summary="上传政策文件并解析(multipart:file, region_id)")
def policy_upload(request, file: File[UploadedFile], region_id: Form[int | None] = None):
    if file.size > settings.RENCAI_UPLOAD_MAX_BYTES:
        raise ApplicationError(f"文件“{file.name}”大小 {file.size / 1048576:.1f} MB,超过上限 "
                               f"{settings.RENCAI_UPLOAD_MAX_BYTES / 1048576:.0f} MB。", code="too_large")
    regions = OrgUnit.objects.visible_to(request.user).filter(kind__in=["city", "new_area", "district"])
    region = regions.filter(pk=region_id).first() if region_id else next(
        (r for r in regions.order_by("depth") if permissions.can_manage_policies(request.user, r)), None)
    if region is None:
        raise NotFound("未找到可上传的地区。")
    document, created = services.policy_upload(actor=request.user, region=region, data=file.read(), filename=file.name)
    return Status(201 if created else 200, document)


@router.get("/{policy_id}", response=PolicyOut, summary="政策文件与解析结果")
def policy_get(request, policy_id: int):
    return selectors.policy_get(actor=request.user, pk=policy_id)


@router.patch("/{policy_id}/tasks/{number}", response=PolicyOut, summary="修改解析结果中的一项任务")
def task_patch(request, policy_id: int, number: int, payload: TaskPatchIn):
    document = selectors.policy_get(actor=request.user, pk=policy_id)
    return services.policy_task_update(actor=request.user, document=document, number=number,
                                       changes=payload.dict(exclude_none=True))


@router.post("/{policy_id}/publish", response=PublishOut, summary="发布为任务台账")
def policy_publish(request, policy_id: int):
    document = selectors.policy_get(actor=request.user, pk=policy_id)
    return {"tasks": len(services.policy_publish(actor=request.user, document=document))}
