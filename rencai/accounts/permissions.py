from rencai.core.scope import is_system, scope_for


def can_manage_users(actor) -> bool:
    if is_system(actor):
        return True
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.is_superuser or "system_admin" in scope_for(actor).roles)
