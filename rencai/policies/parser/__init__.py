"""Policy document parser: pure functions, no Django. See docs/parser.md for the rules.

    read_document(data, filename) -> ReadResult(text, warnings, format)
    clean_text(text) -> CleanResult(text, warnings)
    parse_document(text) -> dict in the `rencai parse --json` contract shape
"""

from .cleaning import CleanResult, clean_text
from .errors import ParseError
from .reading import ReadResult, read_document
from .structure import build

__all__ = ["CleanResult", "ParseError", "ReadResult", "clean_text", "parse_document", "read_document"]

MAX_CHARS = 30_000_000


def parse_document(text: str) -> dict:
    """Parse already-read text (cleaned here) into the contract JSON shape."""
    if text is None or not text.strip():
        raise ParseError("文件内容为空,没有可解析的文字。", code="empty")
    if len(text) > MAX_CHARS:
        raise ParseError(f"文本过长({len(text)} 字),超过上限 {MAX_CHARS} 字。", code="too_large")
    cleaned = clean_text(text)
    if not cleaned.text.strip():
        raise ParseError("清理网页模板和乱码后没有剩余正文。", code="empty")
    result = build(cleaned.text)
    result.pop("task_level", None)
    if cleaned.warnings:
        result["warnings"] = cleaned.warnings
    return result
