from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rencai.core.exceptions import ApplicationError

from . import exporters, importers, permissions, selectors, services
from .forms import AliasForm, ImportForm, UnitCreateForm, UnitFilterForm


def _tree(units):
    """Nest a path-ordered list into [{unit, children}]; units whose parent is hidden become roots."""
    nodes, roots = {}, []
    for unit in units:
        node = {"unit": unit, "children": []}
        nodes[unit.pk] = node
        parent = nodes.get(unit.parent_id)
        (parent["children"] if parent else roots).append(node)

    def order(nodes_):
        # path order puts parents first but compares ids as text; siblings follow the unit's own order
        nodes_.sort(key=lambda n: (n["unit"].sort_order, n["unit"].code))
        for n in nodes_:
            order(n["children"])
        return nodes_

    return order(roots)


@login_required
def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    units = list(selectors.org_unit_list(actor=request.user, filters=filters))
    context = {"form": form, "units": units, "tree": _tree(units), "filtered": any(filters.values()) if filters else False,
               "can_import": importers.can_import(request.user)}
    template = "orgs/partials/unit_tree.html" if request.headers.get("HX-Request") else "orgs/unit_list.html"
    return render(request, template, context)


@login_required
def unit_detail(request, pk: int):
    unit = selectors.org_unit_get(actor=request.user, pk=pk)
    can_manage = permissions.can_manage_unit(request.user, unit)
    create_form = UnitCreateForm(prefix="new")
    alias_form = AliasForm(prefix="alias")
    if request.method == "POST" and can_manage:
        try:
            if "alias-alias" in request.POST:
                alias_form = AliasForm(request.POST, prefix="alias")
                if alias_form.is_valid():
                    services.org_unit_alias_add(actor=request.user, unit=unit, alias=alias_form.cleaned_data["alias"])
                    messages.success(request, _("已添加别名。"))
                    return redirect("orgs:unit_detail", pk=unit.pk)
            else:
                create_form = UnitCreateForm(request.POST, prefix="new")
                if create_form.is_valid():
                    d = create_form.cleaned_data
                    child = services.org_unit_create(
                        actor=request.user, code=d["code"], name=d["name"], kind=d["kind"], parent=unit,
                        short_name=d["short_name"], aliases=[a for a in d["aliases"].split("、") if a.strip()])
                    messages.success(request, _("已新增下级机构 %(n)s。") % {"n": child.name})
                    return redirect("orgs:unit_detail", pk=child.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    children = selectors.org_unit_list(actor=request.user).filter(parent=unit)
    ancestors = selectors.org_unit_list(actor=request.user).filter(pk__in=unit.ancestor_ids)
    return render(request, "orgs/unit_detail.html", {
        "unit": unit, "children": children, "ancestors": ancestors, "aliases": unit.aliases.all(),
        "groups": unit.unit_groups.all() if unit.parent_id is None else [], "can_manage": can_manage,
        "create_form": create_form, "alias_form": alias_form,
    })


@login_required
def unit_export(request):
    content = exporters.org_units_export(actor=request.user)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E7%BB%84%E7%BB%87%E6%9C%BA%E6%9E%84.xlsx"
    return response


@login_required
def unit_import(request):
    if not importers.can_import(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        from django.conf import settings

        if upload.size > settings.RENCAI_UPLOAD_MAX_BYTES:
            error = _("文件大小 %(s).1f MB 超过上限 %(m).0f MB。") % {"s": upload.size / 1048576, "m": settings.RENCAI_UPLOAD_MAX_BYTES / 1048576}
        else:
            try:
                result = importers.org_units_import(actor=request.user, stream=upload.file, filename=upload.name)
            except ApplicationError as exc:
                error = exc.message
            else:
                if not result.errors:
                    messages.success(request, _("导入完成:新增 %(c)d 个,更新 %(u)d 个。") % {"c": result.created, "u": result.updated})
                    return redirect("orgs:unit_list")
    return render(request, "orgs/unit_import.html", {"form": form, "result": result, "error": error,
                                                      "columns": importers.COLUMNS})


@login_required
@require_POST
def unit_toggle(request, pk: int):
    unit = selectors.org_unit_get(actor=request.user, pk=pk)
    try:
        services.org_unit_update(actor=request.user, unit=unit, is_active=not unit.is_active)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("orgs:unit_detail", pk=unit.pk)
