"""Small-cell suppression for open data (数据开放, never exposing a person).

Published tables are aggregates of one base table of counts (e.g. district × industry × tier × year). A cell with
0 < count < threshold is suppressed (primary). Because tables share margins, a suppressed cell could be recovered by
differencing (district total − the other industries of that district), so complementary cells are suppressed until
every published sum relation has either no suppressed member or at least two (secondary suppression), across all
tables published together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

Table = tuple[str, ...]  # the dimensions a published table is grouped by, in base-dimension order


def aggregate(base: Mapping[tuple, int], dims: list[str], table: Table) -> dict[tuple, int]:
    idx = [dims.index(d) for d in table]
    out: dict[tuple, int] = defaultdict(int)
    for key, count in base.items():
        out[tuple(key[i] for i in idx)] += count
    return dict(out)


def _relations(dims: list[str], tables: list[Table]):
    """(parent table, child table, extra dim index in child): child refines parent by exactly one dimension."""
    present = set(tables)
    for child in tables:
        for drop in range(len(child)):
            parent = child[:drop] + child[drop + 1:]
            if parent in present:
                yield parent, child, drop


def suppress(base: Mapping[tuple, int], dims: list[str], tables: Iterable[Table], *, threshold: int = 5
             ) -> dict[Table, dict[tuple, int | None]]:
    """Counts per table with suppressed cells as None. `tables` use dimension names from `dims`."""
    tables = [tuple(d for d in dims if d in t) for t in tables]
    values = {t: aggregate(base, dims, t) for t in tables}
    hidden: dict[Table, set[tuple]] = {t: {k for k, v in values[t].items() if 0 < v < threshold} for t in tables}
    relations = list(_relations(dims, tables))
    changed = True
    while changed:
        changed = False
        for parent, child, drop in relations:
            groups: dict[tuple, list[tuple]] = defaultdict(list)
            for key in values[child]:
                groups[key[:drop] + key[drop + 1:]].append(key)
            for pkey, members in groups.items():
                if pkey in hidden[parent]:
                    continue
                suppressed = [m for m in members if m in hidden[child]]
                if len(suppressed) != 1:
                    continue
                open_members = sorted((m for m in members if m not in hidden[child]), key=lambda m: (values[child][m], m))
                if open_members:
                    hidden[child].add(open_members[0])
                else:
                    hidden[parent].add(pkey)
                changed = True
    return {t: {k: (None if k in hidden[t] else v) for k, v in sorted(values[t].items(), key=lambda kv: str(kv[0]))}
            for t in tables}
