"""Exports of the registry (masked by default, formula-injection safe, audited) and the import error report."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from rencai.audit.services import audit_record
from rencai.core.excel import safe_cell
from rencai.core.exceptions import PermissionDenied

from . import crypto, permissions, selectors
from .constants import COLUMNS, REPORT_COLUMNS, normalise_header
from .importers import RowError, open_source
from .models import Talent

BATCH = 2000
EXPORT_COLUMNS = COLUMNS + ["标签"]
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006")
HEADER_FONT = Font(bold=True)


def _row(t: Talent, regions: dict[int, str], full: dict | None) -> list:
    return [
        t.name,
        full.get("id", "") if full is not None else t.id_masked,
        t.get_sex_display() if t.sex else "",
        t.birth_date.isoformat() if t.birth_date else "",
        (full.get("mobile", "") if full is not None else t.mobile_masked),
        t.get_education_display() if t.education else "",
        t.get_degree_display() if t.degree else "",
        t.school, t.major, t.title, t.skill_level, t.employer_name, t.employer_uscc,
        regions.get(t.region_id, ""),
        t.industry_code,
        t.get_introduction_mode_display() if t.introduction_mode else "",
        t.introduced_on.isoformat() if t.introduced_on else "",
        "" if t.annual_salary is None else format(t.annual_salary.normalize(), "f"),
        t.honours,
        t.tier_label or (f"{t.tier}类" if t.tier else ""),
        t.tags,
    ]


def _iter_rows(qs, *, unmasked: bool) -> Iterator[list]:
    """Keyset batches over the (already filtered and scoped) queryset: bounded memory at any size."""
    from rencai.orgs.models import OrgUnit

    regions = dict(OrgUnit.objects.values_list("pk", "name"))
    fields = ["id", "name", "sex", "birth_date", "id_masked", "mobile_masked", "education", "degree", "school",
              "major", "title", "skill_level", "employer_name", "employer_uscc", "region_id", "industry_code",
              "introduction_mode", "introduced_on", "annual_salary", "honours", "tier", "tier_label", "tags"]
    if unmasked:
        fields.append("pii")
    base = qs.order_by("-id").only(*fields)
    last = None
    while True:
        batch = list((base.filter(pk__lt=last) if last else base)[:BATCH])
        if not batch:
            return
        for t in batch:
            yield [safe_cell(v) for v in _row(t, regions, crypto.decrypt_pii(t.pii) if unmasked else None)]
        last = batch[-1].pk


def talents_export(*, actor, filters: dict | None = None, fmt: str = "xlsx", unmasked: bool = False):
    """An iterator of bytes (CSV, UTF-8 with BOM for Excel) or the bytes of an .xlsx, plus the audit entry.

    Masked by default; `unmasked` needs the unmask permission and writes "talents.talent.unmask" as well."""
    if not permissions.can_view_talents(actor):
        raise PermissionDenied("您无权导出人才信息。")
    if unmasked and not permissions.can_unmask(actor):
        raise PermissionDenied("您无权导出完整的证件号和手机号。")
    qs = selectors.talent_list(actor=actor, filters=filters)
    count = qs.order_by().count()
    clean_filters = {k: str(v) for k, v in (filters or {}).items() if v not in (None, "") and k != "q"}
    if (filters or {}).get("q"):
        clean_filters["q"] = "(已填写)"  # a search term may itself be an ID number: never logged
    audit_record(actor=actor, action="talents.talent.export", object_type="talents.talent",
                 extra={"rows": count, "format": fmt, "unmasked": unmasked, "filters": clean_filters})
    if unmasked:
        audit_record(actor=actor, action="talents.talent.unmask", object_type="talents.talent",
                     extra={"field": "id_number,mobile", "rows": count, "via": "export"})
    rows = _iter_rows(qs, unmasked=unmasked)
    if fmt == "csv":
        return _csv_stream(rows)
    return _xlsx_bytes(rows)


def _csv_stream(rows) -> Iterator[bytes]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(EXPORT_COLUMNS)
    yield ("\ufeff" + buf.getvalue()).encode("utf-8")
    buf.seek(0)
    buf.truncate()
    for i, row in enumerate(rows, start=1):
        writer.writerow(row)
        if i % 1000 == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def _xlsx_bytes(rows) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("人才信息")
    ws.freeze_panes = "A2"
    for i, width in enumerate([10, 22, 6, 12, 14, 12, 8, 20, 16, 14, 14, 28, 20, 12, 10, 10, 12, 10, 24, 12, 16]):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.append([_header_cell(ws, h) for h in EXPORT_COLUMNS])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _header_cell(ws, value):
    cell = WriteOnlyCell(ws, value=value)
    cell.font = HEADER_FONT
    return cell


# ---------------------------------------------------------------- import error report

FULL_REPORT_MAX_ROWS = 50_000


def import_error_report_write(*, job, errors: list[RowError], target: Path) -> None:
    """An .xlsx the clerk can fix and upload again: the file's rows with every bad cell filled red and explained
    in a comment, and an "错误说明" column. Files up to 50,000 rows are copied whole (fix and re-upload the
    report); larger ones list only the bad rows, with their original row numbers."""
    by_row: dict[int, list[RowError]] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(e)
    source = Path(job.stored_path)
    if not source.is_absolute():
        source = Path(settings.MEDIA_ROOT) / source
    with open(source, "rb") as stream:
        sheet = open_source(stream, job.filename)
        header = [h for h in sheet.header if h not in REPORT_COLUMNS]
        keep = [i for i, h in enumerate(sheet.header) if h not in REPORT_COLUMNS]
        names = [normalise_header(h) for h in header]
        col_of = {n: i for i, n in enumerate(names)}
        whole = (sheet.total_estimate or 0) <= FULL_REPORT_MAX_ROWS
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("错误数据" if not whole else "人才信息(已标出错误)")
        ws.freeze_panes = "A2"
        lead = [] if whole else ["原行号"]
        ws.append([_header_cell(ws, h) for h in lead + header + ["错误说明"]])
        text_cols = {col_of[c] for c in ("身份证号", "手机号", "统一社会信用代码") if c in col_of}
        for number, values in sheet.rows:
            row_errors = by_row.get(number)
            if not whole and not row_errors:
                continue
            values = [values[i] if i < len(values) else None for i in keep]
            if whole and not row_errors and not any(v not in (None, "") for v in values):
                continue
            bad = {}
            for e in row_errors or []:
                bad.setdefault(col_of.get(e.column, -1), []).append(e.message)
            cells = [WriteOnlyCell(ws, value=number)] if not whole else []
            for i, value in enumerate(values):
                # openpyxl would store a text starting with "=" as a live formula: quote it, keep the rest as typed
                if isinstance(value, str) and value.startswith(("=", "@")):
                    value = safe_cell(value)
                cell = WriteOnlyCell(ws, value=value)
                if i in text_cols:
                    cell.number_format = "@"
                if i in bad:
                    cell.fill, cell.font = BAD_FILL, BAD_FONT
                    cell.comment = Comment(";".join(bad[i])[:500], "rencai")
                cells.append(cell)
            note = ";".join(f"【{e.column}】{e.message}" for e in row_errors or [])
            note_cell = WriteOnlyCell(ws, value=note)
            if note:
                note_cell.font = BAD_FONT
            cells.append(note_cell)
            ws.append(cells)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    target.chmod(0o600)
