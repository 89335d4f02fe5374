"""Who may change the org tree: admins anywhere, the talent office in its city, district staff in their district."""

from rencai.core.scope import is_system, scope_for

from .choices import Role

MANAGER_ROLES = {Role.SYSTEM_ADMIN, Role.TALENT_OFFICE, Role.DISTRICT_OFFICER}


def can_manage_unit(actor, unit) -> bool:
    """`unit` is the unit changed, or for a new unit its parent."""
    if is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    scope = scope_for(actor)
    if actor.is_superuser or scope.everything:
        return True
    if not (scope.roles & MANAGER_ROLES):
        return False
    return unit is not None and scope.covers_path(unit.path)


def can_create_city(actor) -> bool:
    return is_system(actor) or bool(actor and actor.is_authenticated and (actor.is_superuser or scope_for(actor).everything))


def can_manage_memberships(actor) -> bool:
    return is_system(actor) or bool(actor and actor.is_authenticated and (actor.is_superuser or scope_for(actor).everything))
