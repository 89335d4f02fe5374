from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rencai.core.excel import build_workbook
from rencai.core.exceptions import ApplicationError

from . import exporters, permissions, selectors, services
from .constants import COLUMNS
from .forms import AsOfForm, ImportForm, TalentFilterForm, UnmaskForm
from .models import PLAIN_FIELDS, Talent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response, filename: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _filters(request):
    form = TalentFilterForm(request.GET or None, actor=request.user)
    return form, (form.cleaned_data if form.is_valid() else {})


@login_required
def talent_list(request):
    if not permissions.can_view_talents(request.user):
        raise DjangoPermissionDenied
    form, filters = _filters(request)
    page = selectors.talent_search(actor=request.user, filters=filters, page=request.GET.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(),
               "can_import": permissions.can_import_talents(request.user),
               "can_unmask": permissions.can_unmask(request.user)}
    template = "talents/partials/talent_table.html" if request.headers.get("HX-Request") else "talents/talent_list.html"
    return render(request, template, context)


@login_required
def talent_count(request):
    """The capped total, fetched by the list after it has rendered (HTMX): the page never waits for a count."""
    if not permissions.can_view_talents(request.user):
        raise DjangoPermissionDenied
    _, filters = _filters(request)
    count, capped = selectors.talent_count(actor=request.user, filters=filters)
    return render(request, "talents/partials/talent_count.html", {"count": count, "capped": capped})


@login_required
def talent_detail(request, pk: int):
    talent = selectors.talent_get(actor=request.user, pk=pk)
    as_of_form = AsOfForm(request.GET or None)
    as_of = snapshot = None
    if as_of_form.is_valid() and as_of_form.cleaned_data.get("as_of"):
        as_of = as_of_form.cleaned_data["as_of"]
        snapshot = selectors.talent_as_of(actor=request.user, talent=talent, on=as_of)
    labels = {f: Talent._meta.get_field(f if f != "region_id" else "region").verbose_name for f in PLAIN_FIELDS}
    return render(request, "talents/talent_detail.html", {
        "talent": talent, "history": selectors.talent_history(actor=request.user, talent=talent),
        "can_unmask": permissions.can_unmask(request.user), "as_of_form": as_of_form, "as_of": as_of,
        "snapshot": [(labels[k], v) for k, v in snapshot.items()] if snapshot else None,
    })


@login_required
@require_POST
def talent_unmask(request, pk: int):
    talent = selectors.talent_get(actor=request.user, pk=pk)
    form = UnmaskForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    field = form.cleaned_data["field"]
    value = services.talent_unmask(actor=request.user, talent=talent, field=field)
    return render(request, "talents/partials/unmasked_value.html", {"value": value, "field": field})


@login_required
def talent_export(request):
    if not permissions.can_view_talents(request.user):
        raise DjangoPermissionDenied
    _, filters = _filters(request)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    unmasked = request.GET.get("unmasked") == "1"
    content = exporters.talents_export(actor=request.user, filters=filters, fmt=fmt, unmasked=unmasked)
    if fmt == "csv":
        return _attachment(StreamingHttpResponse(content, content_type="text/csv; charset=utf-8"), "人才信息.csv")
    return _attachment(HttpResponse(content, content_type=XLSX), "人才信息.xlsx")


@login_required
def import_template(request):
    if not permissions.can_import_talents(request.user):
        raise DjangoPermissionDenied
    example = ["张三", "", "男", "1990-01-01", "", "博士研究生", "博士", "中南大学", "材料科学与工程", "正高级工程师",
               "", "株洲某某科技有限公司", "", "荷塘区", "C39", "全职", "2020-03-01", "50", "省级人才计划", "C类"]
    content = build_workbook(title="人才信息导入模板", headers=COLUMNS, rows=[example],
                             widths=[10, 22, 6, 12, 14, 12, 8, 20, 16, 14, 14, 28, 20, 12, 10, 10, 12, 10, 24, 12])
    return _attachment(HttpResponse(content, content_type=XLSX), "人才信息导入模板.xlsx")


@login_required
def import_create(request):
    if not permissions.can_import_talents(request.user):
        raise DjangoPermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(actor=request.user, upload=form.cleaned_data["file"],
                                             partial=form.cleaned_data["partial"])
        except ApplicationError as exc:
            error = exc.message
        else:
            return redirect("talents:import_detail", pk=job.pk)
    jobs = selectors.import_job_list(actor=request.user)[:10]
    return render(request, "talents/import_form.html", {"form": form, "error": error, "columns": COLUMNS, "jobs": jobs})


@login_required
def import_detail(request, pk: int):
    job = selectors.import_job_get(actor=request.user, pk=pk)
    context = {"job": job, "progress": selectors.import_job_progress(job)}
    if request.headers.get("HX-Request"):
        return render(request, "talents/partials/import_progress.html", context)
    return render(request, "talents/import_detail.html", context)


@login_required
def import_report(request, pk: int):
    job = selectors.import_job_get(actor=request.user, pk=pk)
    if not job.report_path:
        raise Http404
    path = Path(settings.MEDIA_ROOT) / job.report_path
    if not path.is_file():
        raise Http404
    response = FileResponse(open(path, "rb"), content_type=XLSX)
    return _attachment(response, f"导入错误报告-{job.pk}.xlsx")
