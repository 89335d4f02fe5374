"""Evidence files (申请材料、报送附件): typed by content, bounded, stored once by their SHA-256 outside the web root."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .exceptions import ApplicationError

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

_SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
]


def sniff_evidence(head: bytes, name: str) -> tuple[str, str]:
    """Type by content, not by name: PDF, PNG, JPEG or Excel (.xlsx). Anything else is refused."""
    for magic, content_type, ext in _SIGNATURES:
        if head.startswith(magic):
            if ext == ".xlsx" and not name.lower().endswith((".xlsx", ".xlsm")):
                break
            return content_type, ext
    raise ApplicationError(f"附件“{name}”不是 PDF、图片(PNG/JPEG)或 Excel(.xlsx)文件,已拒绝。", code="bad_attachment")


@dataclass(frozen=True)
class StoredFile:
    path: str
    content_type: str
    size: int
    sha256: str


def store_evidence(upload, *, folder: str, max_bytes: int = MAX_EVIDENCE_BYTES) -> StoredFile:
    """Check size and type (and zip bombs for .xlsx), then keep the bytes under MEDIA_ROOT/<folder>/<sha256>."""
    if upload.size > max_bytes:
        raise ApplicationError(f"附件“{upload.name}”大小 {upload.size / 1048576:.1f} MB,超过上限 "
                               f"{max_bytes // 1048576} MB。", code="attachment_too_large")
    data = upload.read()
    content_type, ext = sniff_evidence(data[:16], upload.name)
    if ext == ".xlsx":
        from .spreadsheets import check_zip

        check_zip(io.BytesIO(data), max_uncompressed=100 * 1024 * 1024)
    digest = hashlib.sha256(data).hexdigest()
    target = Path(settings.MEDIA_ROOT) / folder / digest[:2]
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{digest}{ext}"
    if not path.exists():
        path.write_bytes(data)
    return StoredFile(path=str(path), content_type=content_type, size=len(data), sha256=digest)
