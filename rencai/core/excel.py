"""Excel/CSV helpers shared by importers and exporters."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value):
    """Neutralise spreadsheet formula injection (CSV/Excel injection): text starting with =,+,-,@ gets a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def column_letter(index_zero_based: int) -> str:
    return get_column_letter(index_zero_based + 1)


def build_workbook(
    *,
    title: str,
    headers: list[str],
    rows: Iterable[Iterable],
    widths: list[int] | None = None,
    group_headers: list[tuple[str, int]] | None = None,
) -> bytes:
    """A sheet that opens cleanly in WPS/Excel: optional merged group header, bold frozen header, widths."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31]
    header_row = 1
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    if group_headers:
        col = 1
        for label, span in group_headers:
            ws.cell(row=1, column=col, value=safe_cell(label)).font = bold
            ws.cell(row=1, column=col).alignment = Alignment(horizontal="center")
            if span > 1:
                ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + span - 1)
            col += span
        header_row = 2
    for i, h in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=i, value=safe_cell(h))
        cell.font = bold
        cell.fill = fill
    for r, row in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=safe_cell(value))
    for i, h in enumerate(headers):
        width = widths[i] if widths and i < len(widths) else max(10, min(40, len(str(h)) * 2 + 4))
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
