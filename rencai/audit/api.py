from datetime import date, datetime

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from rencai.core.exceptions import PermissionDenied

from . import permissions, selectors

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    seq: int
    created_at: datetime
    actor_name: str
    ip: str
    request_id: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    extra: dict
    hash: str


class AuditFilter(Schema):
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None


class VerifyOut(Schema):
    ok: bool
    checked: int
    first_bad_seq: int | None
    reason: str


@router.get("/entries", response=list[AuditEntryOut], summary="审计日志(系统管理员)")
@paginate
def entry_list(request, filters: Query[AuditFilter]):
    return selectors.audit_entry_list(actor=request.user, filters=filters.dict(exclude_none=True))


@router.get("/verify", response=VerifyOut, summary="校验哈希链")
def verify(request):
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied("只有系统管理员可以校验审计日志。")
    r = selectors.audit_chain_verify()
    return {"ok": r.ok, "checked": r.checked, "first_bad_seq": r.first_bad_seq, "reason": r.reason}
