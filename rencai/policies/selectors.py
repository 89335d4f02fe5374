"""Reads of policy documents and the unit mapping shown on the review page."""

from __future__ import annotations

from rencai.core.exceptions import NotFound
from rencai.orgs import selectors as org_selectors
from rencai.orgs.models import OrgUnit
from rencai.orgs.selectors import city_of

from .models import PolicyDocument


def policy_list(*, actor):
    return PolicyDocument.objects.visible_to(actor).select_related("region", "uploaded_by").order_by("-created_at")


def policy_get(*, actor, pk: int) -> PolicyDocument:
    try:
        return policy_list(actor=actor).get(pk=pk)
    except (PolicyDocument.DoesNotExist, ValueError):
        raise NotFound("未找到该政策文件,或您无权查看。") from None


def resolve_unit(document: PolicyDocument, name: str) -> OrgUnit | None:
    """A written unit name against the owning region first (a district's own 区人社局), then its city."""
    region = document.region
    unit = org_selectors.unit_resolve_name(city=region, name=name) if region.parent_id else None
    return unit or org_selectors.unit_resolve_name(city=city_of(region), name=name)


def resolve_group(document: PolicyDocument, name: str):
    return org_selectors.unit_group_resolve(city=city_of(document.region), name=name)


def policy_mapping(*, document: PolicyDocument) -> dict:
    """Per task: each unit name with its org unit (or None: unknown), each group with its members (or None)."""
    cache_units: dict[str, OrgUnit | None] = {}
    cache_groups: dict[str, list | None] = {}
    tasks = []
    for task in document.parsed.get("tasks", []):
        units = []
        for name in task.get("units", []):
            if name not in cache_units:
                cache_units[name] = resolve_unit(document, name)
            units.append({"name": name, "unit": cache_units[name], "lead": name == task.get("lead_unit")})
        groups = []
        for name in task.get("unit_groups", []):
            if name not in cache_groups:
                group = resolve_group(document, name)
                cache_groups[name] = org_selectors.unit_group_expand(group=group) if group else None
            groups.append({"name": name, "members": cache_groups[name]})
        tasks.append({"task": task, "units": units, "groups": groups})
    unknown_units = sorted(n for n, u in cache_units.items() if u is None)
    unknown_groups = sorted(n for n, g in cache_groups.items() if g is None)
    return {"tasks": tasks, "unknown_units": unknown_units, "unknown_groups": unknown_groups}
