"""Import the unit tree from Excel/CSV, all-or-nothing, with every bad row reported (row, column, reason)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from rencai.audit.services import audit_record
from rencai.core.exceptions import ApplicationError, PermissionDenied
from rencai.core.spreadsheets import open_sheet

from . import permissions, services
from .choices import UnitKind
from .models import OrgUnit

COLUMNS = ["机构编码", "机构全称", "简称", "类型", "上级机构编码", "别名", "排序"]
REQUIRED = ["机构编码", "机构全称", "类型"]
HEADER_ALIASES = {"编码": "机构编码", "代码": "机构编码", "机构名称": "机构全称", "名称": "机构全称", "全称": "机构全称",
                  "上级编码": "上级机构编码", "上级代码": "上级机构编码", "机构类型": "类型", "别名(多个用、分隔)": "别名"}
KIND_BY_LABEL = {str(label): value for value, label in UnitKind.choices} | {v: v for v in UnitKind.values} | {
    "区县": UnitKind.DISTRICT, "县": UnitKind.DISTRICT, "区": UnitKind.DISTRICT, "县级市": UnitKind.DISTRICT,
    "党委": UnitKind.PARTY, "政府": UnitKind.GOVERNMENT, "群团": UnitKind.PEOPLES_ORG, "园区": UnitKind.PARK,
}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class OrgImportError(ApplicationError):
    code = "import_failed"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def org_units_import(*, actor, stream, filename: str) -> ImportResult:
    """Upsert units by code. Parents may be earlier/later rows or existing units. Nothing is saved on any error."""
    sheet = open_sheet(stream, filename)
    header = [HEADER_ALIASES.get(h, h) for h in sheet.header]
    result = ImportResult(warnings=list(sheet.warnings))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise OrgImportError(f"表头缺少必填列:{'、'.join(missing)}(第 1 行)。模板列为:{'、'.join(COLUMNS)}。")
    idx = {name: header.index(name) for name in COLUMNS if name in header}
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for number, values in sheet.rows:
        get = lambda col: _text(values[idx[col]]) if col in idx and idx[col] < len(values) else ""  # noqa: E731
        if not any(_text(v) for v in values):
            continue
        row = {"row": number, **{col: get(col) for col in COLUMNS}}
        for col in REQUIRED:
            if not row[col]:
                result.errors.append(RowError(number, col, f"“{col}”不能为空"))
        kind = KIND_BY_LABEL.get(row["类型"])
        if row["类型"] and kind is None:
            result.errors.append(RowError(number, "类型", f"无法识别的类型“{row['类型']}”,可选:{'、'.join(str(lbl) for _, lbl in UnitKind.choices)}"))
        row["kind"] = kind
        if row["机构编码"] in seen:
            result.errors.append(RowError(number, "机构编码", f"编码“{row['机构编码']}”与第 {seen[row['机构编码']]} 行重复"))
        seen.setdefault(row["机构编码"], number)
        if row["排序"] and not row["排序"].isdigit():
            result.errors.append(RowError(number, "排序", "排序必须是非负整数"))
        rows.append(row)
    if not rows and not result.errors:
        raise OrgImportError("文件中没有数据行。")
    by_code = {r["机构编码"]: r for r in rows if r["机构编码"]}
    existing = {u.code: u for u in OrgUnit.objects.filter(code__in=set(by_code) | {r["上级机构编码"] for r in rows})}
    for r in rows:
        parent_code = r["上级机构编码"]
        if parent_code and parent_code not in by_code and parent_code not in existing:
            result.errors.append(RowError(r["row"], "上级机构编码", f"上级机构“{parent_code}”既不在文件中,也不在系统中"))
        if not parent_code and r["kind"] not in (UnitKind.CITY, UnitKind.NEW_AREA, None) and r["机构编码"] not in existing:
            result.errors.append(RowError(r["row"], "上级机构编码", "只有市或新区可以没有上级机构"))
    order = _topological(rows, result)
    if result.errors:
        result.errors.sort(key=lambda e: (e.row, e.column))
        return result
    with transaction.atomic():
        units = dict(existing)
        for r in order:
            parent = units.get(r["上级机构编码"]) if r["上级机构编码"] else None
            aliases = [a for a in r["别名"].replace(",", "、").replace(",", "、").split("、") if a.strip()]
            unit = units.get(r["机构编码"])
            try:
                if unit is None:
                    unit = services.org_unit_create(actor=actor, code=r["机构编码"], name=r["机构全称"], kind=r["kind"],
                                                    parent=parent, short_name=r["简称"], aliases=aliases,
                                                    sort_order=int(r["排序"] or 0), audit=False)
                    result.created += 1
                else:
                    services.org_unit_update(actor=actor, unit=unit, name=r["机构全称"], short_name=r["简称"],
                                             kind=r["kind"], parent=parent, sort_order=int(r["排序"] or unit.sort_order))
                    for alias in aliases:
                        services._alias_add(unit, alias)
                    result.updated += 1
            except PermissionDenied as exc:
                raise OrgImportError(f"第 {r['row']} 行:{exc.message}") from None
            except ApplicationError as exc:
                raise OrgImportError(f"第 {r['row']} 行:{exc.message}", extra={"row": r["row"]}) from None
            units[unit.code] = unit
        audit_record(actor=actor, action="orgs.unit.import", object_type="orgs.orgunit", object_repr=filename[:200],
                     extra={"created": result.created, "updated": result.updated})
    return result


def _topological(rows: list[dict], result: ImportResult) -> list[dict]:
    by_code = {r["机构编码"]: r for r in rows if r["机构编码"]}
    ordered, state = [], {}

    def visit(r, trail):
        code = r["机构编码"]
        if state.get(code) == "done":
            return
        if state.get(code) == "visiting":
            result.errors.append(RowError(r["row"], "上级机构编码", f"上级关系成环:{' → '.join(trail + [code])}"))
            return
        state[code] = "visiting"
        parent = by_code.get(r["上级机构编码"]) if r["上级机构编码"] else None
        if parent is not None:
            visit(parent, trail + [code])
        state[code] = "done"
        ordered.append(r)

    for r in rows:
        visit(r, [])
    return ordered


def can_import(actor) -> bool:
    return permissions.can_create_city(actor) or bool(actor and actor.is_authenticated and permissions.scope_for(actor).roles & permissions.MANAGER_ROLES)
