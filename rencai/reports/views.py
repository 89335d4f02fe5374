"""Pages of reports: the leaders' dashboard (驾驶舱), target bindings, annual reports, open data."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rencai.core.exceptions import ApplicationError, NotFound, PermissionDenied

from . import annual, opendata, permissions, selectors, services
from .forms import AnnualForm, DefinitionForm


def _attachment(response, filename: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def dashboard(request):
    data = selectors.dashboard(actor=request.user, city=request.GET.get("city") or None,
                               district=request.GET.get("district") or None,
                               year=request.GET.get("year") if (request.GET.get("year") or "").isdigit() else None)
    template = "reports/dashboard_wall.html" if request.GET.get("screen") == "wall" else "reports/dashboard.html"
    return render(request, template, {"data": data, "query": request.GET.urlencode()})


@login_required
@require_POST
def stats_refresh(request):
    try:
        services.stats_refresh(actor=request.user)
        messages.success(request, _("统计数据已刷新。"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(request.POST.get("next") or "reports:dashboard")


@login_required
def targets(request):
    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied("您没有查看目标完成情况的权限。")
    rows = selectors.target_rows(actor=request.user, limit=200)
    return render(request, "reports/targets.html", {"rows": rows, "form": DefinitionForm(),
                                                    "metric_kinds": selectors.metric_kinds()})


@login_required
@require_POST
def metric_bind(request, pk: int):
    from rencai.supervision.models import TaskTarget
    from rencai.supervision.selectors import task_list

    target = TaskTarget.objects.filter(pk=pk, task__in=task_list(actor=request.user)).select_related(
        "task", "task__region").first()
    if target is None:
        raise NotFound("未找到该量化目标,或您无权查看。")
    try:
        if request.POST.get("action") == "unbind":
            services.metric_unbind(actor=request.user, target=target)
            messages.success(request, _("已取消指标口径,该目标改用报送数。"))
        else:
            form = DefinitionForm(request.POST)
            if not form.is_valid():
                raise ApplicationError(form.errors["definition"][0])
            binding = services.metric_bind(actor=request.user, target=target, definition=form.cleaned_data["definition"])
            messages.success(request, _("已设置指标口径:当前计算值 %(v)s。") % {"v": binding.value if binding.value is not None
                                                                           else binding.error})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("reports:targets")


def _scopes(user):
    cities, districts = selectors.region_units(actor=user)
    scopes = [("", _("全平台"))] if permissions.can_generate_report(user, None) else []
    for unit in sorted(cities + districts, key=lambda u: u["path"]):
        scopes.append((unit["code"], ("  " if unit["kind"] == "district" else "") + (unit["name"])))
    return scopes


@login_required
def annual_page(request):
    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied("您没有生成年度报告的权限。")
    form = AnnualForm(request.POST or None, scopes=_scopes(request.user),
                      initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.report_scope(form.cleaned_data["scope"])
            job = services.report_job_create(actor=request.user, year=form.cleaned_data["year"], unit=unit,
                                             formats=form.cleaned_data["formats"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("reports:job_detail", pk=job.pk)
    jobs = selectors.report_job_list(actor=request.user)[:10]
    return render(request, "reports/annual.html", {"form": form, "jobs": jobs})


@login_required
def job_detail(request, pk: int):
    job = selectors.report_job_get(actor=request.user, pk=pk)
    files = [(key, annual.DOWNLOAD_NAMES.get(key, key)) for key in job.files]
    context = {"job": job, "files": files}
    if request.headers.get("HX-Request"):
        return render(request, "reports/partials/job_progress.html", context)
    return render(request, "reports/job_detail.html", context)


@login_required
def job_file(request, pk: int, key: str):
    job = selectors.report_job_get(actor=request.user, pk=pk)
    name = job.files.get(key)
    if not name:
        raise Http404
    path = services.job_dir(job) / Path(name).name
    if not path.is_file():
        raise Http404
    content_type = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[key.rsplit(".", 1)[1]]
    response = FileResponse(open(path, "rb"), content_type=content_type)
    if key.endswith(".html") and request.GET.get("view"):
        return response  # read in the browser (在线查看)
    scope = job.scope.name if job.scope else "全平台"
    return _attachment(response, f"{scope}{job.year}{annual.DOWNLOAD_NAMES[key]}")


# --- open data (public: aggregates only) ---------------------------------------------------------------------


def open_data(request):
    releases = selectors.open_data_releases()
    publish_regions = []
    if request.user.is_authenticated:
        cities, _districts = selectors.region_units(actor=request.user)
        publish_regions = [c for c in cities if permissions.can_publish_open_data(request.user, _unit(c["pk"]))]
    return render(request, "reports/open_data.html", {"releases": releases, "datasets": opendata.DATASETS,
                                                      "publish_regions": publish_regions})


def _unit(pk):
    from rencai.orgs.models import OrgUnit

    return OrgUnit.objects.get(pk=pk)


@login_required
@require_POST
def open_data_publish(request):
    from rencai.orgs.models import OrgUnit

    region = OrgUnit.objects.visible_to(request.user).filter(pk=request.POST.get("region") or 0).first()
    if region is None:
        messages.error(request, _("请选择发布地区。"))
        return redirect("reports:open_data")
    try:
        release = services.open_data_publish(actor=request.user, region=region,
                                             threshold=int(request.POST.get("threshold") or services.DEFAULT_THRESHOLD))
        messages.success(request, _("已发布 %(n)s 个数据集,隐藏 %(h)s 个单元格。") % {"n": len(release.tables),
                                                                           "h": release.suppressed_cells})
    except (ApplicationError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("最小发布数应为整数。")))
    return redirect("reports:open_data")


def open_data_release(request, pk: int):
    release = selectors.open_data_release_get(pk=pk)
    datasets = [{**d, "rows": len(release.tables.get(d["code"], {}).get("rows", []))} for d in opendata.DATASETS
                if d["code"] in release.tables]
    return render(request, "reports/open_data_release.html", {"release": release, "datasets": datasets})


def open_data_file(request, pk: int, code: str, fmt: str):
    release = selectors.open_data_release_get(pk=pk)
    dataset = opendata.DATASET_BY_CODE.get(code)
    if dataset is None or code not in release.tables:
        raise NotFound("未找到该数据集。")
    table = release.tables[code]
    if fmt == "csv":
        body, ctype, name = opendata.to_csv(table), "text/csv; charset=utf-8", f"{code}.csv"
    elif fmt == "json":
        meta = {"dataset": code, "title": dataset["title"], "region": release.region.name,
                "published_at": timezone.localtime(release.published_at).isoformat(), "threshold": release.threshold}
        body, ctype, name = opendata.to_json(table, meta=meta), "application/json", f"{code}.json"
    elif fmt == "dictionary.json":
        import json

        body = json.dumps(opendata.dictionary(dataset, threshold=release.threshold), ensure_ascii=False, indent=1).encode()
        ctype, name = "application/json", f"{code}-dictionary.json"
    elif fmt == "dictionary.csv":
        body = opendata.dictionary_csv(opendata.dictionary(dataset, threshold=release.threshold))
        ctype, name = "text/csv; charset=utf-8", f"{code}-dictionary.csv"
    else:
        raise Http404
    return _attachment(HttpResponse(body, content_type=ctype), name)
