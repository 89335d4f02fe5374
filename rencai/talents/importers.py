"""Bulk import of the talent template (人才信息导入模板) from .xlsx / .csv, streaming and set-based.

* Rows are read one at a time (openpyxl read-only / csv), validated in plain Python against pre-loaded districts,
  and written in chunks: one query fetches the existing records of a chunk by keyed hash, then executemany
  (SQLite) or COPY (PostgreSQL) inserts the new ones and executemany updates the changed ones. Memory is bounded
  by the chunk size, whatever the file size.
* The whole file is ONE transaction: all-or-nothing by default (any error rolls everything back), `partial` commits
  the good rows. A crash or kill -9 mid-way leaves the database as it was.
* Upsert by identity document (one person, one record). A non-empty cell overwrites, an empty cell keeps what the
  registry already has; every change writes a TalentHistory row (previous snapshot + diff, personal fields only
  marked as changed).
* Row numbers are the clerk's: header = row 1.
"""

from __future__ import annotations

import datetime as dt
import operator
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone
from stdnum.cn import ric

from rencai.audit.services import audit_record
from rencai.core.exceptions import ApplicationError
from rencai.core.masking import mask_id_number, mask_mobile
from rencai.core.scope import scope_for
from rencai.core.spreadsheets import MAX_COLUMNS, SpreadsheetError, check_zip, read_csv
from rencai.orgs.choices import REGION_KINDS
from rencai.orgs.models import OrgUnit, OrgUnitAlias

from . import crypto
from .choices import TitleLevel
from .constants import (
    COLUMNS,
    DEGREE_LABELS,
    EDUCATION_LABELS,
    EMPTY_MARKERS,
    MODE_LABELS,
    OPTIONAL_COLUMNS,
    REPORT_COLUMNS,
    REQUIRED_COLUMNS,
    SEX_LABELS,
    TIER_LABELS,
    normalise_header,
    title_level_for,
)
from .models import PLAIN_FIELDS, Talent, TalentHistory
from .validation import (
    CellError,
    _area_known,
    _birth_from_digits,
    parse_date,
    parse_decimal,
    parse_id_number,
    parse_industry,
    parse_mobile,
    parse_uscc,
    text,
)

CHUNK_SIZE = 2000
MAX_KEPT_ERRORS = 100_000
MAX_SALARY = Decimal("10000")
MIN_AGE_YEARS = 16
TEXT_LIMITS = {"姓名": 50, "毕业院校": 100, "专业": 100, "职称": 50, "职业资格/技能等级": 50, "工作单位": 100,
               "荣誉/奖项": 2000, "标签": 200}
FORMULA_PREFIXES = ("=", "+", "@", "＝", "＋", "＠")


class TalentImportRejected(ApplicationError):
    """The file as a whole cannot be imported (wrong template, unreadable): nothing was read into the registry."""

    code = "import_rejected"


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        return f"第 {self.row} 行【{self.column}】{self.message}"


@dataclass
class ImportResult:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    good_rows: int = 0
    error_count: int = 0
    error_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    committed: bool = False
    partial: bool = False

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged if self.committed else 0

    def summary(self) -> str:
        if not self.committed:
            return (f"共 {self.total_rows} 行,发现 {self.error_count} 处错误(涉及 {self.error_rows} 行),"
                    f"按“全部成功才导入”的规则,未导入任何数据。")
        text_ = f"共 {self.total_rows} 行:新增 {self.created} 人,更新 {self.updated} 人,无变化 {self.unchanged} 人"
        if self.error_rows:
            text_ += f";{self.error_rows} 行有错误,未导入"
        return text_ + "。"


# ---------------------------------------------------------------- reading

@dataclass
class SourceSheet:
    header: list[str]
    rows: Iterator[tuple[int, list]]
    warnings: list[str]
    total_estimate: int | None = None
    all_text: bool = False  # every cell is a str (CSV)


def _count_lines(stream) -> int:
    lines = 0
    while True:
        block = stream.read(1 << 20)
        if not block:
            break
        lines += block.count(b"\n")
    stream.seek(0)
    return lines


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')


def _merged_ranges(archive: zipfile.ZipFile, member: str, limit: int = 10_000) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a sheet (openpyxl's read-only mode does not expose them); they sit after the cell data,
    so this scans the sheet XML once, in blocks, keeping only the small <mergeCell> elements."""
    from openpyxl.utils.cell import range_boundaries

    found: list[tuple[int, int, int, int]] = []
    tail = b""
    with archive.open(member) as fh:
        while len(found) < limit:
            block = fh.read(1 << 20)
            if not block:
                break
            data = tail + block
            cut = data.rfind(b"<")
            cut = cut if cut > len(data) - 200 else len(data)
            for m in _MERGE.finditer(data, 0, cut):
                found.append(range_boundaries(m.group(1).decode()))
            tail = data[cut:]
        for m in _MERGE.finditer(tail):
            found.append(range_boundaries(m.group(1).decode()))
    return found[:limit]


def _fill_merged(rows: Iterator[tuple[int, list]], merges, header: list[str], warnings: list[str]):
    """Give every cell of a merged range the range's value, as the clerk sees it on screen."""
    by_start: dict[int, list] = {}
    for min_col, min_row, max_col, max_row in merges:
        if max_row > 1:
            by_start.setdefault(max(min_row, 2), []).append([min_col, min_row, max_col, max_row, None])
            if max_row > min_row:
                column = header[min_col - 1] if min_col - 1 < len(header) else f"第 {min_col} 列"
                if len(warnings) < 50:
                    warnings.append(f"第 {min_row}–{max_row} 行“{column}”为合并单元格,已按合并的值逐行填充。")
    if not by_start:
        return rows
    return _filled(rows, by_start)


def _filled(rows, by_start):
    active: list = []
    for number, values in rows:
        active = [m for m in active if m[3] >= number] + by_start.pop(number, [])
        for m in active:
            min_col, min_row, max_col = m[0], m[1], m[2]
            if number == min_row:
                m[4] = values[min_col - 1] if min_col - 1 < len(values) else None
            for c in range(min_col - 1, max_col):
                while len(values) <= c:
                    values.append(None)
                if values[c] in (None, ""):
                    values[c] = m[4]
        yield number, values


def read_xlsx(stream) -> SourceSheet:
    """The first visible sheet, streamed; refuses zip bombs; hidden sheets ignored (with a warning)."""
    from openpyxl import load_workbook

    check_zip(stream)
    stream.seek(0)
    try:
        wb = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise SpreadsheetError(f"无法打开 Excel 文件:{type(exc).__name__}。请用 Excel/WPS 重新另存为 .xlsx 后再试。") from None
    warnings: list[str] = []
    visible = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if not visible:
        raise SpreadsheetError("文件中没有可见的工作表。")
    hidden = [ws.title for ws in wb.worksheets if ws not in visible]
    if hidden:
        warnings.append(f"已忽略隐藏工作表:{'、'.join(hidden)}。")
    ws = visible[0]
    if len(visible) > 1:
        warnings.append(f"只读取第一个可见工作表“{ws.title}”。")
    if not hasattr(ws, "_worksheet_path"):  # chartsheet
        raise SpreadsheetError("第一个可见工作表不是数据表。")
    declared_rows = ws.max_row if isinstance(ws.max_row, int) else None
    declared_cols = ws.max_column if isinstance(ws.max_column, int) else None
    if declared_cols and declared_cols > MAX_COLUMNS * 5:
        raise SpreadsheetError(f"工作表声明有 {declared_cols} 列,超过上限 {MAX_COLUMNS} 列,请删除多余的列后再试。")
    merges = _merged_ranges(wb._archive, ws._worksheet_path)
    # Never trust the declared size for reading: a wrong <dimension> would silently drop rows.
    ws.reset_dimensions()
    it = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    try:
        header_values = next(it)
    except StopIteration:
        raise SpreadsheetError("文件是空的:没有表头行。") from None
    header = _clean_header(header_values)
    while header and not header[-1]:
        header.pop()

    def rows():
        try:
            for number, values in enumerate(it, start=2):
                yield number, list(values)
        finally:
            wb.close()

    return SourceSheet(header=header, rows=_fill_merged(rows(), merges, header, warnings), warnings=warnings,
                       total_estimate=(declared_rows - 1) if declared_rows else None)


def _clean_header(values) -> list[str]:
    return ["" if v is None else re.sub(r"\s+", "", str(v)).replace("\u3000", "") for v in values]


def open_source(stream, filename: str) -> SourceSheet:
    name = (filename or "").lower()
    if name.endswith((".csv", ".txt")):
        total = _count_lines(stream)
        sheet = read_csv(stream)
        return SourceSheet(header=[h.lstrip("\ufeff") for h in sheet.header], rows=sheet.rows,
                           warnings=sheet.warnings, total_estimate=max(total - 1, 0), all_text=True)
    if name.endswith((".xlsx", ".xlsm")):
        return read_xlsx(stream)
    if name.endswith(".xls"):
        raise SpreadsheetError("不支持旧版 .xls 格式,请在 Excel/WPS 中另存为 .xlsx 后上传。")
    raise SpreadsheetError("只支持 .xlsx 和 .csv 文件。")


# ---------------------------------------------------------------- districts

class RegionResolver:
    """所属区县 -> OrgUnit (city / new area / district) by name, short name, alias or "城市+区县", within scope."""

    def __init__(self, actor):
        self.scope = scope_for(actor) if actor is not None else None
        units = list(OrgUnit.objects.filter(kind__in=[k.value for k in REGION_KINDS], is_active=True)
                     .only("id", "name", "short_name", "path", "parent_id", "kind"))
        by_id = {u.pk: u for u in units}
        self.names: dict[str, set[int]] = {}
        self.in_scope: set[int] = {u.pk for u in units if self._covers(u.path)}
        self.everything = self.scope is None or self.scope.everything
        for u in units:
            city = by_id.get(int(u.path.strip("/").split("/")[0]))
            names = {u.name, u.short_name} - {""}
            if city is not None and city.pk != u.pk:
                names |= {c + n for c in (city.name, city.short_name) if c for n in (u.name,)}
            for n in names:
                self.names.setdefault(n, set()).add(u.pk)
        for alias in OrgUnitAlias.objects.filter(unit_id__in=by_id).values_list("name", "unit_id"):
            self.names.setdefault(alias[0], set()).add(alias[1])
        self.units = by_id
        self._cache: dict[str, int | CellError] = {}

    def _covers(self, path: str) -> bool:
        return self.scope is None or self.scope.covers_path(path)

    def resolve(self, value: str) -> int:
        cached = self._cache.get(value)
        if cached is None:
            try:
                cached = self._resolve(value)
            except CellError as exc:
                cached = exc
            if len(self._cache) < 100_000:
                self._cache[value] = cached
        if cached.__class__ is CellError:
            raise cached
        return cached

    def _resolve(self, value: str) -> int:
        name = value.replace(" ", "")
        candidates = self.names.get(name)
        if not candidates:
            raise CellError(f"无法识别的区县“{value[:30]}”:请填写系统中的区县(市)名称,如“荷塘区”")
        visible = [pk for pk in candidates if pk in self.in_scope]
        if len(visible) == 1:
            return visible[0]
        if not visible:
            raise CellError(f"区县“{value[:30]}”不在您的管辖范围内")
        raise CellError(f"“{value[:30]}”在多个城市都有,请写成“城市+区县”,如“株洲市{value[:30]}”")


# ---------------------------------------------------------------- progress

class Progress:
    """Rate-limited progress reporting: `callback(processed, total_estimate)` at most every `interval` seconds."""

    def __init__(self, callback: Callable[[int, int | None], None] | None, interval: float = 0.5):
        self.callback, self.interval, self._last = callback, interval, 0.0

    def __call__(self, processed: int, total: int | None, *, force: bool = False) -> None:
        if self.callback is None:
            return
        now = time.monotonic()
        if force or now - self._last >= self.interval:
            self._last = now
            self.callback(processed, total)


# ---------------------------------------------------------------- the importer

class TalentImporter:
    """Validates and upserts talent rows; see the module docstring for the guarantees.

    Validation (plain Python, no database) and writing (one transaction) are separate steps. For large files the
    first runs in a forked child process that reads, validates, hashes and encrypts chunk k+1 while this process
    writes chunk k: two cores, and the child never touches the database. If this process dies, the child's next
    write to the pipe fails and it exits too.
    """

    PARALLEL_FROM_ROWS = 20_000

    def __init__(self, *, actor, job=None, partial: bool = False, progress: Callable | None = None,
                 chunk_size: int = CHUNK_SIZE, source: str = "import", parallel: bool | None = None):
        self.actor = actor
        self.job = job
        self.job_id = job.pk if job is not None else None
        self.partial = partial
        self.progress = Progress(progress)
        self.chunk_size = chunk_size
        self.source = source
        self.parallel = parallel
        self.result = ImportResult(partial=partial)
        self.error_hashes: dict[str, int] = {}
        self._rows_with_errors: set[int] = set()
        self.today = dt.date.today()
        day = min(self.today.day, 28) if self.today.month == 2 else self.today.day
        self.latest_birth = self.today.replace(year=self.today.year - MIN_AGE_YEARS, day=day)
        self.now = timezone.now()
        self.actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
        from rencai.audit.services import _actor_name

        self.actor_name = _actor_name(actor) if self.actor_id else "rencai import"

    # -- errors (counted here, in the writing process)
    def _error(self, row: int, column: str, message: str) -> None:
        self.result.error_count += 1
        if row not in self._rows_with_errors:
            self._rows_with_errors.add(row)
            self.result.error_rows += 1
        if len(self.result.errors) < MAX_KEPT_ERRORS:
            self.result.errors.append(RowError(row, column, message))

    # -- entry point
    def run(self, sheet: SourceSheet) -> ImportResult:
        self.result.warnings.extend(sheet.warnings)
        self._all_text = sheet.all_text
        self._map_header(sheet.header)
        self.regions = RegionResolver(self.actor)
        self.hash = crypto.hasher()
        self.encrypt = crypto.encryptor()
        self.key_id = crypto.primary_key_id()
        self._prepare_sql()
        self._fast_caches()
        total = sheet.total_estimate
        parallel = self.parallel if self.parallel is not None else (
            (total or 0) >= self.PARALLEL_FROM_ROWS and (os.cpu_count() or 1) >= 4)
        chunks = self._chunks_in_child(sheet.rows) if parallel and _can_fork() else self._chunks_here(sheet.rows)
        try:
            with transaction.atomic():
                self._tune_connection(bulk=True)
                deferred = self._defer_indexes(total)
                processed = 0
                for validated in chunks:
                    self._apply(validated)
                    processed = validated.last_number - 1
                    self.progress(processed, total)
                if deferred and not (self.result.error_count and not self.partial):
                    self._restore_indexes(deferred)
                if connection.vendor == "sqlite" and self.result.total_rows >= self.DEFER_INDEXES_FROM_ROWS:
                    with connection.cursor() as cur:  # fresh planner statistics (sampled: milliseconds)
                        cur.execute("PRAGMA analysis_limit = 400")
                        cur.execute(f"ANALYZE {connection.ops.quote_name(Talent._meta.db_table)}")
                self.progress(processed, processed, force=True)
                self._finish()
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
            self._tune_connection(bulk=False)
        if not self.result.committed:
            audit_record(actor=self.actor, action="talents.talent.import_rejected", object_type="talents.importjob",
                         object_id=self.job_id or "", object_repr=(self.job.filename if self.job else "")[:200],
                         extra=self._audit_extra())
        return self.result

    def _finish(self) -> None:
        r = self.result
        r.good_rows = r.total_rows - r.error_rows
        if r.total_rows == 0 and not r.error_count:
            raise TalentImportRejected("文件中没有数据行(第 2 行起为人员信息)。")
        r.errors.sort(key=lambda e: (e.row, self._column_order.get(e.column, 99)))
        if r.error_count and not self.partial:
            transaction.set_rollback(True)
            r.committed = False
        else:
            r.committed = True
            audit_record(actor=self.actor, action="talents.talent.import", object_type="talents.importjob",
                         object_id=self.job_id or "", object_repr=(self.job.filename if self.job else "")[:200],
                         extra=self._audit_extra())

    DEFER_INDEXES_FROM_ROWS = 50_000

    def _defer_indexes(self, total: int | None) -> list[str]:
        """On SQLite, a large file into a registry no bigger than it: drop the secondary indexes inside the import's
        transaction and build them again at the end (one sort each instead of a million random B-tree inserts).
        It is DDL inside the same transaction, so a rollback, a crash or kill -9 restores them with the data;
        readers keep seeing the committed table and its indexes meanwhile (WAL). The unique ID-hash index, which
        the import itself uses, is never dropped. PostgreSQL keeps its indexes (DROP INDEX would block readers)."""
        if connection.vendor != "sqlite" or (total or 0) < self.DEFER_INDEXES_FROM_ROWS:
            return []
        if Talent.objects.count() > total:
            return []
        with connection.cursor() as cur:
            cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                        [Talent._meta.db_table])
            indexes = cur.fetchall()
            for name, _ in indexes:
                cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return [sql for _, sql in indexes]

    def _restore_indexes(self, statements: list[str]) -> None:
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)

    def _tune_connection(self, *, bulk: bool) -> None:
        """SQLite's default page cache is 2 MB; a quarter of a GB keeps the indexes of a million rows in memory
        during the import (and is given back afterwards)."""
        if connection.vendor != "sqlite" or connection.connection is None:
            return
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {-262144 if bulk else -2000}")

    def _audit_extra(self) -> dict:
        r = self.result
        return {"rows": r.total_rows, "created": r.created if r.committed else 0,
                "updated": r.updated if r.committed else 0, "unchanged": r.unchanged if r.committed else 0,
                "errors": r.error_count, "error_rows": r.error_rows, "partial": self.partial}

    # -- header
    def _map_header(self, header: list[str]) -> None:
        names = [normalise_header(h) for h in header]
        if len([n for n in names if n]) == 0:
            raise TalentImportRejected("第 1 行没有表头。模板列为:" + "、".join(COLUMNS) + "。")
        seen: dict[str, int] = {}
        unknown = []
        for i, n in enumerate(names):
            if not n:
                continue
            if n in seen:
                raise TalentImportRejected(f"第 1 行表头“{n}”出现了两次(第 {seen[n] + 1} 列和第 {i + 1} 列)。")
            seen[n] = i
            if n not in COLUMNS and n not in OPTIONAL_COLUMNS and n not in REPORT_COLUMNS:
                unknown.append(n[:30])
        missing = [c for c in REQUIRED_COLUMNS if c not in seen]
        if missing:
            raise TalentImportRejected(
                f"表头缺少必填列:{'、'.join(missing)}(第 1 行)。模板列为:{'、'.join(COLUMNS)}。")
        if unknown:
            self.result.warnings.append(f"已忽略无法识别的列:{'、'.join(unknown[:20])}。")
        absent = [c for c in COLUMNS if c not in seen]
        if absent:
            self.result.warnings.append(f"文件没有这些列,已有记录的相应信息保持不变:{'、'.join(absent)}。")
        known = COLUMNS + OPTIONAL_COLUMNS
        # One C-level pick per row: each known column's position in the file, or the padding cell (always "")
        # appended after the file's last column when the file lacks that column.
        self._file_width = len(names)
        self._pick = operator.itemgetter(*[seen.get(name, len(names)) for name in known])
        self._column_order = {c: i for i, c in enumerate(known)}

    # -- validation: plain Python, no database (runs in the child process for large files)
    def _chunks_here(self, rows: Iterator[tuple[int, list]]) -> Iterator[ValidatedChunk]:
        rows = iter(rows)
        while True:
            chunk = list(islice(rows, self.chunk_size))
            if not chunk:
                return
            yield self._validate_chunk(chunk)

    def _chunks_in_child(self, rows: Iterator[tuple[int, list]]) -> Iterator[ValidatedChunk]:
        return _ChildValidator(self, rows)

    def _validate_chunk(self, chunk: list[tuple[int, list]]) -> ValidatedChunk:
        out = ValidatedChunk(last_number=chunk[-1][0])
        pick, file_width, empty, fast = self._pick, self._file_width, EMPTY_MARKERS, self._validate_fast
        all_text = self._all_text
        for number, values in chunk:
            n = len(values)
            if n <= file_width:
                values = values + [""] * (file_width + 1 - n)
            elif n > file_width + 1:
                values = values[:file_width] + [""]
            else:
                values[file_width] = ""
            if all_text:  # CSV: every cell is a string
                row = [None if v in empty else v for v in map(str.strip, pick(values))]
            else:
                row = [(None if (s := v.strip()) in empty else s) if v.__class__ is str else v for v in pick(values)]
            if all(v is None for v in row):
                if not any(v is not None and str(v).strip() for v in values):
                    continue  # an empty line
            out.rows += 1
            clean = fast(number, row)
            if clean is not None:
                out.cleaned.append(clean)
                continue
            errors: list[tuple[int, str, str]] = []
            clean = self._validate(number, row, errors)
            if errors:
                out.errors.extend(errors)
                if clean is not None:  # the ID itself was readable: later duplicates point here
                    out.error_hashes.append((clean, number))
            else:
                out.cleaned.append(clean)
        return out

    def _fast_caches(self) -> None:
        """Per-column caches of values already validated once in this file (successes only)."""
        self._c_region: dict[str, int] = {}
        self._c_date: dict[str, str] = {}
        self._c_uscc: dict[str, str] = {}
        self._c_industry: dict[str, str] = {}
        self._c_salary: dict[str, str] = {}
        self._c_title: dict[str, str] = {}
        self._c_text: set[str] = set()
        self._latest_birth_iso = self.latest_birth.isoformat()
        self._today_iso = self.today.isoformat()

    def _validate_fast(self, number: int, row: list):
        """The common case — every cell a string already seen valid in this file, or trivially valid — as one
        straight pass with dictionary lookups. Anything unusual returns None and goes through `_validate`, which
        is the reference and the only place errors are worded; the two must agree on every row they both accept
        (tests hold them to it)."""
        (name, idn, sex, birth, mobile, edu, degree, school, major, title, skill, employer, uscc, region, industry,
         mode, intro, salary, honours, tier, id_type, tags) = row
        if (id_type is not None or name is None or idn is None or region is None or idn.__class__ is not str
                or len(idn) != 18 or not idn[:17].isdigit() or name.__class__ is not str or len(name) > 50):
            return None
        if _HAS_DIGIT(name) or name[0] in FORMULA_PREFIXES:
            return None
        if ric.calc_check_digit(idn) != idn[17] or not _area_known(idn[:6]):
            return None
        birth_iso = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
        if birth_iso > self._latest_birth_iso or birth_iso < "1900-01-01" or _birth_from_digits(idn[6:14]) is None:
            return None
        male = idn[16] in "13579"
        if sex is not None and sex != ("男" if male else "女"):
            return None
        if birth is not None and birth != birth_iso:
            return None
        cache_text = self._c_text
        for value in (school, major, title, skill, employer, honours, tags):
            if value is not None and value not in cache_text:
                if value.__class__ is not str or value[0] in FORMULA_PREFIXES or len(value) > 50:  # min limit
                    return None
                if len(cache_text) < 200_000:
                    cache_text.add(value)
        if tags is not None and not _PLAIN_TAG.match(tags):
            return None
        edu_v = _EDU.get(edu) if edu is not None else ""
        degree_v = _DEGREE.get(degree) if degree is not None else ""
        mode_v = _MODE.get(mode) if mode is not None else ""
        tier_v = _TIER.get(tier) if tier is not None else None
        if edu_v is None or degree_v is None or mode_v is None or (tier is not None and tier_v is None):
            return None
        region_id = self._c_region.get(region)
        if region_id is None:
            try:
                region_id = self.regions.resolve(region)
            except CellError:
                return None
            self._c_region[region] = region_id
        uscc_v = ""
        if uscc is not None:
            uscc_v = self._c_uscc.get(uscc)
            if uscc_v is None:
                try:
                    uscc_v = parse_uscc(uscc)
                except CellError:
                    return None
                self._c_uscc[uscc] = uscc_v
        industry_v = ""
        if industry is not None:
            industry_v = self._c_industry.get(industry)
            if industry_v is None:
                try:
                    industry_v = parse_industry(industry)
                except CellError:
                    return None
                self._c_industry[industry] = industry_v
        intro_v = None
        if intro is not None:
            intro_v = self._c_date.get(intro)
            if intro_v is None:
                if intro.__class__ is not str:
                    return None
                try:
                    intro_v = parse_date(intro)[0].isoformat()
                except CellError:
                    return None
                self._c_date[intro] = intro_v
            if intro_v > self._today_iso or intro_v < "1949-10-01" or intro_v < birth_iso:
                return None
        salary_v = None
        if salary is not None:
            salary_v = self._c_salary.get(salary)
            if salary_v is None:
                if salary.__class__ is not str:
                    return None
                try:
                    salary_v = _canon(parse_decimal(salary, maximum=MAX_SALARY))
                except CellError:
                    return None
                self._c_salary[salary] = salary_v
        level = ""
        if title is not None:
            level = self._c_title.get(title)
            if level is None:
                level = self._c_title[title] = title_level_for(title).value
        if mobile is not None:
            if mobile.__class__ is not str or not _MOBILE_FAST.match(mobile):
                return None
            mobile_hash, mobile_masked = self.hash(mobile), mobile[:3] + "****" + mobile[-4:]
            pii = self.encrypt({"id": idn, "mobile": mobile}, validated=True)
        else:
            mobile_hash = mobile_masked = ""
            pii = self.encrypt({"id": idn}, validated=True)
        if self.is_postgres:  # typed values for COPY
            birth_db = _uncanon("birth_date", birth_iso)
            intro_db = _uncanon("introduced_on", intro_v)
            salary_db = _uncanon("annual_salary", salary_v)
        else:
            birth_db, intro_db, salary_db = birth_iso, intro_v, salary_v
        return (
            name, "resident", self.hash(idn), idn[:4] + "**********" + idn[-4:], mobile_hash, mobile_masked, pii,
            self.key_id, "M" if male else "F", birth_db, edu_v, degree_v, school or "", major or "", title or "",
            level, skill or "", employer or "", uscc_v, region_id, industry_v, mode_v, intro_db, salary_db,
            honours or "", tier_v, tier[:30] if tier_v else "", tags or "", self._now_db, self._now_db, self.actor_id,
            self.job_id, number, 1, industry_v[:3],
        )

    def _validate(self, number: int, row: list, errors: list):
        """One row (values in template order) -> a clean dict, or the ID hash (or None) when there are errors."""
        def err(column, message):
            errors.append((number, column, message))

        def plain(pos, column):
            v = row[pos]
            if v is None:
                return ""
            s = v if v.__class__ is str else _s(v)
            if s.startswith(FORMULA_PREFIXES):
                err(column, "内容以 = + @ 开头,疑似公式,请改为纯文本")
                return ""
            limit = TEXT_LIMITS.get(column, 100)
            if len(s) > limit:
                err(column, f"超过 {limit} 个字")
                return ""
            return s

        out: dict = {}
        name = plain(C_NAME, "姓名")
        if not name:
            if row[C_NAME] is None:
                err("姓名", "不能为空")
        elif any(ch.isdigit() for ch in name):
            err("姓名", "不能含有数字")
        out["name"] = name

        id_hash = None
        id_birth = None
        id_sex = ""
        raw_id = row[C_ID]
        if raw_id is None:
            err("身份证号", "不能为空")
        else:
            try:
                hint = row[C_ID_TYPE]
                id_type, id_number, id_birth, id_sex = parse_id_number(raw_id, _s(hint) if hint is not None else "")
            except CellError as exc:
                err("身份证号", exc.message)
            else:
                id_hash = self.hash(id_number)
                out["id_type"], out["id_number"], out["id_hash"] = id_type.value, id_number, id_hash
                out["id_masked"] = mask_id_number(id_number)

        v = row[C_SEX]
        sex = ""
        if v is not None:
            sex = SEX_LABELS.get(_s(v), "")
            if not sex:
                err("性别", "应为“男”或“女”")
            elif id_sex and sex != id_sex:
                err("性别", f"与身份证号不符(身份证号第 17 位表示{'男' if id_sex == 'M' else '女'})")
        out["sex"] = id_sex or sex

        v = row[C_BIRTH]
        birth = None
        if v is not None:
            try:
                birth, day_known = parse_date(v)
            except CellError as exc:
                err("出生日期", exc.message)
            else:
                if id_birth and (birth != id_birth if day_known
                                 else (birth.year, birth.month) != (id_birth.year, id_birth.month)):
                    err("出生日期", "与身份证号中的出生日期不一致")
        birth = id_birth or birth
        if birth is not None:
            if birth > self.latest_birth:
                err("身份证号" if id_birth else "出生日期", f"未满 {MIN_AGE_YEARS} 周岁,不能登记为人才")
            elif birth.year < 1900:
                err("出生日期", "早于 1900 年")
        out["birth_date"] = birth

        v = row[C_MOBILE]
        mobile = None
        if v is not None:
            try:
                mobile = parse_mobile(v)
            except CellError as exc:
                err("手机号", exc.message)

        for pos, column, labels, key, message in _LABELLED:
            v = row[pos]
            if v is None:
                out[key] = None
                continue
            label = _s(v)
            value = labels.get(label.upper() if key == "tier" and label.isascii() else label)
            if value is None:
                err(column, message)
            out[key] = value
            if key == "tier":
                out["tier_label"] = label[:30]

        out["school"] = plain(C_SCHOOL, "毕业院校")
        out["major"] = plain(C_MAJOR, "专业")
        title = plain(C_TITLE, "职称")
        out["title"] = title
        out["title_level"] = title_level_for(title).value if title else None
        out["skill_level"] = plain(C_SKILL, "职业资格/技能等级")
        out["employer_name"] = plain(C_EMPLOYER, "工作单位")
        v = row[C_USCC]
        out["employer_uscc"] = ""
        if v is not None:
            try:
                out["employer_uscc"] = parse_uscc(v)
            except CellError as exc:
                err("统一社会信用代码", exc.message)

        v = row[C_REGION]
        out["region_id"] = None
        if v is None:
            err("所属区县", "不能为空")
        else:
            try:
                out["region_id"] = self.regions.resolve(_s(v))
            except CellError as exc:
                err("所属区县", exc.message)

        v = row[C_INDUSTRY]
        out["industry_code"] = ""
        if v is not None:
            try:
                out["industry_code"] = parse_industry(v)
            except CellError as exc:
                err("所属行业", exc.message)

        v = row[C_INTRODUCED]
        out["introduced_on"] = None
        if v is not None:
            try:
                introduced, _ = parse_date(v)
            except CellError as exc:
                err("引进日期", exc.message)
            else:
                if introduced > self.today:
                    err("引进日期", "晚于今天")
                elif introduced < EARLIEST_INTRODUCTION:
                    err("引进日期", "早于 1949-10-01")
                elif birth is not None and introduced < birth:
                    err("引进日期", "早于出生日期")
                else:
                    out["introduced_on"] = introduced

        v = row[C_SALARY]
        out["annual_salary"] = None
        if v is not None:
            try:
                out["annual_salary"] = parse_decimal(v, maximum=MAX_SALARY)
            except CellError as exc:
                err("年薪(万元)", exc.message)

        out["honours"] = plain(C_HONOURS, "荣誉/奖项")
        tags = plain(C_TAGS, "标签")
        out["tags"] = "、".join(t for t in _TAG_SPLIT.split(tags) if t) if tags else ""

        if errors:
            return id_hash
        # Personal identifiers leave this function only encrypted, hashed and masked.
        if mobile:
            mobile_hash, mobile_masked = self.hash(mobile), mask_mobile(mobile)
            pii = self.encrypt({"id": out["id_number"], "mobile": mobile})
        else:
            mobile_hash = mobile_masked = ""
            pii = self.encrypt({"id": out["id_number"]})
        # The insert row itself (columns as in insert_columns), values already in the database's form:
        # it crosses the process boundary as plain strings and numbers, which pickle cheaply.
        db = self._db_value
        tier = out["tier"]
        return (
            name, out["id_type"], id_hash, out["id_masked"], mobile_hash, mobile_masked, pii, self.key_id,
            out["sex"], db(birth), out["education"] or "", out["degree"] or "", out["school"], out["major"], title,
            out["title_level"] or "", out["skill_level"], out["employer_name"], out["employer_uscc"],
            out["region_id"], out["industry_code"], out["introduction_mode"] or "", db(out["introduced_on"]),
            db(out["annual_salary"]), out["honours"], tier, out.get("tier_label", "") if tier else "", out["tags"],
            self._now_db, self._now_db, self.actor_id, self.job_id, number, 1, out["industry_code"][:3],
        )

    # -- writing: this process, one transaction
    def _apply(self, validated: ValidatedChunk) -> None:
        self.result.total_rows += validated.rows
        for row, column, message in validated.errors:
            self._error(row, column, message)
        for h, number in validated.error_hashes:
            if len(self.error_hashes) < MAX_KEPT_ERRORS:
                self.error_hashes.setdefault(h, number)
        cleaned = validated.cleaned
        if not cleaned:
            return
        if self.fresh:
            self._apply_fresh(cleaned)
            return
        existing = self._fetch_existing([t[I_HASH] for t in cleaned])
        seen: dict[str, int] = {}
        inserts, updates, touches, histories = [], [], [], []
        everything, in_scope = self.regions.everything, self.regions.in_scope
        for t in cleaned:
            h, number = t[I_HASH], t[I_ROW]
            earlier = seen.get(h) or self.error_hashes.get(h)
            ex = existing.get(h) if existing else None
            if earlier is None and ex is not None and self.job_id is not None and ex["import_job_id"] == self.job_id:
                earlier = ex["source_row"]
            if earlier is not None and earlier != number:
                self._error(number, "身份证号", f"与第 {earlier} 行是同一人(证件号重复),一人只能有一条记录")
                continue
            seen[h] = number
            if ex is None:
                inserts.append(t if t[I_TITLE_LEVEL] else t[:I_TITLE_LEVEL] + (TitleLevel.UNGRADED.value,) + t[I_TITLE_LEVEL + 1:])
                continue
            if not everything and ex["region_id"] not in in_scope:
                self._error(number, "身份证号", "此人已登记在您管辖范围以外的区县,不能由您修改,请联系市人才办")
                continue
            update = self._merge(number, t, ex)
            if update is None:
                touches.append((self.job_id, number, ex["id"]))
                self.result.unchanged += 1
            else:
                params, history = update
                updates.append(params)
                histories.append(history)
                self.result.updated += 1
        self._write(inserts, updates, touches, histories)
        self.result.created += len(inserts)

    def _apply_fresh(self, cleaned: list[tuple]) -> None:
        """The registry was empty when this (SQLite) import began, so every row is new: insert with
        ON CONFLICT DO NOTHING instead of looking each chunk up first. Only if a chunk inserted fewer rows than
        it had (the same person earlier in the file) are its rows looked up, to report which."""
        seen: dict[str, int] = {}
        inserts = []
        for t in cleaned:
            h, number = t[I_HASH], t[I_ROW]
            earlier = seen.get(h) or self.error_hashes.get(h)
            if earlier is not None:
                self._error(number, "身份证号", f"与第 {earlier} 行是同一人(证件号重复),一人只能有一条记录")
                continue
            seen[h] = number
            inserts.append(t if t[I_TITLE_LEVEL] else t[:I_TITLE_LEVEL] + (TitleLevel.UNGRADED.value,) + t[I_TITLE_LEVEL + 1:])
        with connection.cursor() as cur:
            cur.executemany(self.insert_ignore_sql, inserts)
            inserted = cur.rowcount
        if inserted < len(inserts):
            stored = dict(Talent.objects.filter(id_hash__in=[t[I_HASH] for t in inserts])
                          .values_list("id_hash", "source_row"))
            for t in inserts:
                if stored.get(t[I_HASH]) != t[I_ROW]:
                    self._error(t[I_ROW], "身份证号",
                                f"与第 {stored.get(t[I_HASH])} 行是同一人(证件号重复),一人只能有一条记录")
        self.result.created += inserted

    def _fetch_existing(self, hashes: list[str]) -> dict[str, dict]:
        fields = ("id", "id_hash", "mobile_hash", "pii", "version", "import_job_id", "source_row", *PLAIN_FIELDS)
        rows = Talent.objects.filter(id_hash__in=hashes).values(*fields)
        return {r["id_hash"]: {k: (_canon(v) if k in PLAIN_FIELDS else v) for k, v in r.items()} for r in rows}

    def _merge(self, number: int, t: tuple, ex: dict):
        """The updated record (non-empty cells win) and its history row, or None when nothing changed.
        Values are compared in their canonical text form (dates ISO, money with two decimals)."""
        new = {}
        for f, i in _PLAIN_INDEX:
            value = _canon(t[i])
            new[f] = ex[f] if value in (None, "") else value
        if not t[I_TITLE_LEVEL]:  # no title in the file: the level stays with the title it belongs to
            new["title_level"] = ex["title_level"]
        changes = {}
        for f in PLAIN_FIELDS:
            if new[f] != ex[f]:
                changes[f] = {"old": ex[f], "new": new[f]}
        mobile_hash, pii, mobile_masked, key_id = ex["mobile_hash"], ex["pii"], None, None
        if t[I_MOBILE_HASH] and t[I_MOBILE_HASH] != ex["mobile_hash"]:
            mobile_hash, mobile_masked, pii, key_id = t[I_MOBILE_HASH], t[I_MOBILE_MASKED], t[I_PII], self.key_id
            changes["mobile"] = {"changed": True}
        if not changes:
            return None
        params = [self._db_value(_uncanon(f, new[f])) for f in PLAIN_FIELDS] + [
            (new["industry_code"] or "")[:3], mobile_hash, pii, key_id, mobile_masked, self._now_db, self.job_id,
            number, ex["id"],
        ]
        history = TalentHistory(talent_id=ex["id"], changed_at=self.now, actor_id=self.actor_id,
                                actor_name=self.actor_name, source=self.source, import_job_id=self.job_id,
                                changes=changes, snapshot={f: ex[f] for f in PLAIN_FIELDS})
        return params, history

    # -- SQL
    def _prepare_sql(self) -> None:
        table = Talent._meta.db_table
        qn = connection.ops.quote_name
        self.insert_columns = _INSERT_COLUMNS
        cols = ", ".join(qn(c) for c in self.insert_columns)
        self.insert_sql = f"INSERT INTO {qn(table)} ({cols}) VALUES ({', '.join(['%s'] * len(self.insert_columns))})"
        self.copy_sql = f"COPY {qn(table)} ({cols}) FROM STDIN"
        self.insert_ignore_sql = self.insert_sql + f" ON CONFLICT ({qn('id_hash')}) DO NOTHING"
        sets = ", ".join(f"{qn(f)} = %s" for f in PLAIN_FIELDS)
        self.update_sql = (
            f"UPDATE {qn(table)} SET {sets}, {qn('industry_division')} = %s, {qn('mobile_hash')} = %s, {qn('pii')} = %s, "
            f"{qn('pii_key')} = COALESCE(%s, {qn('pii_key')}), {qn('mobile_masked')} = COALESCE(%s, {qn('mobile_masked')}), "
            f"{qn('updated_at')} = %s, {qn('import_job_id')} = %s, {qn('source_row')} = %s, "
            f"{qn('version')} = {qn('version')} + 1 WHERE {qn('id')} = %s"
        )
        self.touch_sql = f"UPDATE {qn(table)} SET {qn('import_job_id')} = %s, {qn('source_row')} = %s WHERE {qn('id')} = %s"
        self.is_postgres = connection.vendor == "postgresql"
        # SQLite and an empty registry: see _apply_fresh
        self.fresh = connection.vendor == "sqlite" and not Talent.objects.exists()
        self._now_db = self.now if self.is_postgres else connection.ops.adapt_datetimefield_value(self.now)
        # SQLite takes text for dates and decimals; PostgreSQL (COPY and executemany) gets the typed values.
        self._db_value = _typed if self.is_postgres else _canon

    def _write(self, inserts, updates, touches, histories) -> None:
        if inserts:
            if self.is_postgres:
                raw = connection.connection  # the psycopg connection, inside our transaction
                with raw.cursor() as cur, cur.copy(self.copy_sql) as copy:
                    for row in inserts:
                        copy.write_row(row)
            else:
                with connection.cursor() as cur:
                    cur.executemany(self.insert_sql, inserts)
        if updates or touches:
            with connection.cursor() as cur:
                if updates:
                    cur.executemany(self.update_sql, updates)
                if touches:
                    cur.executemany(self.touch_sql, touches)
        if histories:
            TalentHistory.objects.bulk_create(histories, batch_size=500)


@dataclass
class ValidatedChunk:
    last_number: int
    rows: int = 0
    cleaned: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    error_hashes: list = field(default_factory=list)


def _can_fork() -> bool:
    import multiprocessing

    # Measured on the 2-vCPU benchmark machine, the two processes slowed each other (shared caches) more than
    # they gained: the pipeline is used from 4 CPUs up, or when asked for (parallel=True).
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


class _ChildValidator:
    """Iterates ValidatedChunks produced by a forked child (reader + validator + encryptor).

    The pipe holds at most one chunk in flight, so memory stays bounded; the child closes its copy of the
    reading end, so if the parent is killed the child's next send raises BrokenPipeError and it exits."""

    def __init__(self, importer: TalentImporter, rows):
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self.recv, send = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_child_main, args=(importer, rows, send, self.recv), daemon=True)
        self.process.start()
        send.close()
        self.finished = False

    def __iter__(self):
        return self

    def __next__(self) -> ValidatedChunk:
        if self.finished:
            raise StopIteration
        try:
            kind, payload = self.recv.recv()
        except EOFError:
            self.finished = True
            raise RuntimeError("校验进程意外退出") from None
        if kind == "chunk":
            return payload
        self.finished = True
        if kind == "done":
            raise StopIteration
        if kind == "rejected":
            raise SpreadsheetError(payload)
        raise RuntimeError(f"校验进程出错:{payload}")

    def close(self) -> None:
        self.recv.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)


def _child_main(importer: TalentImporter, rows, send, recv) -> None:
    recv.close()
    try:
        try:
            for validated in importer._chunks_here(rows):
                send.send(("chunk", validated))
            send.send(("done", None))
        except SpreadsheetError as exc:
            send.send(("rejected", exc.message))
        except (BrokenPipeError, ConnectionResetError):
            pass
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
            send.send(("crash", f"{type(exc).__name__}: {exc}"[:500]))
    except (BrokenPipeError, ConnectionResetError, OSError):
        pass
    finally:
        os._exit(0)  # never run the parent's atexit handlers or close its database connection from here


# Template positions (COLUMNS + OPTIONAL_COLUMNS order)
_KNOWN = COLUMNS + OPTIONAL_COLUMNS
(C_NAME, C_ID, C_SEX, C_BIRTH, C_MOBILE, C_EDU, C_DEGREE, C_SCHOOL, C_MAJOR, C_TITLE, C_SKILL, C_EMPLOYER, C_USCC,
 C_REGION, C_INDUSTRY, C_MODE, C_INTRODUCED, C_SALARY, C_HONOURS, C_TIER, C_ID_TYPE, C_TAGS) = range(len(_KNOWN))
def _plain_values(labels: dict) -> dict:
    return {k: getattr(v, "value", v) for k, v in labels.items()}


_LABELLED = (
    (C_EDU, "学历", _plain_values(EDUCATION_LABELS), "education", "应为:博士研究生、硕士研究生、大学本科、大学专科、中专/高中及以下"),
    (C_DEGREE, "学位", _plain_values(DEGREE_LABELS), "degree", "应为:博士、硕士、学士、无"),
    (C_MODE, "引进方式(全职/柔性)", _plain_values(MODE_LABELS), "introduction_mode", "应为“全职”或“柔性”"),
    (C_TIER, "人才类别", _plain_values(TIER_LABELS), "tier", "应为 A–E 类或 顶尖人才、国家级领军人才、省级领军人才、市级领军人才、青年人才"),
)
_INSERT_COLUMNS = [
    "name", "id_type", "id_hash", "id_masked", "mobile_hash", "mobile_masked", "pii", "pii_key", "sex",
    "birth_date", "education", "degree", "school", "major", "title", "title_level", "skill_level",
    "employer_name", "employer_uscc", "region_id", "industry_code", "introduction_mode", "introduced_on",
    "annual_salary", "honours", "tier", "tier_label", "tags", "created_at", "updated_at", "created_by_id",
    "import_job_id", "source_row", "version", "industry_division",
]
I_HASH, I_MOBILE_HASH, I_MOBILE_MASKED, I_PII = (_INSERT_COLUMNS.index(c) for c in ("id_hash", "mobile_hash", "mobile_masked", "pii"))
I_TITLE_LEVEL, I_ROW = _INSERT_COLUMNS.index("title_level"), _INSERT_COLUMNS.index("source_row")
_PLAIN_INDEX = [(f, _INSERT_COLUMNS.index(f)) for f in PLAIN_FIELDS]
_EDU = _LABELLED[0][2]
_DEGREE = _LABELLED[1][2]
_MODE = _LABELLED[2][2]
_TIER = _LABELLED[3][2]
_MOBILE_FAST = re.compile(r"1[3-9]\d{9}\Z")
_PLAIN_TAG = re.compile(r"[^、,,;;\s]+(、[^、,,;;\s]+)*\Z")
_HAS_DIGIT = re.compile(r"\d").search
_TAG_SPLIT = re.compile(r"[、,,;;\s]+")


def _s(value) -> str:
    """Cells reaching validation are already stripped strings, or numbers/dates from Excel."""
    return value if value.__class__ is str else text(value)
EARLIEST_INTRODUCTION = dt.date(1949, 10, 1)


def _canon(value):
    """The canonical text form used for comparison, history and SQLite: dates ISO, money with two decimals."""
    if value.__class__ is dt.date:
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def _typed(value):
    return value


_DATE_FIELDS = {"birth_date", "introduced_on"}


def _uncanon(field: str, value):
    if value is None or value == "":
        return value
    if field in _DATE_FIELDS and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if field == "annual_salary" and isinstance(value, str):
        return Decimal(value)
    return value


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def talents_import_stream(*, actor, stream, filename: str, job=None, partial: bool = False,
                          progress: Callable | None = None) -> ImportResult:
    """Read and import one file; raises TalentImportRejected / SpreadsheetError for file-level problems."""
    try:
        sheet = open_source(stream, filename)
    except SpreadsheetError as exc:
        raise TalentImportRejected(exc.message) from None
    importer = TalentImporter(actor=actor, job=job, partial=partial, progress=progress)
    try:
        return importer.run(sheet)
    except SpreadsheetError as exc:
        raise TalentImportRejected(exc.message) from None


def iter_rows_as_dicts(rows: Iterable[dict]) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """Adapter for generated data (demo, benchmarks): template-named dicts -> a SourceSheet-like row stream."""
    header = list(COLUMNS) + ["标签"]

    def gen():
        for number, row in enumerate(rows, start=2):
            yield number, [row.get(c) for c in header]

    return header, gen()


def sheet_from_dicts(rows: Iterable[dict], total: int | None = None) -> SourceSheet:
    header, gen = iter_rows_as_dicts(rows)
    return SourceSheet(header=header, rows=gen, warnings=[], total_estimate=total)


__all__ = ["TalentImporter", "TalentImportRejected", "ImportResult", "RowError", "open_source", "talents_import_stream",
           "sheet_from_dicts"]
