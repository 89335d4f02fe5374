"""One application error type (HackSoft styleguide): services raise it, transports render it."""

from __future__ import annotations


class ApplicationError(Exception):
    """A business-rule failure the user can act on; `message` is Chinese and says what and where."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class PermissionDenied(ApplicationError):
    status_code = 403
    code = "permission_denied"


class NotFound(ApplicationError):
    status_code = 404
    code = "not_found"


class Conflict(ApplicationError):
    """Optimistic-locking and duplicate-submission failures."""

    status_code = 409
    code = "conflict"
