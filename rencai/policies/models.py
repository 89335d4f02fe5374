"""Policy documents (政策文件): the uploaded original, its parsed working copy under review, and its versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.core.models import ScopedQuerySet, TimeStampedModel


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("待审核")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本取代")


class PolicyDocument(TimeStampedModel):
    """One version of a policy or 任务分工方案 uploaded by a city or district (its `region`).

    `parsed` is the reviewer's working copy in the `rencai parse` JSON shape; publishing turns it into
    supervision tasks. Identical bytes (`sha256`) for the same region are detected on upload."""

    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("发文地区"), on_delete=models.PROTECT, related_name="policies")
    title = models.CharField(_("标题"), max_length=300)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    source_filename = models.CharField(_("原文件名"), max_length=255, blank=True)
    source_format = models.CharField(_("格式"), max_length=10, blank=True)
    sha256 = models.CharField(_("文件指纹"), max_length=64, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    previous_version = models.ForeignKey("self", verbose_name=_("上一版本"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="next_versions")
    status = models.CharField(_("状态"), max_length=12, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    text = models.TextField(_("清洗后的原文"), blank=True)
    parsed = models.JSONField(_("解析结果(审核稿)"), default=dict, blank=True)
    warnings = models.JSONField(_("解析提示"), default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    scope_path_lookup = "region__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["region", "sha256"], name="policies_document_unique_bytes")]

    def __str__(self) -> str:
        return self.title
