"""Shared model base and the scoped queryset every org-scoped model uses as its default manager."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .scope import Scope, scope_for


class ScopedQuerySet(models.QuerySet):
    """NetBox's RestrictedQuerySet, for org scope: `Model.objects.visible_to(actor)`.

    A model declares `scope_path_lookup` (e.g. "region__path") and optionally `scope_owner_lookup`
    (e.g. "user_id") for records a talent may see as their own.
    """

    def visible_to(self, actor) -> ScopedQuerySet:
        return self.within(scope_for(actor))

    def within(self, scope: Scope) -> ScopedQuerySet:
        if scope.everything:
            return self.all()
        condition = Q(pk__in=[])
        path_lookup = getattr(self.model, "scope_path_lookup", None)
        if path_lookup and scope.unit_paths:
            for prefix in scope.unit_paths:
                condition |= Q(**{f"{path_lookup}__startswith": prefix})
        owner_lookup = getattr(self.model, "scope_owner_lookup", None)
        if owner_lookup and scope.owner_user_id is not None:
            condition |= Q(**{owner_lookup: scope.owner_user_id})
        return self.filter(condition)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class LocalMonth(models.Func):
    """'YYYY-MM' of a datetime in the site's time zone, computed by the database (for monthly trend charts).

    SQLite has no time zones: the site zone's current UTC offset is applied (Asia/Shanghai keeps no daylight
    saving time). PostgreSQL converts with the zone name."""

    output_field = models.CharField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        from django.utils import timezone

        sql, params = compiler.compile(self.source_expressions[0])
        minutes = int(timezone.localtime().utcoffset().total_seconds() // 60)
        return f"strftime('%%Y-%%m', {sql}, '{minutes:+d} minutes')", params

    def as_postgresql(self, compiler, connection, **extra):
        from django.conf import settings

        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql} AT TIME ZONE %s, 'YYYY-MM')", [*params, settings.TIME_ZONE]


class ReviewStepBase(models.Model):
    """One step of a multi-level review (认定申请, 待遇申领): who decided what, at which level, why and when.
    Concrete models add the reviewed object and their own `decision` choices."""

    level = models.CharField(_("层级"), max_length=20, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    actor = models.ForeignKey("accounts.User", verbose_name=_("办理人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("办理人(记录时)"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        abstract = True
        ordering = ["at", "id"]
