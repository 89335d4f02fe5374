"""Per-request context (request id, client address, actor) for audit entries written deep in services."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str = ""
    user_agent: str = ""


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("rencai_request", default=RequestContext())


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)
