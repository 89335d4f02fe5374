"""Reading uploaded spreadsheets safely: size and zip-bomb bounds, encoding detection, streaming rows.

Row numbers are the ones a clerk sees in Excel/WPS: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from .exceptions import ApplicationError

MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024 * 1024  # 2 GiB of XML is already a million-row sheet
MAX_COMPRESSION_RATIO = 200  # real xlsx compress 5-20x; bombs compress 1000x and more
MAX_COLUMNS = 200


class SpreadsheetError(ApplicationError):
    code = "bad_spreadsheet"


@dataclass
class Sheet:
    header: list[str]
    rows: Iterator[tuple[int, list]]  # (excel row number, values)
    warnings: list[str]


def detect_text_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start >= len(sample) - 3:
            return "utf-8"
    try:
        sample.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise SpreadsheetError("无法识别文件编码:请另存为 UTF-8 或 GB18030 编码的 CSV,或使用 .xlsx 格式。") from None


def check_zip(data_or_file, *, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES) -> None:
    """Refuse zip bombs before anything is decompressed."""
    try:
        with zipfile.ZipFile(data_or_file) as zf:
            total = compressed = 0
            for info in zf.infolist():
                total += info.file_size
                compressed += info.compress_size
                if info.file_size > 0 and info.compress_size > 0 and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO and info.file_size > 10 * 1024 * 1024:
                    raise SpreadsheetError(
                        f"文件内“{info.filename}”解压后 {info.file_size // (1024 * 1024)} MB,压缩比异常,疑似压缩炸弹,已拒绝。"
                    )
            if total > max_uncompressed:
                raise SpreadsheetError(f"文件解压后超过 {max_uncompressed // (1024 * 1024)} MB,已拒绝。")
    except zipfile.BadZipFile:
        raise SpreadsheetError("文件不是有效的 .xlsx(Excel 2007 及以上)格式,可能已损坏。") from None


def _clean_header(values) -> list[str]:
    return ["" if v is None else str(v).strip().replace("\n", "").replace(" ", "").replace("\u3000", "") for v in values]


def read_csv(stream) -> Sheet:
    """`stream` is a binary file object."""
    sample = stream.read(64 * 1024)
    stream.seek(0)
    encoding = detect_text_encoding(sample)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="", errors="strict")
    csv.field_size_limit(1024 * 1024)
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise SpreadsheetError("文件是空的:没有表头行。") from None
    except UnicodeDecodeError:
        raise SpreadsheetError("第 1 行含有无法识别的字符,请检查文件编码。") from None
    if len(header) > MAX_COLUMNS:
        raise SpreadsheetError(f"表头有 {len(header)} 列,超过上限 {MAX_COLUMNS} 列,请检查文件。")

    def rows():
        number = 1
        try:
            for values in reader:
                number += 1
                yield number, values[:MAX_COLUMNS]
        except UnicodeDecodeError:
            raise SpreadsheetError(f"第 {number + 1} 行含有无法识别的字符,请检查文件编码。") from None
        except csv.Error as exc:
            raise SpreadsheetError(f"第 {number + 1} 行 CSV 格式错误:{exc}") from None

    return Sheet(header=_clean_header(header), rows=rows(), warnings=[])


def read_xlsx(stream) -> Sheet:
    """Streams the first visible sheet with openpyxl's read-only mode (bounded memory)."""
    from openpyxl import load_workbook

    check_zip(stream)
    stream.seek(0)
    try:
        wb = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise SpreadsheetError(f"无法打开 Excel 文件:{type(exc).__name__}。请用 Excel/WPS 重新另存为 .xlsx 后再试。") from None
    warnings = []
    visible = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if not visible:
        raise SpreadsheetError("文件中没有可见的工作表。")
    hidden = [ws.title for ws in wb.worksheets if ws not in visible]
    if hidden:
        warnings.append(f"已忽略隐藏工作表:{'、'.join(hidden)}")
    ws = visible[0]
    if len(wb.worksheets) > 1:
        warnings.append(f"只读取第一个可见工作表“{ws.title}”。")
    max_col = ws.max_column or 0
    if max_col > MAX_COLUMNS * 5:
        raise SpreadsheetError(f"工作表声明有 {max_col} 列,超过上限,请删除多余的列后再试。")
    it = ws.iter_rows(values_only=True, max_col=min(max_col, MAX_COLUMNS) if max_col else None)
    try:
        header = next(it)
    except StopIteration:
        raise SpreadsheetError("文件是空的:没有表头行。") from None

    def rows():
        for number, values in enumerate(it, start=2):
            yield number, list(values)
        wb.close()

    return Sheet(header=_clean_header(header), rows=rows(), warnings=warnings)


def open_sheet(stream, filename: str) -> Sheet:
    name = (filename or "").lower()
    if name.endswith(".csv") or name.endswith(".txt"):
        return read_csv(stream)
    if name.endswith(".xlsx") or name.endswith(".xlsm"):
        return read_xlsx(stream)
    if name.endswith(".xls"):
        raise SpreadsheetError("不支持旧版 .xls 格式,请在 Excel/WPS 中另存为 .xlsx 后上传。")
    raise SpreadsheetError("只支持 .xlsx 和 .csv 文件。")
