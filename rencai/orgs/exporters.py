"""Export the visible unit tree in the same layout the importer reads."""

from __future__ import annotations

from rencai.audit.services import audit_record
from rencai.core.excel import build_workbook

from . import selectors
from .importers import COLUMNS


def org_units_export(*, actor) -> bytes:
    units = list(selectors.org_unit_list(actor=actor).prefetch_related("aliases"))
    rows = [
        [u.code, u.name, u.short_name, u.get_kind_display(), u.parent.code if u.parent else "",
         "、".join(a.name for a in u.aliases.all()), u.sort_order]
        for u in units
    ]
    audit_record(actor=actor, action="orgs.unit.export", object_type="orgs.orgunit", extra={"rows": len(rows)})
    return build_workbook(title="组织机构", headers=COLUMNS, rows=rows, widths=[16, 36, 18, 14, 16, 40, 8])
