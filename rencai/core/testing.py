"""Reusable test helpers (NetBox's ViewTestCases idea): denial leaves no trace; scope A vs B."""

from __future__ import annotations

from contextlib import contextmanager

import pytest


def audit_count() -> int:
    from rencai.audit.models import AuditEntry

    return AuditEntry.objects.count()


@contextmanager
def assert_no_trace(*models):
    """The block must change no row of `models` and write no audit entry (a denied action leaves no trace)."""
    before = [m.objects.count() for m in models]
    audit_before = audit_count()
    yield
    assert [m.objects.count() for m in models] == before, "a denied action changed data"
    assert audit_count() == audit_before, "a denied action wrote an audit entry"


def assert_denied(callable_, *models, error=None):
    """Calling must raise PermissionDenied (or `error`) and leave no trace."""
    from rencai.core.exceptions import PermissionDenied

    with assert_no_trace(*models):
        with pytest.raises(error or PermissionDenied):
            callable_()
