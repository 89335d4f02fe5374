"""Changes to the org tree and to memberships. Each write is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction

from rencai.audit.services import audit_record, diff_for_audit
from rencai.core.exceptions import ApplicationError, PermissionDenied

from . import permissions
from .choices import REGION_KINDS, Role, UnitKind
from .models import Membership, OrgUnit, OrgUnitAlias, UnitGroup


def _snapshot(unit: OrgUnit) -> dict:
    return {"code": unit.code, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
            "parent": unit.parent_id, "is_active": unit.is_active}


def _place(unit: OrgUnit) -> None:
    """Recompute path, depth and region from the parent (a unit saved once already has a pk)."""
    parent = unit.parent
    unit.path = (parent.path if parent else "/") + f"{unit.pk}/"
    unit.depth = (parent.depth + 1) if parent else 0
    if unit.kind in REGION_KINDS:
        unit.region = unit
    else:
        unit.region = (parent.region or parent) if parent else None


def _full_clean(unit: OrgUnit) -> None:
    try:
        unit.full_clean(exclude=["path", "region"])
    except ValidationError as exc:
        messages = [f"{field}:{'、'.join(errs)}" for field, errs in exc.message_dict.items()]
        raise ApplicationError("机构信息有误:" + ";".join(messages), code="invalid_unit") from exc


@transaction.atomic
def org_unit_create(*, actor, code: str, name: str, kind: str, parent: OrgUnit | None = None,
                    short_name: str = "", aliases: list[str] | None = None, sort_order: int = 0,
                    audit: bool = True) -> OrgUnit:
    """Add a unit under `parent` (or a new city at the top)."""
    if parent is None and not permissions.can_create_city(actor):
        raise PermissionDenied("只有系统管理员可以新建城市。")
    if parent is not None and not permissions.can_manage_unit(actor, parent):
        raise PermissionDenied("您无权在该机构下新增下级机构。")
    if parent is None and kind not in (UnitKind.CITY, UnitKind.NEW_AREA):
        raise ApplicationError("顶级机构必须是市或新区。", code="invalid_unit")
    if OrgUnit.objects.filter(code=code).exists():
        raise ApplicationError(f"机构编码“{code}”已存在。", code="duplicate_code")
    unit = OrgUnit(code=code, name=name, short_name=short_name, kind=kind, parent=parent, sort_order=sort_order)
    _full_clean(unit)
    unit.save()
    _place(unit)
    unit.save(update_fields=["path", "depth", "region"])
    for alias in aliases or []:
        _alias_add(unit, alias)
    if audit:
        audit_record(actor=actor, action="orgs.unit.create", obj=unit,
                     changes=diff_for_audit({}, {**_snapshot(unit), "aliases": aliases or []}))
    return unit


def _alias_add(unit: OrgUnit, alias: str) -> OrgUnitAlias | None:
    alias = alias.strip()
    if not alias or alias in (unit.name, unit.short_name):
        return None
    city = OrgUnit.objects.get(pk=int(unit.path.strip("/").split("/")[0]))
    other = (OrgUnit.objects.filter(path__startswith=city.path).filter(models.Q(name=alias) | models.Q(short_name=alias))
             .exclude(pk=unit.pk).first())
    if other is not None:
        raise ApplicationError(f"别名“{alias}”已用于本市的“{other.name}”。", code="duplicate_alias")
    existing = OrgUnitAlias.objects.filter(city=city, name=alias).select_related("unit").first()
    if existing:
        if existing.unit_id == unit.pk:
            return existing
        raise ApplicationError(f"别名“{alias}”已用于本市的“{existing.unit.name}”。", code="duplicate_alias")
    return OrgUnitAlias.objects.create(unit=unit, city=city, name=alias)


@transaction.atomic
def org_unit_alias_add(*, actor, unit: OrgUnit, alias: str) -> OrgUnitAlias | None:
    """Record another written form of a unit's name (used when mapping parsed policy units)."""
    if not permissions.can_manage_unit(actor, unit):
        raise PermissionDenied("您无权修改该机构。")
    created = _alias_add(unit, alias)
    if created:
        audit_record(actor=actor, action="orgs.unit.alias_add", obj=unit, changes={"aliases": {"new": alias}})
    return created


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, **fields) -> OrgUnit:
    if not permissions.can_manage_unit(actor, unit):
        raise PermissionDenied("您无权修改该机构。")
    allowed = {"name", "short_name", "kind", "sort_order", "is_active", "code", "parent"}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(f"不能修改字段:{'、'.join(sorted(unknown))}", code="invalid_field")
    before = _snapshot(unit)
    new_parent = fields.pop("parent", unit.parent)
    moving = (new_parent.pk if new_parent else None) != unit.parent_id
    if moving:
        if new_parent is None or not permissions.can_manage_unit(actor, new_parent):
            raise PermissionDenied("您无权把机构移动到该位置。")
        if new_parent.path.startswith(unit.path):
            raise ApplicationError("不能把机构移动到它自己的下级机构之下。", code="cycle")
    if "code" in fields and fields["code"] != unit.code and OrgUnit.objects.filter(code=fields["code"]).exists():
        raise ApplicationError(f"机构编码“{fields['code']}”已存在。", code="duplicate_code")
    for key, value in fields.items():
        setattr(unit, key, value)
    unit.parent = new_parent
    _full_clean(unit)
    old_path = unit.path
    _place(unit)
    unit.save()
    if moving or unit.path != old_path or "kind" in fields:
        _replace_subtree(unit, old_path)
    audit_record(actor=actor, action="orgs.unit.update", obj=unit, changes=diff_for_audit(before, _snapshot(unit)))
    return unit


def _replace_subtree(unit: OrgUnit, old_path: str) -> None:
    for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("depth"):
        child.parent = OrgUnit.objects.get(pk=child.parent_id)
        _place(child)
        child.save(update_fields=["path", "depth", "region"])


@transaction.atomic
def unit_group_save(*, actor, city: OrgUnit, name: str, rule: str, members: list[OrgUnit] | None = None) -> UnitGroup:
    if not permissions.can_manage_unit(actor, city):
        raise PermissionDenied("您无权维护该市的单位组。")
    group, created = UnitGroup.objects.get_or_create(city=city, name=name, defaults={"rule": rule})
    group.rule = rule
    group.save()
    if members is not None:
        group.members.set(members)
    audit_record(actor=actor, action="orgs.group.create" if created else "orgs.group.update", obj=group,
                 changes={"rule": {"new": rule}, "members": {"new": [m.pk for m in members or []]}})
    return group


@transaction.atomic
def membership_assign(*, actor, user, unit: OrgUnit | None, role: str) -> Membership:
    """Give a user a role in a unit (system admins only)."""
    if actor is not None and not permissions.can_manage_memberships(actor):
        raise PermissionDenied("只有系统管理员可以分配角色。")
    if role not in Role.values:
        raise ApplicationError(f"未知角色“{role}”。", code="invalid_role")
    if unit is None and role not in (Role.SYSTEM_ADMIN, Role.TALENT):
        raise ApplicationError("该角色必须指定所属机构。", code="unit_required")
    membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit_record(actor=actor, action="orgs.membership.assign", obj=membership,
                     extra={"user_id": user.pk, "unit_id": unit.pk if unit else None, "role": role})
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> None:
    if not permissions.can_manage_memberships(actor):
        raise PermissionDenied("只有系统管理员可以撤销角色。")
    audit_record(actor=actor, action="orgs.membership.revoke", obj=membership,
                 extra={"user_id": membership.user_id, "unit_id": membership.unit_id, "role": membership.role})
    membership.delete()
