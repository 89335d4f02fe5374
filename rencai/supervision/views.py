from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rencai.core.exceptions import ApplicationError, NotFound
from rencai.orgs.models import OrgUnit

from . import exporters, permissions, selectors, services, status
from .forms import LedgerFilterForm, MilestoneFormSet, NoticeForm, ReportForm, StartForm
from .models import ReportAttachment, Task


def _ledger_form(request):
    from rencai.policies.models import PolicyDocument

    # Choices come from what the actor may see, not from a scan of every task's assignments.
    policies = (PolicyDocument.objects.visible_to(request.user).filter(status="published").order_by("-pk")
                .values_list("pk", "title")[:200])
    units = (OrgUnit.objects.visible_to(request.user).filter(is_active=True).order_by("path")
             .values_list("pk", "short_name", "name")[:1000])
    return LedgerFilterForm(request.GET or None, policies=policies, units=units)


@login_required
def task_list(request, mine: bool = False):
    form = _ledger_form(request)
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    tasks = (selectors.my_tasks if mine else selectors.task_list)(actor=request.user, **({} if mine else {"filters": filters}))
    if mine and filters:
        tasks = tasks.filter(pk__in=selectors.task_list(actor=request.user, filters=filters).values("pk"))
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(exporters.ledger_export(actor=request.user, tasks=tasks),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''%E4%BB%BB%E5%8A%A1%E5%8F%B0%E8%B4%A6.xlsx"
        return response
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "supervision/task_list.html", {
        "form": form, "page": page, "mine": mine, "choice_fields": ("policy", "unit", "lead_unit"), "query": query.urlencode(), "rule_summary": status.RULE_SUMMARY})


@login_required
def my_tasks(request):
    return task_list(request, mine=True)


def _today(request) -> date:
    return timezone.localdate()


@login_required
def task_detail(request, pk: int):
    task = selectors.task_get(actor=request.user, pk=pk)
    lead = services.lead_unit_of(task)
    assignments = list(task.assignments.select_related("unit").order_by("sort_order"))
    can_plan = permissions.can_edit_plan(request.user, task, lead)
    is_office = permissions.is_office_for(request.user, task)
    my_units = [a.unit for a in assignments if permissions.acts_for_unit(request.user, a.unit)]
    today = _today(request)
    periods = list(selectors.task_open_periods(task=task, today=today))
    milestones = list(task.milestones.select_related("unit", "target"))
    formset = MilestoneFormSet(prefix="m", initial=[
        {"title": m.title, "due_date": m.due_date, "deliverable": m.deliverable, "target_value": m.target_value}
        for m in milestones])
    report_form = ReportForm(prefix="r")
    report_form.fields["period"].choices = [(p.pk, f"{p.label}(截止 {p.deadline:%m-%d})") for p in periods]
    report_form.fields["unit"].choices = [(u.pk, u.display_name) for u in my_units]
    notice_form = NoticeForm(prefix="n")
    notice_form.fields["unit"].choices = [(a.unit.pk, a.unit.display_name) for a in assignments]
    return render(request, "supervision/task_detail.html", {
        "task": task, "lead": lead, "assignments": assignments, "targets": task.targets.all(),
        "milestones": milestones, "formset": formset, "can_plan": can_plan, "is_office": is_office,
        "my_units": my_units, "periods": periods, "report_form": report_form, "notice_form": notice_form,
        "reports": selectors.task_reports(task=task), "events": task.events.select_related("actor", "unit")[:50],
        "notices": task.notices.select_related("unit"), "light_label": status.LABELS[task.status],
        "rule_summary": status.RULE_SUMMARY, "start_form": StartForm(prefix="s"),
        "has_schedule": hasattr(task.policy, "reporting_schedule"),
    })


def _back(task):
    return redirect("supervision:task_detail", pk=task.pk)


@login_required
@require_POST
def plan_save(request, pk: int):
    task = selectors.task_get(actor=request.user, pk=pk)
    formset = MilestoneFormSet(request.POST, prefix="m")
    if not formset.is_valid():
        messages.error(request, _("计划填写有误,请检查日期和数值。"))
        return _back(task)
    rows = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("title")]
    try:
        shares = {int(key.removeprefix("share-")): value.strip() for key, value in request.POST.items()
                  if key.startswith("share-") and key.removeprefix("share-").isdigit()}
        services.plan_save(actor=request.user, task=task, expected_version=int(request.POST.get("plan_version", -1)),
                           milestones=rows, shares=shares)
        if request.POST.get("submit"):
            services.plan_submit(actor=request.user, task=Task.objects.get(pk=task.pk))
            messages.success(request, _("计划已保存并提交人才办审核。"))
        else:
            messages.success(request, _("计划已保存。"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(task)


@login_required
@require_POST
def plan_review(request, pk: int):
    task = selectors.task_get(actor=request.user, pk=pk)
    try:
        services.plan_review(actor=request.user, task=task, approve=request.POST.get("decision") == "approve",
                             reason=request.POST.get("reason", ""))
        messages.success(request, _("已处理计划审核。"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(task)


@login_required
@require_POST
def report_submit(request, pk: int):
    task = selectors.task_get(actor=request.user, pk=pk)
    try:
        unit = task.assignments.select_related("unit").get(unit_id=request.POST.get("r-unit")).unit
        period = task.policy.reporting_periods.get(pk=request.POST.get("r-period"))
        values = {}
        for target in task.targets.all():
            raw = request.POST.get(f"target-{target.pk}", "").strip()
            if raw:
                try:
                    values[target.pk] = Decimal(raw)
                except InvalidOperation:
                    raise ApplicationError(f"“{target.metric}”的完成数“{raw}”不是数字。", code="bad_value") from None
        try:
            percent = int(request.POST.get("r-percent", ""))
        except ValueError:
            raise ApplicationError("完成比例应为 0 到 100 之间的整数。", code="bad_percent") from None
        services.report_submit(actor=request.user, task=task, unit=unit, period=period, text=request.POST.get("r-text", ""),
                               percent=percent, target_values=values, files=request.FILES.getlist("files"))
        messages.success(request, _("进度已报送。"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except Exception as exc:  # unknown unit or period id in the form
        if exc.__class__.__name__ != "DoesNotExist":
            raise
        messages.error(request, _("请选择本单位和报送期。"))
    return _back(task)


@login_required
@require_POST
def notice_issue(request, pk: int):
    task = selectors.task_get(actor=request.user, pk=pk)
    form = NoticeForm(request.POST, prefix="n")
    form.fields["unit"].choices = [(a.unit_id, a.unit_id) for a in task.assignments.all()]
    if not form.is_valid():
        messages.error(request, _("请填写督办对象、督办事项和答复期限。"))
        return _back(task)
    try:
        services.notice_issue(actor=request.user, task=task, unit=OrgUnit.objects.get(pk=form.cleaned_data["unit"]),
                              content=form.cleaned_data["content"], response_due=form.cleaned_data["response_due"])
        messages.success(request, _("督办单已签发。"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(task)


@login_required
@require_POST
def notice_respond(request, pk: int):
    notice = selectors.notice_list(actor=request.user).filter(pk=pk).first()
    if notice is None:
        raise NotFound("未找到该督办单,或您无权查看。")
    try:
        services.notice_respond(actor=request.user, notice=notice, response=request.POST.get("response", ""))
        messages.success(request, _("已答复督办单。"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(notice.task)


@login_required
@require_POST
def supervision_start(request, pk: int):
    task = selectors.task_get(actor=request.user, pk=pk)
    form = StartForm(request.POST, prefix="s")
    if form.is_valid():
        try:
            services.supervision_start(actor=request.user, policy=task.policy, **form.cleaned_data)
            messages.success(request, _("已启动督办:报送期和目标节点已生成。"))
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请填写报送周期和起止日期。"))
    return _back(task)


@login_required
def attachment_download(request, pk: int):
    attachment = ReportAttachment.objects.select_related("report__task").filter(pk=pk).first()
    if attachment is None:
        raise NotFound("未找到该附件。")
    selectors.task_get(actor=request.user, pk=attachment.report.task_id)  # scope check
    return FileResponse(open(attachment.stored_path, "rb"), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


@login_required
def dashboard(request):
    data = selectors.dashboard(actor=request.user, today=_today(request))
    return render(request, "supervision/dashboard.html", {"data": data, "rule_summary": status.RULE_SUMMARY})


@login_required
def missing_reports(request):
    return render(request, "supervision/missing.html", {"rows": selectors.report_missing(actor=request.user, today=_today(request))})


@login_required
def notifications(request):
    items = selectors.notification_list(actor=request.user)[:200]
    return render(request, "supervision/notifications.html", {"items": items})


@login_required
def assessment(request):
    schemes = selectors.scheme_list(actor=request.user)
    own_results = selectors.my_results(actor=request.user)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "create":
                region = OrgUnit.objects.visible_to(request.user).get(pk=request.POST.get("region"))
                weights = {key: float(request.POST.get(f"w-{key}", default))
                           for key, default in services.scoring.DEFAULT_WEIGHTS.items()}
                scheme = services.scheme_create(actor=request.user, region=region, year=int(request.POST.get("year")),
                                                weights=weights)
                return redirect("supervision:scheme_detail", pk=scheme.pk)
        except (ApplicationError, OrgUnit.DoesNotExist, ValueError, TypeError) as exc:
            messages.error(request, getattr(exc, "message", _("请选择考核范围和年度。")))
    regions = [r for r in OrgUnit.objects.visible_to(request.user).filter(kind__in=["city", "new_area", "district"])
               .order_by("path") if permissions.is_office_for_region(request.user, r)]
    weights = [(key, services.scoring.COMPONENT_LABELS[key], value) for key, value in services.scoring.DEFAULT_WEIGHTS.items()]
    return render(request, "supervision/assessment.html", {"schemes": schemes, "own_results": own_results, "weights": weights,
                                                           "regions": regions, "year": _today(request).year})


@login_required
def scheme_detail(request, pk: int):
    scheme = selectors.scheme_get(actor=request.user, pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                services.assessment_close(actor=request.user, scheme=scheme, today=_today(request))
                messages.success(request, _("年度考核已结束,排名已生成。"))
            elif request.POST.get("action") == "adjust":
                unit = OrgUnit.objects.visible_to(request.user).get(pk=request.POST.get("unit"))
                services.assessment_adjust(actor=request.user, scheme=scheme, unit=unit,
                                           points=Decimal(request.POST.get("points", "0")), reason=request.POST.get("reason", ""))
                messages.success(request, _("已记录加减分。"))
        except (ApplicationError, OrgUnit.DoesNotExist, InvalidOperation) as exc:
            messages.error(request, getattr(exc, "message", _("请填写单位、分值和理由。")))
        return redirect("supervision:scheme_detail", pk=scheme.pk)
    return render(request, "supervision/scheme_detail.html", {
        "scheme": scheme, "results": selectors.scheme_results(actor=request.user, scheme=scheme),
        "adjustments": scheme.adjustments.select_related("unit"), "is_office": permissions.is_office_for(request.user, scheme),
        "units": OrgUnit.objects.filter(task_assignments__task__region__path__startswith=scheme.region.path).distinct()})

