"""Reading and verifying the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rencai.core.exceptions import PermissionDenied

from . import permissions
from .models import AuditChainHead, AuditEntry
from .services import GENESIS, entry_hash, hashed_fields


def audit_entry_list(*, actor, filters: dict | None = None):
    if not permissions.can_view_audit(actor):
        raise PermissionDenied("只有系统管理员可以查看审计日志。")
    qs = AuditEntry.objects.all()
    f = filters or {}
    if f.get("actor"):
        qs = qs.filter(actor_name__icontains=f["actor"])
    if f.get("action"):
        qs = qs.filter(action__startswith=f["action"])
    if f.get("object_type"):
        qs = qs.filter(object_type=f["object_type"])
    if f.get("object_id"):
        qs = qs.filter(object_id=str(f["object_id"]))
    if f.get("date_from"):
        qs = qs.filter(created_at__date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(created_at__date__lte=f["date_to"])
    if f.get("ip"):
        qs = qs.filter(ip=f["ip"])
    return qs.order_by("-seq")


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    reason: str = ""


def _iter_entries(batch: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def audit_chain_verify() -> VerifyResult:
    """Recompute every hash in order; the first entry that does not match (or a gap) is reported."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for entry in _iter_entries():
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, None, f"缺少序号 {expected_seq} 的记录(已被删除)")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.seq, entry.pk, "前一条哈希不一致(上一条记录被删除或改动)")
        if entry_hash(prev_hash=prev_hash, fields=hashed_fields(entry)) != entry.hash:
            return VerifyResult(False, checked, entry.seq, entry.pk, "内容与哈希不符(记录被改动)")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head and (head.seq != checked or head.hash != prev_hash):
        return VerifyResult(False, checked, checked + 1, None, f"链头记录到序号 {head.seq},但只找到 {checked} 条(末尾记录被删除)")
    return VerifyResult(True, checked)
