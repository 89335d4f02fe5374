from rencai.core.scope import scope_for


def can_view_audit(actor) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.is_superuser or "system_admin" in scope_for(actor).roles)
