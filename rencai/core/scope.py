"""The one scoping rule (市县共建共享): an actor sees rows whose org unit lies in one of its subtrees.

`Scope` is computed for an actor by the orgs app (which knows memberships) and registered at start-up, so
`core` depends on no app above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    # Materialised paths ("/1/5/") of the subtrees this actor may see.
    unit_paths: tuple[str, ...] = ()
    # For talents/applicants: the user whose own records are visible.
    owner_user_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.unit_paths and self.owner_user_id is None

    def covers_path(self, path: str | None) -> bool:
        if self.everything:
            return True
        if not path:
            return False
        return any(path.startswith(p) for p in self.unit_paths)


NOTHING = Scope()
_resolver: Callable[[object], Scope] | None = None


def register_resolver(fn: Callable[[object], Scope]) -> None:
    global _resolver
    _resolver = fn


def scope_for(actor) -> Scope:
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return NOTHING
    cached = getattr(actor, "_rencai_scope", None)
    if cached is not None:
        return cached
    if _resolver is None:  # pragma: no cover - orgs app always registers one
        raise RuntimeError("scope resolver not registered")
    scope = _resolver(actor)
    try:
        actor._rencai_scope = scope
    except AttributeError:  # pragma: no cover
        pass
    return scope


def is_system(actor) -> bool:
    """`actor=None` means the platform itself (a management command run by the operator), never a web request:
    views always pass `request.user`, which is AnonymousUser when nobody is signed in."""
    return actor is None
