"""Reads of the org tree, and the one scoping rule for every app (see core.scope)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from rencai.core.exceptions import NotFound
from rencai.core.scope import Scope, scope_for

from .choices import REGION_KINDS, Role
from .models import Membership, OrgUnit, OrgUnitAlias, UnitGroup

CITY_WIDE_ROLES = {Role.TALENT_OFFICE, Role.LEADER}
REGION_ROLES = {Role.DISTRICT_OFFICER, Role.REVIEWER}


def _city_path(unit: OrgUnit) -> str:
    first = unit.path.strip("/").split("/")[0]
    return f"/{first}/"


def scope_resolve(user) -> Scope:
    """What a user may see: admins everything; city staff their city; district staff their district subtree;
    unit officers their unit's subtree; talents their own records; verifiers nothing but card checks."""
    memberships = list(Membership.objects.filter(user=user).select_related("unit", "unit__region"))
    roles = frozenset(m.role for m in memberships) | ({Role.SYSTEM_ADMIN.value} if user.is_superuser else set())
    if Role.SYSTEM_ADMIN in roles:
        return Scope(everything=True, roles=roles, owner_user_id=user.pk)
    paths: set[str] = set()
    for m in memberships:
        if m.unit is None:
            continue
        if m.role in CITY_WIDE_ROLES:
            paths.add(_city_path(m.unit))
        elif m.role in REGION_ROLES:
            paths.add((m.unit.region or m.unit).path)
        elif m.role == Role.UNIT_OFFICER:
            paths.add(m.unit.path)
    # Drop paths already inside another visible subtree.
    minimal = tuple(sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths)))
    owner = user.pk if Role.TALENT in roles else None
    return Scope(unit_paths=minimal, owner_user_id=owner, roles=roles)


def org_unit_list(*, actor, filters: dict | None = None) -> QuerySet[OrgUnit]:
    """Units in the actor's subtrees, plus their ancestors so the tree can be drawn from the top."""
    scope = scope_for(actor)
    if scope.everything:
        qs = OrgUnit.objects.all()
    else:
        ancestor_ids: set[int] = set()
        for path in scope.unit_paths:
            ancestor_ids.update(int(p) for p in path.strip("/").split("/")[:-1] if p)
        qs = OrgUnit.objects.filter(Q(pk__in=OrgUnit.objects.within(scope).values("pk")) | Q(pk__in=ancestor_ids))
    f = filters or {}
    if f.get("q"):
        term = f["q"].strip()
        qs = qs.filter(Q(name__icontains=term) | Q(short_name__icontains=term) | Q(code__icontains=term)
                       | Q(aliases__name__icontains=term)).distinct()
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("under"):
        root = org_unit_get(actor=actor, pk=f["under"])
        qs = qs.filter(path__startswith=root.path)
    return qs.select_related("parent", "region").order_by("path")


def org_unit_get(*, actor, pk: int) -> OrgUnit:
    """One unit, or NotFound — the same answer for "exists elsewhere" and "does not exist" (no guessing by id)."""
    try:
        return org_unit_list(actor=actor).get(pk=pk)
    except (OrgUnit.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该机构,或您无权查看。") from None


def org_unit_is_managed_by(actor, unit: OrgUnit) -> bool:
    return scope_for(actor).covers_path(unit.path)


def region_of(unit: OrgUnit) -> OrgUnit:
    return unit.region or unit


def city_of(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(pk=int(unit.path.strip("/").split("/")[0]))


def city_list(*, actor) -> QuerySet[OrgUnit]:
    return org_unit_list(actor=actor).filter(parent__isnull=True)


def district_list(*, actor, city: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.visible_to(actor).filter(kind__in=[k.value for k in REGION_KINDS], parent__isnull=False)
    if city is not None:
        qs = qs.filter(path__startswith=city.path)
    return qs.order_by("path")


def unit_resolve_name(*, city: OrgUnit, name: str) -> OrgUnit | None:
    """Find a unit of a city by its full name, short name or an alias, as written in a document."""
    name = name.strip()
    under = OrgUnit.objects.filter(path__startswith=city.path)
    unit = under.filter(Q(name=name) | Q(short_name=name)).order_by("depth").first()
    if unit:
        return unit
    alias = OrgUnitAlias.objects.filter(city=city, name=name).select_related("unit").first()
    return alias.unit if alias else None


def unit_group_resolve(*, city: OrgUnit, name: str) -> UnitGroup | None:
    return UnitGroup.objects.filter(city=city, name=name.strip()).first()


def unit_group_expand(*, group: UnitGroup) -> list[OrgUnit]:
    """The units a group phrase stands for: all districts of the city, or its listed members."""
    from .choices import GroupRule

    if group.rule == GroupRule.DISTRICTS:
        return list(
            OrgUnit.objects.filter(parent=group.city, kind__in=[k.value for k in REGION_KINDS], is_active=True)
            .order_by("sort_order", "code")
        )
    return list(group.members.filter(is_active=True).order_by("sort_order", "code"))


def membership_list(*, actor, user=None) -> QuerySet[Membership]:
    qs = Membership.objects.visible_to(actor).select_related("user", "unit")
    if user is not None:
        qs = qs.filter(user=user)
    return qs


def unit_officers(*, unit: OrgUnit):
    """Users who act for a unit (to receive reminders)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        memberships__unit=unit, memberships__role__in=[Role.UNIT_OFFICER, Role.DISTRICT_OFFICER], is_active=True
    ).distinct()
