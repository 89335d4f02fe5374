"""Reads of the talent registry: scoped search that stays fast at a million rows, one record, its history,
and the registry "as of" a date."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Func, Q, QuerySet, Transform
from django.db.models.lookups import Exact, In
from django.utils import timezone

from rencai.core.exceptions import NotFound, PermissionDenied
from rencai.core.scope import scope_for
from rencai.orgs.models import OrgUnit

from . import crypto, permissions
from .models import PLAIN_FIELDS, ImportJob, Talent, TalentHistory, scope_region_ids
from .validation import CellError, parse_id_number, parse_mobile

PAGE_SIZE = 50
COUNT_CAP = 10_000  # counting beyond this costs a scan: the page says "10000+" and asks for a narrower filter
SORTS = {
    "-id": ("-id",),
    "-introduced_on": ("-introduced_on", "-id"),
    "introduced_on": ("introduced_on", "id"),
    "name": ("name", "id"),
}
FILTER_KEYS = ("q", "region", "industry", "education", "degree", "title_level", "tier", "introduction_mode", "sex",
               "id_type", "introduced_from", "introduced_to", "tag", "sort")


class NoIndex(Transform):
    """`field__noindex__gte=…` is `+field >= …` on SQLite: the same comparison, but the planner will not answer it
    from the index on that column. For a filter that matches a large share of the registry, walking the sort
    order's index (newest first) and testing each row finds a page far sooner than collecting every match
    through the filter's index and sorting them. PostgreSQL plans this itself from its statistics."""

    lookup_name = "noindex"

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return (f"+{sql}" if connection.vendor == "sqlite" else sql), params


for _field in ("name", "employer_name", "industry_code", "introduced_on"):
    Talent._meta.get_field(_field).register_lookup(NoIndex)

DENSE_PROBE = 1000  # a range filter matching at least this many rows is "dense"


def _prefix(field: str, term: str, *, dense: bool = False) -> Q:
    """Index-friendly prefix match: a range on SQLite (its LIKE is case-insensitive and skips the index),
    LIKE 'x%' on PostgreSQL (served by the varchar_pattern_ops index)."""
    if connection.vendor == "sqlite":
        lookup = f"{field}__noindex" if dense else field
        return Q(**{f"{lookup}__gte": term, f"{lookup}__lt": term + "\U0010ffff"})
    return Q(**{f"{field}__startswith": term})


def _region_ids(unit: OrgUnit) -> list[int]:
    return list(OrgUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


class Unindexed(Func):
    """`+column` on SQLite (the same value, no index), the column itself elsewhere: see NoIndex."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


def talent_list(*, actor, filters: dict | None = None, dense: bool = False, walk_sort: bool = False) -> QuerySet[Talent]:
    """Talents visible to the actor, filtered by any combination of fields and sorted (default: newest first).

    On SQLite (ignored elsewhere): `dense` keeps range filters off their indexes; `walk_sort` keeps every filter
    off its index, so a sort other than newest-first walks its own index (see talent_search)."""
    if not permissions.can_view_talents(actor):
        raise PermissionDenied("您无权查看人才信息库。")
    dense = dense or walk_sort
    qs = Talent.objects.all()

    def equal(field: str, value):
        return Exact(Unindexed(F(field)), value) if walk_sort else Q(**{field: value})

    def among(field: str, values):
        return In(Unindexed(F(field)), values) if walk_sort else Q(**{f"{field}__in": values})

    if actor is not None:
        region_ids = scope_region_ids(scope_for(actor))
        if region_ids is not None:
            if not region_ids:
                return qs.none()
            qs = qs.filter(among("region_id", region_ids))
    f = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
    q = str(f.get("q", "")).strip()
    if q:
        qs = qs.filter(_search(q, dense=dense))
    if f.get("region"):
        unit = OrgUnit.objects.filter(pk=f["region"]).only("pk", "path", "kind", "parent_id").first()
        if unit is None:
            return qs.none()
        qs = qs.filter(equal("region_id", unit.pk)) if unit.parent_id else qs.filter(among("region_id", _region_ids(unit)))
    if f.get("industry"):
        code = str(f["industry"]).upper().replace(" ", "")
        if len(code) == 3:
            qs = qs.filter(equal("industry_division", code))
        else:  # a whole 门类 is always a large share of the registry
            qs = qs.filter(_prefix("industry_code", code, dense=dense or len(code) == 1))
    for key in ("education", "degree", "title_level", "tier", "introduction_mode", "sex", "id_type"):
        if f.get(key):
            qs = qs.filter(equal(key, f[key]))
    introduced = "introduced_on__noindex" if dense else "introduced_on"
    if f.get("introduced_from"):
        qs = qs.filter(**{f"{introduced}__gte": f["introduced_from"]})
    if f.get("introduced_to"):
        qs = qs.filter(**{f"{introduced}__lte": f["introduced_to"]})
    if f.get("tag"):
        qs = qs.filter(tags__contains=f["tag"])
    return qs.order_by(*SORTS.get(f.get("sort") or "-id", SORTS["-id"]))


def _search(q: str, *, dense: bool = False) -> Q:
    """An ID number or mobile is looked up exactly through its keyed hash; anything else is a name or employer
    prefix."""
    compact = q.replace(" ", "")
    if compact[:1].isdigit() or compact[:1] in "HMEGDPSK":
        try:
            _, number, _, _ = parse_id_number(compact)
        except CellError:
            pass
        else:
            if len(number) >= 8 and any(ch.isdigit() for ch in number):
                return Q(id_hash=crypto.keyed_hash(number))
    if compact.isdigit() and len(compact) == 11:
        try:
            return Q(mobile_hash=crypto.keyed_hash(parse_mobile(compact)))
        except CellError:
            pass
    return _prefix("name", q, dense=dense) | _prefix("employer_name", q, dense=dense)


@dataclass
class TalentPage:
    rows: list[Talent]
    number: int
    per_page: int
    has_next: bool
    count: int | None = None  # capped at COUNT_CAP; None when not asked for
    count_capped: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0


RANGE_FILTERS = ("q", "industry", "introduced_from", "introduced_to")


def talent_search(*, actor, filters: dict | None = None, page: int = 1, per_page: int = PAGE_SIZE,
                  with_count: bool = False) -> TalentPage:
    """One page of talent_list, fetched as per_page + 1 rows (so "next page" needs no count). On SQLite a range
    filter is first probed (at most DENSE_PROBE index entries): if it is dense, the page query walks the sort
    order instead (NoIndex). The total is counted only on request, capped at COUNT_CAP."""
    filters = filters or {}
    qs = talent_list(actor=actor, filters=filters)
    try:
        page = min(max(int(page), 1), COUNT_CAP // per_page)
    except (TypeError, ValueError):
        page = 1
    if connection.vendor == "sqlite":
        other_sort = (filters.get("sort") or "-id") != "-id"
        has_range = any(filters.get(k) for k in RANGE_FILTERS)
        if (other_sort or has_range) and qs.order_by()[:DENSE_PROBE].count() >= DENSE_PROBE:
            qs = talent_list(actor=actor, filters=filters, dense=True, walk_sort=other_sort)
    offset = (page - 1) * per_page
    # region names in a second query: a JOIN here tempts SQLite to drive the page from the small org table
    rows = list(qs.prefetch_related("region")[offset: offset + per_page + 1])
    result = TalentPage(rows=rows[:per_page], number=page, per_page=per_page, has_next=len(rows) > per_page)
    if with_count:
        result.count, result.count_capped = talent_count(actor=actor, filters=filters)
    return result


def talent_count(*, actor, filters: dict | None = None) -> tuple[int, bool]:
    """(count, capped): never a COUNT(*) over the whole registry — beyond COUNT_CAP the page says "10000+"."""
    count = talent_list(actor=actor, filters=filters).order_by()[: COUNT_CAP + 1].count()
    return min(count, COUNT_CAP), count > COUNT_CAP


def talent_get(*, actor, pk) -> Talent:
    """One talent, or NotFound — the same answer for "in another district" and "does not exist"."""
    if not permissions.can_view_talents(actor):
        raise PermissionDenied("您无权查看人才信息库。")
    try:
        return Talent.objects.visible_to(actor).select_related("region").get(pk=pk) if actor is not None else \
            Talent.objects.select_related("region").get(pk=pk)
    except (Talent.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该人才,或您无权查看。") from None


def talent_get_by_id_number(*, actor, id_number: str) -> Talent:
    _, number, _, _ = parse_id_number(id_number)
    return talent_get(actor=actor, pk=Talent.objects.filter(id_hash=crypto.keyed_hash(number)).values_list("pk", flat=True).first())


def talent_history(*, actor, talent: Talent) -> list[TalentHistory]:
    talent_get(actor=actor, pk=talent.pk)
    return list(talent.history.order_by("-changed_at", "-id"))


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def talent_as_of(*, actor, talent: Talent, on: dt.date) -> dict | None:
    """The record as the registry knew it at the end of `on` (non-sensitive fields), or None if not yet registered."""
    talent = talent_get(actor=actor, pk=talent.pk)
    end = _end_of(on)
    if talent.created_at >= end:
        return None
    later = talent.history.filter(changed_at__gte=end).order_by("changed_at", "id").first()
    if later is not None:
        return dict(later.snapshot)
    return {f: _plain(getattr(talent, f)) for f in PLAIN_FIELDS}


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is not None and not isinstance(value, (str, int, float, bool)):
        return str(value)
    return value


def talent_count_as_of(*, actor, on: dt.date, by: str | None = None):
    """How many talents the registry held at the end of `on`; with `by` (a non-sensitive field such as
    "region_id", "tier", "education"), counts per value as they were then."""
    if by is not None and by not in PLAIN_FIELDS:
        raise ValueError(by)
    end = _end_of(on)
    base = talent_list(actor=actor).order_by().filter(created_at__lt=end)
    if by is None:
        return base.count()
    counts: dict = {}
    for value, n in base.values_list(by).annotate(n=Count("id")).values_list(by, "n"):
        counts[_plain(value)] = n
    # Talents changed after `on`: their value then is the snapshot of their first later change.
    later = (TalentHistory.objects.filter(talent__in=base.values("pk"), changed_at__gte=end)
             .order_by("talent_id", "changed_at", "id").values_list("talent_id", "snapshot"))
    first: dict[int, dict] = {}
    for talent_id, snapshot in later:
        first.setdefault(talent_id, snapshot)
    if first:
        current = dict(Talent.objects.filter(pk__in=list(first)).values_list("pk", by))
        for talent_id, snapshot in first.items():
            now_value, then_value = _plain(current.get(talent_id)), snapshot.get(by)
            if now_value != then_value:
                counts[now_value] = counts.get(now_value, 0) - 1
                counts[then_value] = counts.get(then_value, 0) + 1
    return {k: v for k, v in counts.items() if v}


# ---------------------------------------------------------------- import jobs

def import_job_list(*, actor) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.select_related("created_by")
    if actor is None or getattr(actor, "is_superuser", False):
        return qs
    return qs if scope_for(actor).everything else qs.filter(created_by=actor)


def import_job_get(*, actor, pk) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk).select_related("created_by").first()
    if job is None or not permissions.can_view_job(actor, job):
        raise NotFound("未找到该导入批次,或您无权查看。")
    return job


def progress_path(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "talent_imports" / "progress" / f"{job.pk}.json"


def import_job_progress(job: ImportJob) -> dict:
    """{processed, total, percent} for a running job (from its progress file), or the final figures."""
    if job.is_finished:
        return {"processed": job.total_rows, "total": job.total_rows, "percent": 100}
    try:
        data = json.loads(progress_path(job).read_text())
    except (OSError, ValueError):
        data = {"processed": 0, "total": None}
    processed, total = data.get("processed") or 0, data.get("total")
    percent = min(99, int(processed * 100 / total)) if total else None
    return {"processed": processed, "total": total, "percent": percent}
