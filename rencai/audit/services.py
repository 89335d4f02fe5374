"""Writing audit entries. Every service that changes state calls `audit_record` explicitly (no signals)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from datetime import timezone as dt_timezone

from django.db import transaction
from django.utils import timezone

from rencai.core import context

from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def _canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(*, prev_hash: str, fields: dict) -> str:
    return hashlib.sha256((prev_hash + _canonical(fields)).encode("utf-8")).hexdigest()


def hashed_fields(entry: AuditEntry) -> dict:
    """The content the hash covers: everything but the hashes themselves."""
    created = entry.created_at
    if isinstance(created, datetime):
        created = created.astimezone(dt_timezone.utc).isoformat(timespec="microseconds")
    return {
        "seq": int(entry.seq),
        "created_at": created,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "ip": entry.ip,
        "request_id": entry.request_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "extra": entry.extra,
    }


def diff_for_audit(before: dict, after: dict, *, sensitive: set[str] | frozenset[str] = frozenset()) -> dict:
    """Field-level changes; sensitive (personal) fields are recorded as changed, never with values."""
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        changes[key] = {"changed": True} if key in sensitive else {"old": old, "new": new}
    return changes


def _actor_name(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    full = getattr(actor, "full_name", "") or ""
    return f"{actor.get_username()}({full})" if full else actor.get_username()


@transaction.atomic
def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict | None = None,
    extra: dict | None = None,
    actor_name: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain under a lock on the chain head (PostgreSQL row lock; SQLite IMMEDIATE)."""
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    ctx = context.current()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        seq=head.seq + 1,
        created_at=timezone.now(),
        actor=actor if authenticated else None,
        actor_name=actor_name if actor_name is not None else _actor_name(actor),
        ip=ctx.ip,
        request_id=ctx.request_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_repr=str(object_repr)[:200],
        changes=json.loads(_canonical(changes or {})),
        extra=json.loads(_canonical(extra or {})),
        prev_hash=head.hash,
    )
    entry.hash = entry_hash(prev_hash=head.hash, fields=hashed_fields(entry))
    entry.save(force_insert=True)
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


@transaction.atomic
def audit_record_many(events: list[dict]) -> int:
    """Append many entries under one lock of the chain head, in the given order; each event carries its own
    time, actor, address and request id (spooled events keep the moment they happened). Rows go in with one raw
    `executemany` (pipelined by psycopg): the ORM's per-value preparation would cost more than the rest of a card check."""
    from django.db import connection

    if not events:
        return 0
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    rows, seq, prev = [], head.seq, head.hash
    adapt = connection.ops.adapt_datetimefield_value
    for e in events:
        seq += 1
        created = datetime.fromisoformat(e["created_at"])
        # the same fields and canonical form as hashed_fields(), built from the event (already plain JSON types)
        fields = {
            "seq": seq, "created_at": created.astimezone(dt_timezone.utc).isoformat(timespec="microseconds"),
            "actor_id": e.get("actor_id"), "actor_name": e.get("actor_name", ""), "ip": e.get("ip", ""),
            "request_id": e.get("request_id", ""), "action": e["action"], "object_type": e.get("object_type", ""),
            "object_id": str(e.get("object_id", "")), "object_repr": str(e.get("object_repr", ""))[:200],
            "changes": e.get("changes") or {}, "extra": e.get("extra") or {},
        }
        digest = entry_hash(prev_hash=prev, fields=fields)
        rows.append((seq, adapt(created), fields["actor_id"], fields["actor_name"], fields["ip"], fields["request_id"],
                     fields["action"], fields["object_type"], fields["object_id"], fields["object_repr"],
                     json.dumps(fields["changes"], ensure_ascii=False), json.dumps(fields["extra"], ensure_ascii=False),
                     prev, digest))
        prev = digest
    columns = ("seq", "created_at", "actor_id", "actor_name", "ip", "request_id", "action", "object_type",
               "object_id", "object_repr", "changes", "extra", "prev_hash", "hash")
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                           rows)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    return len(rows)
