"""Certification (人才认定) and the talent card (人才服务绿卡 / 人才码).

A city's classification catalogue (人才分类目录) is published in versions; each version holds its tiers and the
numbered clauses (条) whose criteria, as data (see rules.py), place a talent in a tier. A published version is
never edited: decisions made under it keep pointing at it and keep the criteria text that matched.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.core.models import ReviewStepBase, ScopedQuerySet


class Catalogue(models.Model):
    """One city's classification catalogue; `city` is the city's root org unit."""

    city = models.OneToOneField("orgs.OrgUnit", verbose_name=_("城市"), on_delete=models.PROTECT,
                                related_name="talent_catalogue")
    name = models.CharField(_("目录名称"), max_length=100)
    # Review levels in order, e.g. ["employer", "district", "talent_office"]; deadline in working days per level.
    review_levels = models.JSONField(_("审核层级"), default=list)
    level_deadline_days = models.PositiveSmallIntegerField(_("每级审核时限(工作日)"), default=10)
    publicity_days = models.PositiveSmallIntegerField(_("公示期(工作日)"), default=5)
    card_valid_years = models.PositiveSmallIntegerField(_("人才卡有效期(年)"), default=3)

    scope_path_lookup = "city__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人才分类目录")
        verbose_name_plural = _("人才分类目录")

    def __str__(self) -> str:
        return self.name


class CatalogueVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布(现行)")
        SUPERSEDED = "superseded", _("已废止")

    catalogue = models.ForeignKey(Catalogue, verbose_name=_("目录"), on_delete=models.PROTECT, related_name="versions")
    label = models.CharField(_("版本"), max_length=30, help_text=_("如 2024版"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    based_on = models.ForeignKey("self", verbose_name=_("基于版本"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_path_lookup = "catalogue__city__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")
        ordering = ["catalogue", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "label"], name="cert_version_label_unique"),
            models.UniqueConstraint(fields=["catalogue"], condition=models.Q(status="published"),
                                    name="cert_one_published_version"),
        ]

    def __str__(self) -> str:
        return f"{self.catalogue.name} {self.label}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class TierDefinition(models.Model):
    """A tier in one version (A 顶尖人才 …): rank 1 is the highest; `services` are the card services it opens."""

    version = models.ForeignKey(CatalogueVersion, verbose_name=_("目录版本"), on_delete=models.CASCADE,
                                related_name="tiers")
    code = models.CharField(_("类别代码"), max_length=2)
    name = models.CharField(_("类别名称"), max_length=30)
    rank = models.PositiveSmallIntegerField(_("排序(1 最高)"))
    services = models.JSONField(_("凭卡可享服务"), default=list, blank=True)

    class Meta:
        verbose_name = _("人才类别")
        verbose_name_plural = _("人才类别")
        ordering = ["version", "rank"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="cert_tier_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}类({self.name})"


class CatalogueRule(models.Model):
    """One numbered clause (第N条): criteria that, when they hold, place a talent in `tier`."""

    version = models.ForeignKey(CatalogueVersion, verbose_name=_("目录版本"), on_delete=models.CASCADE,
                                related_name="rules")
    tier = models.ForeignKey(TierDefinition, verbose_name=_("人才类别"), on_delete=models.CASCADE, related_name="rules")
    clause = models.PositiveSmallIntegerField(_("条款号"))
    title = models.CharField(_("条款说明"), max_length=200, blank=True)
    criteria = models.JSONField(_("认定条件"))
    criteria_text = models.CharField(_("条件(文字)"), max_length=1000, editable=False)

    class Meta:
        verbose_name = _("目录条款")
        verbose_name_plural = _("目录条款")
        ordering = ["version", "clause"]
        constraints = [models.UniqueConstraint(fields=["version", "clause"], name="cert_rule_clause_unique")]

    def __str__(self) -> str:
        return f"第{self.clause}条"

    def explanation(self) -> str:
        """"C类:博士 且 年薪≥50万元,目录2024版 第3条" — what a decision records."""
        return f"{self.tier.code}类:{self.criteria_text},{self.version.label} 第{self.clause}条"


class ClassificationRun(models.Model):
    """One `rencai classify --all`: the tier each talent's registry data suggests under one version."""

    version = models.ForeignKey(CatalogueVersion, verbose_name=_("目录版本"), on_delete=models.PROTECT,
                                related_name="runs")
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("执行人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    preview = models.BooleanField(_("仅预览"), default=False)
    evaluated = models.PositiveIntegerField(_("评估人数"), default=0)
    counts = models.JSONField(_("各类别人数"), default=dict)
    changes = models.JSONField(_("与上次比较"), default=dict)

    class Meta:
        verbose_name = _("分类评估批次")
        verbose_name_plural = _("分类评估批次")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.version}"


class ClassificationResult(models.Model):
    """The clause (hence tier) a talent's data matches in one run; talents no clause matched have no row.
    Only the latest runs are kept: a million rows per run."""

    run = models.ForeignKey(ClassificationRun, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                            db_index=False)
    talent = models.ForeignKey("talents.Talent", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               db_index=False)
    rule = models.ForeignKey(CatalogueRule, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                             db_index=False)

    class Meta:
        verbose_name = _("分类评估结果")
        verbose_name_plural = _("分类评估结果")
        constraints = [models.UniqueConstraint(fields=["run", "talent"], name="cert_result_run_talent")]


class Application(models.Model):
    """An application for certification (人才认定申请), by the talent or their employer for them."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        IN_REVIEW = "in_review", _("审核中")
        RETURNED = "returned", _("退回补充材料")
        REJECTED = "rejected", _("不予认定")
        PUBLICITY = "publicity", _("公示中")
        CERTIFIED = "certified", _("已认定")
        WITHDRAWN = "withdrawn", _("已撤回")

    talent = models.ForeignKey("talents.Talent", verbose_name=_("人才"), on_delete=models.PROTECT,
                               related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                  related_name="certification_applications")
    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(CatalogueVersion, verbose_name=_("目录版本"), on_delete=models.PROTECT,
                                related_name="applications")
    requested_tier = models.CharField(_("申请类别"), max_length=2)
    suggested_tier = models.CharField(_("系统建议类别"), max_length=2, blank=True)
    suggested_rule = models.ForeignKey(CatalogueRule, verbose_name=_("建议依据"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    suggestion_text = models.CharField(_("建议说明"), max_length=1000, blank=True)
    facts = models.JSONField(_("申请时信息"), default=dict)
    statement = models.TextField(_("申请说明"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    level_index = models.PositiveSmallIntegerField(_("当前审核层级"), default=0)
    level_due = models.DateField(_("本级审核期限"), null=True, blank=True)
    missing = models.TextField(_("需补充的材料"), blank=True)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示截止"), null=True, blank=True)
    decision_reason = models.TextField(_("结论说明"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version_lock = models.PositiveIntegerField(default=0, editable=False)

    scope_path_lookup = "region__path"
    scope_owner_lookup = "applicant_id"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("认定申请")
        verbose_name_plural = _("认定申请")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "publicity_end"], name="cert_app_status_idx")]

    def __str__(self) -> str:
        return f"认定申请 #{self.pk}"


class Evidence(models.Model):
    application = models.ForeignKey(Application, verbose_name=_("申请"), on_delete=models.CASCADE,
                                    related_name="evidence")
    kind = models.CharField(_("材料类型"), max_length=50)
    filename = models.CharField(_("文件名"), max_length=255)
    stored_path = models.CharField(_("存储路径"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["id"]


class ReviewStep(ReviewStepBase):
    class Decision(models.TextChoices):
        SUBMIT = "submit", _("提交")
        APPROVE = "approve", _("通过")
        RETURN = "return", _("退回补充材料")
        REJECT = "reject", _("不予认定")
        OBJECTION = "objection", _("公示异议")
        CERTIFY = "certify", _("认定")
        WITHDRAW = "withdraw", _("撤回")

    application = models.ForeignKey(Application, verbose_name=_("申请"), on_delete=models.CASCADE,
                                    related_name="steps")
    decision = models.CharField(_("意见"), max_length=10, choices=Decision.choices)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["at", "id"]


class Objection(models.Model):
    """An objection raised during publicity (公示异议) — anyone may raise one, without logging in."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    application = models.ForeignKey(Application, verbose_name=_("申请"), on_delete=models.CASCADE,
                                    related_name="objections")
    text = models.TextField(_("异议内容"))
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("收到时间"))
    outcome = models.CharField(_("处理结果"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    resolution = models.TextField(_("处理说明"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["id"]


class Certification(models.Model):
    """A talent's certified tier (人才认定结果). At most one active per talent."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        SUSPENDED = "suspended", _("暂停(失信)")
        REVOKED = "revoked", _("已撤销")
        EXPIRED = "expired", _("已过期")

    talent = models.ForeignKey("talents.Talent", verbose_name=_("人才"), on_delete=models.PROTECT,
                               related_name="certifications")
    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField(Application, verbose_name=_("认定申请"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="certification")
    version = models.ForeignKey(CatalogueVersion, verbose_name=_("目录版本"), on_delete=models.PROTECT,
                                related_name="certifications")
    rule = models.ForeignKey(CatalogueRule, verbose_name=_("认定依据"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("认定类别"), max_length=2)
    tier_name = models.CharField(_("类别名称"), max_length=30)
    basis = models.CharField(_("认定依据(文字)"), max_length=1000)
    certificate_no = models.CharField(_("证书编号"), max_length=30, unique=True)
    certified_on = models.DateField(_("认定日期"))
    valid_until = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.TextField(_("状态说明"), blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)

    scope_path_lookup = "region__path"
    scope_owner_lookup = "application__applicant_id"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人才认定")
        verbose_name_plural = _("人才认定")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["talent"], condition=models.Q(status="active"),
                                               name="cert_one_active_per_talent")]
        indexes = [models.Index(fields=["status", "tier"], name="cert_status_tier_idx")]

    def __str__(self) -> str:
        return f"{self.certificate_no} {self.tier}类"


def _card_id() -> str:
    return secrets.token_urlsafe(12)


class Card(models.Model):
    """The talent card (人才服务绿卡 / 人才码). The QR carries only a signed, expiring token naming `public_id`."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        SUSPENDED = "suspended", _("已暂停")
        REVOKED = "revoked", _("已注销")

    certification = models.ForeignKey(Certification, verbose_name=_("认定"), on_delete=models.PROTECT,
                                      related_name="cards")
    public_id = models.CharField(_("卡标识"), max_length=32, unique=True, default=_card_id, editable=False)
    issued_at = models.DateTimeField(_("发卡时间"))
    expires_at = models.DateTimeField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.TextField(_("状态说明"), blank=True)

    class Meta:
        verbose_name = _("人才卡")
        verbose_name_plural = _("人才卡")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"人才卡 {self.public_id[:6]}…"


class ServiceProvider(models.Model):
    """A unit that honours the card (hospital, school, housing, public security …) and the services it grants."""

    unit = models.OneToOneField("orgs.OrgUnit", verbose_name=_("服务单位"), on_delete=models.CASCADE,
                                related_name="card_services")
    services = models.JSONField(_("可办理服务"), default=list)

    class Meta:
        verbose_name = _("人才卡服务单位")
        verbose_name_plural = _("人才卡服务单位")

    def __str__(self) -> str:
        return str(self.unit)


class BlacklistEntry(models.Model):
    """An entry in the integrity blacklist (人才失信黑名单)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("生效中")
        APPEALED = "appealed", _("申诉中")
        DELISTED = "delisted", _("已移出")
        EXPIRED = "expired", _("已到期")

    talent = models.ForeignKey("talents.Talent", verbose_name=_("人才"), on_delete=models.PROTECT,
                               related_name="blacklist_entries")
    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("列入原因"))
    evidence = models.TextField(_("证据"))
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("决定时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    appeal_text = models.TextField(_("申诉内容"), blank=True)
    appealed_at = models.DateTimeField(_("申诉时间"), null=True, blank=True)
    closing_reason = models.TextField(_("移出/申诉处理说明"), blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    scope_path_lookup = "region__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("失信黑名单")
        verbose_name_plural = _("失信黑名单")
        ordering = ["-id"]
        indexes = [models.Index(fields=["talent", "status"], name="cert_blacklist_talent_idx")]

    def __str__(self) -> str:
        return f"黑名单 #{self.pk}"
