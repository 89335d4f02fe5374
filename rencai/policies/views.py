from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rencai.core.exceptions import ApplicationError
from rencai.orgs.models import OrgUnit

from . import permissions, selectors, services


def _upload_regions(user):
    regions = OrgUnit.objects.visible_to(user).filter(kind__in=["city", "new_area", "district"]).order_by("path")
    return [r for r in regions if permissions.can_manage_policies(user, r)]


@login_required
def document_list(request):
    regions = _upload_regions(request.user)
    if request.method == "POST":
        upload = request.FILES.get("file")
        region = next((r for r in regions if str(r.pk) == request.POST.get("region")), regions[0] if regions else None)
        if region is None:
            raise DjangoPermissionDenied
        if upload is None:
            messages.error(request, _("请选择要上传的文件。"))
        elif upload.size > settings.RENCAI_UPLOAD_MAX_BYTES:
            messages.error(request, _("文件“%(n)s”大小 %(s).1f MB,超过上限 %(m).0f MB。") % {
                "n": upload.name, "s": upload.size / 1048576, "m": settings.RENCAI_UPLOAD_MAX_BYTES / 1048576})
        else:
            try:
                document, created = services.policy_upload(actor=request.user, region=region, data=upload.read(),
                                                           filename=upload.name)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                if not created:
                    messages.info(request, _("该文件已上传过(同一文件),已为您打开原记录。"))
                return redirect("policies:document_detail", pk=document.pk)
    return render(request, "policies/document_list.html", {
        "documents": selectors.policy_list(actor=request.user), "regions": regions,
        "max_mb": settings.RENCAI_UPLOAD_MAX_BYTES // 1048576})


def _review_context(request, document):
    mapping = selectors.policy_mapping(document=document)
    region = document.region
    city_units = OrgUnit.objects.filter(path__startswith=region.path if region.parent_id else region.path,
                                        is_active=True).order_by("path").values_list("pk", "name")
    return {"document": document, "mapping": mapping, "parsed": document.parsed,
            "can_manage": permissions.can_manage_policies(request.user, region) and document.status == "draft",
            "diff": services.policy_diff(document=document), "units_for_mapping": list(city_units)}


@login_required
def document_detail(request, pk: int):
    document = selectors.policy_get(actor=request.user, pk=pk)
    return render(request, "policies/document_detail.html", _review_context(request, document))


def _split(text: str) -> list[str]:
    return [x.strip() for x in text.replace(",", "、").replace(",", "、").split("、") if x.strip()]


def _targets_from_lines(text: str) -> list[dict]:
    """One target a line: 指标|数值|上限|单位|限定|期限 (as shown in the edit box)."""
    targets = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")] + [""] * 6
        targets.append({"metric": parts[0], "value": parts[1], "value_max": parts[2] or None, "unit": parts[3],
                        "qualifier": parts[4] or None, "period": parts[5] or None, "text": line.strip()})
    return targets


@login_required
@require_POST
def task_edit(request, pk: int, number: int):
    document = selectors.policy_get(actor=request.user, pk=pk)
    action = request.POST.get("action", "save")
    try:
        if action == "merge":
            services.policy_task_merge(actor=request.user, document=document, number=number)
        elif action == "split":
            services.policy_task_split(actor=request.user, document=document, number=number, at=request.POST.get("at", ""))
        else:
            changes = {"title": request.POST.get("title", ""), "units": _split(request.POST.get("units", "")),
                       "unit_groups": _split(request.POST.get("unit_groups", "")),
                       "lead_unit": request.POST.get("lead_unit", "").strip() or None,
                       "targets": _targets_from_lines(request.POST.get("targets", ""))}
            services.policy_task_update(actor=request.user, document=document, number=number, changes=changes)
        messages.success(request, _("第 %(n)d 项任务已更新。") % {"n": number})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(f"{request.build_absolute_uri(document_url(document))}#task-{number}")


def document_url(document):
    from django.urls import reverse

    return reverse("policies:document_detail", args=[document.pk])


@login_required
@require_POST
def unit_map(request, pk: int):
    document = selectors.policy_get(actor=request.user, pk=pk)
    name = request.POST.get("name", "").strip()
    try:
        if request.POST.get("create"):
            unit = services.policy_unit_create(actor=request.user, document=document, name=name)
            messages.success(request, _("已新增机构“%(u)s”。") % {"u": unit.name})
        else:
            unit = OrgUnit.objects.visible_to(request.user).get(pk=request.POST.get("unit"))
            services.policy_unit_map(actor=request.user, document=document, name=name, unit=unit)
            messages.success(request, _("已将“%(n)s”记为“%(u)s”的别名。") % {"n": name, "u": unit.name})
    except (ApplicationError, OrgUnit.DoesNotExist, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("请选择对应的机构。")))
    return redirect("policies:document_detail", pk=document.pk)


@login_required
@require_POST
def confirm_lead_rule(request, pk: int):
    document = selectors.policy_get(actor=request.user, pk=pk)
    try:
        services.policy_lead_rule_confirm(actor=request.user, document=document)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("policies:document_detail", pk=document.pk)


@login_required
@require_POST
def publish(request, pk: int):
    document = selectors.policy_get(actor=request.user, pk=pk)
    try:
        tasks = services.policy_publish(actor=request.user, document=document)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("policies:document_detail", pk=document.pk)
    messages.success(request, _("已发布:%(n)d 项任务已分配到责任单位。") % {"n": len(tasks)})
    return redirect(f"/supervision/tasks/?policy={document.pk}")


