"""Who may upload, review and publish policies: the talent office for its city, district staff for their district."""

from rencai.core.scope import is_system, scope_for
from rencai.orgs.choices import Role

MANAGERS = {Role.SYSTEM_ADMIN, Role.TALENT_OFFICE, Role.DISTRICT_OFFICER}


def can_manage_policies(actor, region) -> bool:
    if is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    scope = scope_for(actor)
    return bool(scope.everything or (scope.roles & MANAGERS and scope.covers_path(region.path)))
