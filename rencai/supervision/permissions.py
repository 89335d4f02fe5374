"""Who may do what in supervision: the talent office supervises; units plan and report on their own part."""

from rencai.core.scope import is_system, scope_for
from rencai.orgs.choices import Role

OFFICE_ROLES = {Role.SYSTEM_ADMIN, Role.TALENT_OFFICE}
UNIT_ROLES = {Role.UNIT_OFFICER, Role.DISTRICT_OFFICER}


def _scope(actor):
    return scope_for(actor) if actor is not None and getattr(actor, "is_authenticated", False) else None


def is_office_for_region(actor, region) -> bool:
    """Talent-office staff whose scope covers `region` (a city or district)."""
    if is_system(actor):
        return True
    scope = _scope(actor)
    return bool(scope and (scope.everything or (scope.roles & OFFICE_ROLES and scope.covers_path(region.path))))


def is_office_for(actor, owned) -> bool:
    """The same, for something owned by a region: a task or an assessment scheme."""
    return is_office_for_region(actor, owned.region)


def acts_for_unit(actor, unit) -> bool:
    """A unit or district officer whose scope covers the unit (a district officer acts for its district's units)."""
    if is_system(actor):
        return True
    scope = _scope(actor)
    return bool(scope and (scope.everything or (scope.roles & UNIT_ROLES and scope.covers_path(unit.path))))


def can_edit_plan(actor, task, lead_unit) -> bool:
    return is_office_for(actor, task) or (lead_unit is not None and acts_for_unit(actor, lead_unit))


def can_view_assessment(actor) -> bool:
    scope = _scope(actor)
    return bool(scope and (scope.everything or scope.roles & (OFFICE_ROLES | {Role.LEADER})))
