from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from . import exporters, selectors, services
from .schemas import AliasIn, OrgUnitCreateIn, OrgUnitOut

router = Router(tags=["orgs"])


class UnitFilter(Schema):
    q: str | None = None
    kind: str | None = None
    under: int | None = None


@router.get("/units", response=list[OrgUnitOut], summary="机构列表(按权限范围)")
@paginate
def unit_list(request, filters: Query[UnitFilter]):
    return selectors.org_unit_list(actor=request.user, filters=filters.dict(exclude_none=True)).prefetch_related("aliases")


@router.get("/units/export", summary="导出机构(Excel)")
def unit_export(request):
    response = HttpResponse(exporters.org_units_export(actor=request.user),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="org_units.xlsx"'
    return response


@router.get("/units/{unit_id}", response=OrgUnitOut, summary="机构详情")
def unit_get(request, unit_id: int):
    return selectors.org_unit_get(actor=request.user, pk=unit_id)


@router.post("/units", response={201: OrgUnitOut}, summary="新增机构")
def unit_create(request, payload: OrgUnitCreateIn):
    parent = selectors.org_unit_get(actor=request.user, pk=payload.parent_id)
    unit = services.org_unit_create(actor=request.user, code=payload.code, name=payload.name, kind=payload.kind,
                                    parent=parent, short_name=payload.short_name, aliases=payload.aliases)
    return Status(201, unit)


@router.post("/units/{unit_id}/aliases", response=OrgUnitOut, summary="添加机构别名")
def unit_alias_add(request, unit_id: int, payload: AliasIn):
    unit = selectors.org_unit_get(actor=request.user, pk=unit_id)
    services.org_unit_alias_add(actor=request.user, unit=unit, alias=payload.alias)
    return unit
