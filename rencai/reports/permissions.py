"""Who may see the leaders' dashboard, bind targets to metrics, generate annual reports and publish open data."""

from rencai.core.scope import is_system, scope_for
from rencai.orgs.choices import Role

DASHBOARD_ROLES = {Role.SYSTEM_ADMIN, Role.TALENT_OFFICE, Role.LEADER, Role.DISTRICT_OFFICER}
REPORT_ROLES = {Role.SYSTEM_ADMIN, Role.TALENT_OFFICE, Role.LEADER, Role.DISTRICT_OFFICER}
OFFICE_ROLES = {Role.SYSTEM_ADMIN, Role.TALENT_OFFICE}


def _roles(actor) -> set:
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return set()
    return set(scope_for(actor).roles)


def can_view_dashboard(actor) -> bool:
    return is_system(actor) or bool(_roles(actor) & DASHBOARD_ROLES) or bool(getattr(actor, "is_superuser", False))


def _covers(actor, unit) -> bool:
    scope = scope_for(actor)
    return scope.everything or (unit is not None and scope.covers_path(unit.path))


def can_generate_report(actor, unit) -> bool:
    """The whole platform (unit None) needs a platform-wide scope; a city or district needs it in scope."""
    if is_system(actor):
        return True
    if not (_roles(actor) & REPORT_ROLES or getattr(actor, "is_superuser", False)):
        return False
    return _covers(actor, unit)


def can_bind_metric(actor, task) -> bool:
    from rencai.supervision.permissions import is_office_for

    return is_office_for(actor, task)


def can_publish_open_data(actor, region) -> bool:
    if is_system(actor):
        return True
    return bool(_roles(actor) & OFFICE_ROLES or getattr(actor, "is_superuser", False)) and _covers(actor, region)
