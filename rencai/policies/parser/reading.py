"""Reading uploaded documents to text: .txt (UTF-8, BOM, GB18030/GBK), .docx, .pdf (text layer), .html."""

from __future__ import annotations

import codecs
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from .errors import ParseError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_RATIO = 100


@dataclass
class ReadResult:
    text: str
    warnings: list[str] = field(default_factory=list)
    format: str = "txt"


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), []
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise ParseError("无法识别文件编码,可能不是文本文件。请另存为 UTF-8 或 GB18030 编码的文本后再上传。", code="encoding")
    return data.decode(best.encoding, errors="replace"), [f"文件编码按 {best.encoding} 识别,个别字符可能无法显示。"]


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def _check_zip(data: bytes, name: str) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ParseError(f"“{name}”不是有效的 Word(.docx)文件,可能已损坏或是旧版 .doc 格式(请另存为 .docx)。", code="bad_docx") from None
    total = sum(i.file_size for i in zf.infolist())
    packed = sum(i.compress_size for i in zf.infolist()) or 1
    if total > MAX_UNZIPPED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise ParseError(f"“{name}”解压后约 {total // (1024 * 1024)} MB,压缩比异常,疑似压缩炸弹,已拒绝。", code="zip_bomb")
    return zf


def _docx(data: bytes, name: str) -> str:
    _check_zip(data, name)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:
        raise ParseError(f"无法读取 Word 文件“{name}”,请确认文件未加密、未损坏。", code="bad_docx") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:  # 任务分工表: one row per task, cells joined
        for row in table.rows:
            lines.append(" ".join(cell.text.strip() for cell in row.cells if cell.text.strip()))
    return "\n".join(lines)


def _pdf(data: bytes, name: str) -> tuple[str, list[str]]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ParseError(f"PDF 文件“{name}”已加密,请提供未加密的版本。", code="encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ParseError:
        raise
    except Exception:
        raise ParseError(f"无法读取 PDF 文件“{name}”,文件可能已损坏。", code="bad_pdf") from None
    text = "\n".join(pages)
    if not text.strip():
        raise ParseError(f"PDF 文件“{name}”没有文字层(可能是扫描件),请提供可复制文字的 PDF 或 Word 版本。", code="no_text")
    return text, []


def _html(data: bytes) -> tuple[str, list[str]]:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    raw, warnings = _decode(data)
    tree = HTMLParser(raw)
    for tag in tree.css("script, style, nav, header, footer, noscript, iframe"):
        tag.decompose()
    body = tree.body or tree.root
    text = body.text(separator="\n") if body else ""
    return text, warnings


def read_document(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """Bytes of an upload to text. Every refusal is a ParseError with a Chinese message."""
    name = PurePath(filename or "document.txt").name
    if data is None or len(data) == 0:
        raise ParseError(f"文件“{name}”是空的。", code="empty")
    if len(data) > max_bytes:
        raise ParseError(f"文件“{name}”大小 {len(data) / 1048576:.1f} MB,超过上限 {max_bytes / 1048576:.0f} MB。",
                         code="too_large")
    suffix = PurePath(name).suffix.lower()
    if suffix == ".docx" or (suffix == "" and data[:2] == b"PK"):
        return ReadResult(_docx(data, name), [], "docx")
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        text, warnings = _pdf(data, name)
        return ReadResult(text, warnings, "pdf")
    if suffix in (".html", ".htm") or data[:200].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        text, warnings = _html(data)
        return ReadResult(text, warnings, "html")
    if suffix == ".doc":
        raise ParseError("不支持旧版 Word(.doc)格式,请另存为 .docx 后上传。", code="unsupported")
    if suffix not in ("", ".txt", ".text", ".md"):
        raise ParseError(f"不支持的文件类型“{suffix}”:请上传 .txt、.docx、.pdf 或 .html 文件。", code="unsupported")
    if _looks_binary(data):
        raise ParseError(f"文件“{name}”看起来不是文本文件(含有大量二进制内容)。", code="binary")
    text, warnings = _decode(data)
    return ReadResult(text, warnings, "txt")
