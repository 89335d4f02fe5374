"""Writes to the talent registry: imports (upload + background task, or command line), edits with history,
unmasking with an audit event, and encryption key rotation."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rencai.audit.services import _actor_name, audit_record, diff_for_audit
from rencai.core.exceptions import ApplicationError, PermissionDenied

from . import crypto, permissions, selectors
from .choices import ImportStatus
from .constants import title_level_for
from .importers import ImportResult, TalentImportRejected, talents_import_stream
from .models import PLAIN_FIELDS, SENSITIVE_FIELDS, ImportJob, Talent, TalentHistory
from .validation import CellError, parse_mobile

KEPT_ERRORS_ON_JOB = 500
IMPORT_DIR = "talent_imports"


def _media(*parts: str) -> Path:
    path = Path(settings.MEDIA_ROOT).joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# ---------------------------------------------------------------- imports

def import_job_create(*, actor, upload, partial: bool = False) -> ImportJob:
    """Store an uploaded file under MEDIA_ROOT (outside the web root) and queue its import (人才批量导入)."""
    if not permissions.can_import_talents(actor):
        raise PermissionDenied("您无权导入人才信息。")
    name = os.path.basename(upload.name or "upload")
    ext = os.path.splitext(name)[1].lower()
    if ext not in (".xlsx", ".csv", ".xlsm", ".txt"):
        raise ApplicationError("只支持 .xlsx 和 .csv 文件。", code="bad_spreadsheet")
    limit = settings.RENCAI_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ApplicationError(f"文件大小 {upload.size / 1048576:.1f} MB 超过上限 {limit / 1048576:.0f} MB。",
                               code="upload_too_large")
    relative = f"{IMPORT_DIR}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"
    target = _media(relative)
    with open(target, "wb") as fh:
        for block in upload.chunks():
            fh.write(block)
    os.chmod(target, 0o600)
    job = ImportJob.objects.create(created_by=actor if getattr(actor, "is_authenticated", False) else None,
                                   filename=name[:255], stored_path=relative, partial=partial)
    from . import tasks

    transaction.on_commit(lambda: tasks.talent_import_job_run.enqueue(job_id=job.pk))
    return job


class _ProgressFile:
    """Progress of a running job, written atomically beside the upload: readable while the import's
    transaction still holds the database."""

    def __init__(self, job: ImportJob):
        self.path = selectors.progress_path(job)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def __call__(self, processed: int, total: int | None) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"processed": processed, "total": total}))
        os.replace(tmp, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def import_job_run(*, job_id: int, progress: Callable | None = None) -> ImportResult | None:
    """Run a queued import job (called by the background task and by the command line)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return None
    actor = job.created_by
    job.status, job.started_at = ImportStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    progress_file = _ProgressFile(job)
    progress_file(0, None)

    def report(processed, total):
        progress_file(processed, total)
        if progress is not None:
            progress(processed, total)

    result = None
    try:
        with open(Path(settings.MEDIA_ROOT) / job.stored_path, "rb") as stream:
            result = talents_import_stream(actor=actor, stream=stream, filename=job.filename, job=job,
                                           partial=job.partial, progress=report)
    except TalentImportRejected as exc:
        job.status, job.message = ImportStatus.FAILED, exc.message
        audit_record(actor=actor, action="talents.talent.import_rejected", object_type="talents.importjob",
                     object_id=job.pk, object_repr=job.filename[:200], extra={"reason": exc.message[:200]})
    except Exception as exc:  # a crash: the import's transaction is already rolled back
        job.status, job.message = ImportStatus.ERROR, f"导入失败({type(exc).__name__}),数据库未作任何修改。请联系系统管理员。"
        job.finished_at = timezone.now()
        job.save()
        progress_file.remove()
        raise
    else:
        _record_result(job, result)
        if result.committed and result.created + result.updated >= ANALYZE_AFTER_ROWS:
            _refresh_statistics()
    job.finished_at = timezone.now()
    job.save()
    progress_file.remove()
    return result


ANALYZE_AFTER_ROWS = 10_000


def _refresh_statistics() -> None:
    """After a large import the planner's statistics describe the old table (autovacuum analyses later, if ever
    for one big transaction): without fresh ones PostgreSQL picks slow plans for combined filters."""
    from django.db import connection

    if connection.vendor != "postgresql":  # SQLite's planner does well on these indexes without sqlite_stat1
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Talent._meta.db_table}")


def _record_result(job: ImportJob, result: ImportResult) -> None:
    job.total_rows = result.total_rows
    job.created_count, job.updated_count, job.unchanged_count = (
        (result.created, result.updated, result.unchanged) if result.committed else (0, 0, 0))
    job.error_count, job.error_rows = result.error_count, result.error_rows
    job.errors = [e.as_dict() for e in result.errors[:KEPT_ERRORS_ON_JOB]]
    job.warnings = result.warnings[:50]
    job.message = result.summary()
    if not result.committed:
        job.status = ImportStatus.FAILED
    elif result.error_rows:
        job.status = ImportStatus.PARTIAL
    else:
        job.status = ImportStatus.SUCCEEDED
    if result.error_count:
        from . import exporters

        relative = f"{IMPORT_DIR}/reports/{job.pk}-{uuid.uuid4().hex[:8]}.xlsx"
        exporters.import_error_report_write(job=job, errors=result.errors, target=_media(relative))
        job.report_path = relative


def talent_import_file(*, actor, path: str, partial: bool = False, progress: Callable | None = None,
                       filename: str | None = None) -> tuple[ImportJob, ImportResult | None]:
    """The command-line import: the file is read where it is (no copy), as a job without a background task."""
    if not permissions.can_import_talents(actor):
        raise PermissionDenied("您无权导入人才信息。")
    source = Path(path)
    if not source.is_file():
        raise ApplicationError(f"找不到文件:{path}", code="not_found")
    job = ImportJob.objects.create(created_by=actor if getattr(actor, "is_authenticated", False) else None,
                                   filename=filename or source.name, stored_path=str(source.resolve()), partial=partial)
    result = import_job_run(job_id=job.pk, progress=progress)
    job.refresh_from_db()
    return job, result


# ---------------------------------------------------------------- single records

EDITABLE_FIELDS = {"name", "sex", "birth_date", "education", "degree", "school", "major", "title", "skill_level",
                   "employer_name", "employer_uscc", "region", "industry_code", "introduction_mode", "introduced_on",
                   "annual_salary", "honours", "tier", "tier_label", "tags", "mobile"}


def _snapshot(talent: Talent) -> dict:
    return {f: selectors._plain(getattr(talent, f)) for f in PLAIN_FIELDS}


@transaction.atomic
def talent_update(*, actor, talent: Talent, **fields) -> Talent:
    """Change one talent's record; the previous version goes to history and the change to the audit log
    (personal fields only as "changed")."""
    talent = Talent.objects.select_for_update().select_related("region").get(pk=talent.pk)
    if not permissions.can_edit_talent(actor, talent):
        raise PermissionDenied("您无权修改该人才的信息。")
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(f"不能修改字段:{'、'.join(sorted(unknown))}", code="invalid_field")
    if "region" in fields and not permissions.can_edit_talent(actor, Talent(region=fields["region"])):
        raise PermissionDenied("不能把人才调整到您管辖范围以外的区县。")
    before = _snapshot(talent)
    changes: dict = {}
    if "mobile" in fields:
        mobile = fields.pop("mobile") or ""
        if mobile:
            try:
                mobile = parse_mobile(mobile)
            except CellError as exc:
                raise ApplicationError(f"手机号:{exc.message}", code="invalid_talent") from None
        new_hash = crypto.keyed_hash(mobile) if mobile else ""
        if new_hash != talent.mobile_hash:
            values = crypto.decrypt_pii(talent.pii)
            values["mobile"] = mobile
            values = {k: v for k, v in values.items() if v}
            talent.pii, talent.pii_key = crypto.encrypt_pii(values), crypto.primary_key_id()
            talent.mobile_hash, talent.mobile_masked = new_hash, Talent.mask("mobile", mobile) if mobile else ""
            changes["mobile"] = {"changed": True}
    for key, value in fields.items():
        setattr(talent, key, value)
    if "title" in fields:
        talent.title_level = title_level_for(talent.title)
    talent.industry_division = (talent.industry_code or "")[:3]
    try:
        talent.full_clean(exclude=["id_hash", "pii", "pii_key", "id_masked", "created_at", "updated_at"])
    except Exception as exc:
        raise ApplicationError(f"人才信息有误:{exc}", code="invalid_talent") from None
    after = _snapshot(talent)
    changes.update(diff_for_audit(before, after))
    if not changes:
        return talent
    now = timezone.now()
    talent.updated_at, talent.version = now, talent.version + 1
    talent.save()
    TalentHistory.objects.create(talent=talent, changed_at=now, actor=actor if getattr(actor, "is_authenticated", False) else None,
                                 actor_name=_actor_name(actor), source="edit", changes=changes, snapshot=before)
    audit_record(actor=actor, action="talents.talent.update", obj=talent,
                 changes={k: ({"changed": True} if k in SENSITIVE_FIELDS else v) for k, v in changes.items()})
    return talent


def talent_unmask(*, actor, talent: Talent, field: str) -> str:
    """The full ID number or mobile, for an actor allowed to see it; writes "talents.talent.unmask" with the
    field name (never the value)."""
    if field not in SENSITIVE_FIELDS:
        raise ApplicationError("只能查看证件号或手机号。", code="invalid_field")
    talent = selectors.talent_get(actor=actor, pk=talent.pk)
    if not permissions.can_unmask(actor):
        raise PermissionDenied("您无权查看完整的证件号和手机号。")
    values = crypto.decrypt_pii(talent.pii)
    audit_record(actor=actor, action="talents.talent.unmask", obj=talent, extra={"field": field})
    return values.get("id" if field == "id_number" else "mobile", "")


def talent_keys_rotate(*, actor=None, batch_size: int = 2000, progress: Callable | None = None) -> int:
    """Re-encrypt every record not yet under the newest RENCAI_FIELD_KEY, in committed batches (resumable;
    a rerun continues where it stopped). Keyed hashes do not depend on these keys and are untouched."""
    if actor is not None and not (getattr(actor, "is_superuser", False)):
        raise PermissionDenied("只有系统管理员可以轮换加密密钥。")
    key_id = crypto.primary_key_id()
    total = Talent.objects.exclude(pii_key=key_id).count()
    done, last_id = 0, 0
    while True:
        with transaction.atomic():
            batch = list(Talent.objects.filter(pk__gt=last_id).exclude(pii_key=key_id).order_by("pk")
                         .values_list("pk", "pii")[:batch_size])
            if not batch:
                break
            for pk, token in batch:
                Talent.objects.filter(pk=pk).update(pii=crypto.rotate_token(token), pii_key=key_id)
            last_id = batch[-1][0]
        done += len(batch)
        if progress is not None:
            progress(done, total)
    audit_record(actor=actor, actor_name=None if actor else "rencai talent_rotate_keys",
                 action="talents.talent.rotate_keys", object_type="talents.talent", extra={"rows": done, "key": key_id})
    return done
