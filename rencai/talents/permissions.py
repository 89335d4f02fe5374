"""Who may do what with the talent registry. Scope (which talents) is applied by `Talent.objects.visible_to`."""

from rencai.core.scope import is_system, scope_for
from rencai.orgs.choices import Role

VIEW_ROLES = {Role.SYSTEM_ADMIN, Role.TALENT_OFFICE, Role.DISTRICT_OFFICER, Role.UNIT_OFFICER, Role.LEADER, Role.REVIEWER}
IMPORT_ROLES = {Role.SYSTEM_ADMIN, Role.TALENT_OFFICE, Role.DISTRICT_OFFICER}
# Seeing a full ID number or mobile (最小必要): the talent office and system administrators, or anyone given the
# Django permission talents.unmask_talent. Every full value shown is an audit event.
UNMASK_ROLES = {Role.SYSTEM_ADMIN, Role.TALENT_OFFICE}


def _roles(actor) -> set:
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return set()
    return set(scope_for(actor).roles)


def can_view_talents(actor) -> bool:
    return is_system(actor) or bool(_roles(actor) & VIEW_ROLES) or bool(getattr(actor, "is_superuser", False))


def can_import_talents(actor) -> bool:
    return is_system(actor) or bool(_roles(actor) & IMPORT_ROLES) or bool(getattr(actor, "is_superuser", False))


def can_edit_talent(actor, talent) -> bool:
    if is_system(actor):
        return True
    if not can_import_talents(actor):
        return False
    return scope_for(actor).covers_path(talent.region.path)


def can_unmask(actor) -> bool:
    if is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return bool(_roles(actor) & UNMASK_ROLES) or actor.has_perm("talents.unmask_talent")


def can_view_job(actor, job) -> bool:
    if is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    return job.created_by_id == actor.pk or scope_for(actor).everything
