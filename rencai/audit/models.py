"""Append-only, hash-chained audit log (审计日志)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One event: who, when, from where, what, on which object, what changed; chained by SHA-256.

    Personal fields appear in `changes` as changed, never with their values. Rows are never updated or
    deleted by the application; `rencai audit verify` detects any edit or deletion.
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="audit_entries", db_constraint=False,
    )
    actor_name = models.CharField(_("操作人(记录时)"), max_length=150, blank=True)
    ip = models.CharField(_("来源地址"), max_length=64, blank=True)
    request_id = models.CharField(_("请求号"), max_length=64, blank=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    extra = models.JSONField(_("附加信息"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_entry_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """Single row holding the chain's tip; locking it serialises appends and exposes deletion of the last entry."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")
