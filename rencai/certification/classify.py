"""Classifying the whole registry under one catalogue version, in SQL.

Every clause becomes a WHEN of one CASE (highest tier first, then clause number), so the database evaluates the
catalogue once per talent and `INSERT … SELECT` writes the matching clause of each talent without a row ever
reaching Python. Changes against the previous run are a grouped join of two runs' rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import connection
from django.db.models import Case, IntegerField, Value, When

from rencai.core.scope import Scope
from rencai.talents.models import Talent

from . import rules
from .models import CatalogueRule, CatalogueVersion, ClassificationResult, ClassificationRun

RESULTS = ClassificationResult._meta.db_table


def ordered_rules(version: CatalogueVersion) -> list[CatalogueRule]:
    return list(version.rules.select_related("tier", "version").order_by("tier__rank", "clause"))


def rule_case(version_rules: list[CatalogueRule], today: date) -> Case:
    whens = [When(rules.to_q(r.criteria, today=today), then=Value(r.pk)) for r in version_rules]
    return Case(*whens, default=Value(None), output_field=IntegerField())


def city_talents(version: CatalogueVersion):
    city = version.catalogue.city
    return Talent.objects.within(Scope(unit_paths=(city.path,)))


def _annotated(version: CatalogueVersion, today: date):
    version_rules = ordered_rules(version)
    qs = city_talents(version).order_by()
    if any("employer_type" in str(r.criteria) for r in version_rules):
        qs = qs.annotate(employer_type=rules.employer_type_expression())
    if not version_rules:
        return qs.annotate(matched_rule=Value(None, output_field=IntegerField())), version_rules
    return qs.annotate(matched_rule=rule_case(version_rules, today)), version_rules


def previous_run(version: CatalogueVersion, *, before: int | None = None) -> ClassificationRun | None:
    qs = ClassificationRun.objects.filter(version__catalogue_id=version.catalogue_id, preview=False,
                                          finished_at__isnull=False)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    return qs.order_by("-pk").first()


def insert_results(run: ClassificationRun, today: date) -> None:
    qs, _ = _annotated(run.version, today)
    sql, params = qs.filter(matched_rule__isnull=False).values("id", "matched_rule").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RESULTS} (run_id, talent_id, rule_id) SELECT %s, t.id, t.matched_rule FROM ({sql}) t",
            (run.pk, *params))


def _tiers_of(rule_ids) -> dict[int, str]:
    return dict(CatalogueRule.objects.filter(pk__in=[r for r in rule_ids if r]).values_list("pk", "tier__code"))


def summarise(pairs: list[tuple[int | None, int | None, int]]) -> dict:
    """(new rule, old rule, talents) → per tier: before, after, gained, lost; and how many talents changed tier."""
    tier = _tiers_of({p[0] for p in pairs} | {p[1] for p in pairs})
    by_tier: dict[str, dict[str, int]] = defaultdict(lambda: {"before": 0, "after": 0, "gained": 0, "lost": 0})
    changed = 0
    for new_rule, old_rule, count in pairs:
        new_tier, old_tier = tier.get(new_rule), tier.get(old_rule)
        if new_tier:
            by_tier[new_tier]["after"] += count
        if old_tier:
            by_tier[old_tier]["before"] += count
        if new_tier != old_tier:
            changed += count
            if new_tier:
                by_tier[new_tier]["gained"] += count
            if old_tier:
                by_tier[old_tier]["lost"] += count
    return {"by_tier": dict(sorted(by_tier.items())), "changed": changed}


def diff_runs(new: ClassificationRun, old: ClassificationRun | None) -> dict:
    with connection.cursor() as cursor:
        if old is None:
            cursor.execute(f"SELECT rule_id, COUNT(*) FROM {RESULTS} WHERE run_id = %s GROUP BY rule_id", [new.pk])
            pairs = [(r, None, n) for r, n in cursor.fetchall()]
        else:
            cursor.execute(
                f"SELECT n.rule_id, o.rule_id, COUNT(*) FROM {RESULTS} n LEFT JOIN {RESULTS} o "
                f"ON o.run_id = %s AND o.talent_id = n.talent_id WHERE n.run_id = %s GROUP BY n.rule_id, o.rule_id",
                [old.pk, new.pk])
            pairs = list(cursor.fetchall())
            cursor.execute(
                f"SELECT o.rule_id, COUNT(*) FROM {RESULTS} o WHERE o.run_id = %s AND NOT EXISTS "
                f"(SELECT 1 FROM {RESULTS} n WHERE n.run_id = %s AND n.talent_id = o.talent_id) GROUP BY o.rule_id",
                [old.pk, new.pk])
            pairs += [(None, r, n) for r, n in cursor.fetchall()]
    summary = summarise(pairs)
    summary["previous_run"] = old.pk if old else None
    return summary


def preview(version: CatalogueVersion, today: date) -> dict:
    """What publishing `version` would change against the last run, without writing a row."""
    qs, _ = _annotated(version, today)
    old = previous_run(version)
    sql, params = qs.values("id", "matched_rule").query.sql_with_params()
    with connection.cursor() as cursor:
        if old is None:
            cursor.execute(f"SELECT t.matched_rule, COUNT(*) FROM ({sql}) t WHERE t.matched_rule IS NOT NULL "
                           f"GROUP BY t.matched_rule", params)
            pairs = [(r, None, n) for r, n in cursor.fetchall()]
        else:
            cursor.execute(
                f"SELECT t.matched_rule, o.rule_id, COUNT(*) FROM ({sql}) t LEFT JOIN {RESULTS} o "
                f"ON o.run_id = %s AND o.talent_id = t.id GROUP BY t.matched_rule, o.rule_id", (*params, old.pk))
            pairs = [p for p in cursor.fetchall() if p[0] is not None or p[1] is not None]
    summary = summarise(pairs)
    summary["previous_run"] = old.pk if old else None
    return summary


def prune(version: CatalogueVersion, keep: int = 2) -> None:
    """Keep the last `keep` runs' rows per catalogue (each run is up to a million rows)."""
    runs = list(ClassificationRun.objects.filter(version__catalogue_id=version.catalogue_id)
                .order_by("-pk").values_list("pk", "preview"))
    kept, drop = 0, []
    for pk, is_preview in runs:
        if not is_preview and kept < keep:
            kept += 1
            continue
        drop.append(pk)
    if drop:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {RESULTS} WHERE run_id IN ({', '.join(['%s'] * len(drop))})", drop)
