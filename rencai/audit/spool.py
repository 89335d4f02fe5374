"""A durable spool for high-rate audit events (card verification): each event is appended as one JSON line to a
per-process file (a single O_APPEND write, so a crashed process loses nothing already written), and the spool
is folded into the hash chain in batches — by the writing process every RENCAI_AUDIT_SPOOL_SECONDS or
RENCAI_AUDIT_SPOOL_MAX events, by `rencai audit flush`, and before `rencai audit verify`. One database transaction
per batch instead of one per request keeps verification near the speed of a bare view.
With RENCAI_AUDIT_SPOOL = False (the test default) events go straight to the chain."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from rencai.core import context

_state: dict = {"count": 0, "since": time.monotonic(), "fd": None, "pid": None, "folder": None}


def _folder() -> Path:
    folder = Path(getattr(settings, "RENCAI_AUDIT_SPOOL_DIR", None) or Path(settings.VAR_DIR) / "audit-spool")
    if _state["folder"] != folder:
        folder.mkdir(parents=True, exist_ok=True)
        _state["folder"] = folder
    return folder


def _own_file() -> Path:
    return _folder() / f"spool-{os.getpid()}.jsonl"


def _own_fd() -> int:
    """This process's spool file, kept open (O_APPEND: each event is one atomic write)."""
    pid = os.getpid()
    if _state["fd"] is None or _state["pid"] != pid or _state["folder"] != _folder():
        _state["fd"] = os.open(_own_file(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        _state["pid"] = pid
    return _state["fd"]


def _close_own() -> None:
    if _state["fd"] is not None and _state["pid"] == os.getpid():
        os.close(_state["fd"])
    _state["fd"] = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _actor_fields(actor) -> tuple[int | None, str]:
    from .services import _actor_name

    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, ""
    return actor.pk, _actor_name(actor)


def audit_spooled(*, actor, action: str, object_type: str = "", object_id: str | int = "", extra: dict | None = None
                  ) -> None:
    if not getattr(settings, "RENCAI_AUDIT_SPOOL", True):
        from .services import audit_record

        audit_record(actor=actor, action=action, object_type=object_type, object_id=object_id, extra=extra)
        return
    ctx = context.current()
    actor_id, actor_name = _actor_fields(actor)
    line = json.dumps({"created_at": timezone.now().isoformat(), "actor_id": actor_id, "actor_name": actor_name,
                       "ip": ctx.ip, "request_id": ctx.request_id, "action": action, "object_type": object_type,
                       "object_id": str(object_id or ""), "extra": extra or {}}, ensure_ascii=False) + "\n"
    os.write(_own_fd(), line.encode())
    _state["count"] += 1
    max_events = getattr(settings, "RENCAI_AUDIT_SPOOL_MAX", 500)
    max_seconds = getattr(settings, "RENCAI_AUDIT_SPOOL_SECONDS", 2.0)
    if _state["count"] >= max_events or time.monotonic() - _state["since"] >= max_seconds:
        flush(own_only=True)


def flush(*, own_only: bool = False) -> int:
    """Fold spooled events into the chain: this process's own file, and (unless own_only) files left by processes
    that have exited — a live process keeps its file open and folds it in itself within seconds. A file is claimed
    by renaming it, so two flushers never take the same events; a claimed file is removed only after its batch
    committed (a failed batch is retried next time)."""
    from .services import audit_record_many

    _state["count"], _state["since"] = 0, time.monotonic()
    _close_own()
    folder = _folder()
    files = [_own_file()]
    if not own_only:
        for path in sorted(folder.glob("spool-*.jsonl")):
            pid = path.stem.removeprefix("spool-")
            if path != files[0] and pid.isdigit() and not _alive(int(pid)):
                files.append(path)
        for path in sorted(folder.glob("claimed-*.jsonl")):  # left by a flush that failed before committing
            claimer = path.stem.split("-")[1]
            if claimer.isdigit() and (int(claimer) == os.getpid() or not _alive(int(claimer))):
                files.append(path)
    written = 0
    for path in files:
        if not path.exists():
            continue
        claimed = path if path.name.startswith("claimed-") else path.with_name(
            f"claimed-{os.getpid()}-{path.stem}-{time.time_ns()}.jsonl")
        if claimed != path:
            try:
                path.rename(claimed)
            except FileNotFoundError:
                continue
        events = [json.loads(line) for line in claimed.read_text(encoding="utf-8").splitlines() if line.strip()]
        written += audit_record_many(events)
        claimed.unlink()
    return written
