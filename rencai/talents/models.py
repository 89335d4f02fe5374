"""The talent registry (人才信息库): one record per person, personal identifiers encrypted, every change kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.core.masking import mask_id_number, mask_mobile
from rencai.core.models import ScopedQuerySet
from rencai.core.scope import Scope

from .choices import Degree, Education, IdType, ImportStatus, IntroductionMode, Sex, Tier, TitleLevel
from .constants import INDUSTRY_SECTIONS, industry_label


class TalentQuerySet(ScopedQuerySet):
    """`visible_to(actor)` as everywhere, but a district's subtree becomes `region_id IN (...)`: the region
    list is tiny and an IN on the indexed column keeps million-row filters and sorts on the talent table's indexes."""

    def within(self, scope: Scope) -> TalentQuerySet:
        region_ids = scope_region_ids(scope)
        if region_ids is None:
            return self.all()
        return self.filter(region_id__in=region_ids) if region_ids else self.none()


def scope_region_ids(scope: Scope) -> list[int] | None:
    """The org units a scope covers (None: everything) — a talent's region is one of them or out of scope."""
    if scope.everything:
        return None
    if not scope.unit_paths:
        return []
    from rencai.orgs.models import OrgUnit

    condition = models.Q(pk__in=[])
    for prefix in scope.unit_paths:
        condition |= models.Q(path__startswith=prefix)
    return list(OrgUnit.objects.filter(condition).values_list("pk", flat=True))


# Non-sensitive fields: compared for changes, kept whole in history snapshots, exported as they are.
PLAIN_FIELDS = (
    "name", "id_type", "sex", "birth_date", "education", "degree", "school", "major", "title", "title_level",
    "skill_level", "employer_name", "employer_uscc", "region_id", "industry_code", "introduction_mode",
    "introduced_on", "annual_salary", "honours", "tier", "tier_label", "tags",
)
# Personal identifiers: stored encrypted (`pii`), compared through their keyed hashes, never in history or logs.
SENSITIVE_FIELDS = ("id_number", "mobile")


class Talent(models.Model):
    """A talent in the registry (人才). The resident ID / passport number and mobile are encrypted together in
    `pii`; `id_hash` (HMAC) makes "one person, one record" a unique constraint; masks are kept for display."""

    name = models.CharField(_("姓名"), max_length=50)
    id_type = models.CharField(_("证件类型"), max_length=12, choices=IdType.choices, default=IdType.RESIDENT)
    id_hash = models.CharField(_("证件号哈希"), max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("证件号(脱敏)"), max_length=32, editable=False)
    mobile_hash = models.CharField(_("手机号哈希"), max_length=64, blank=True, db_index=True, editable=False)
    mobile_masked = models.CharField(_("手机号(脱敏)"), max_length=20, blank=True, editable=False)
    pii = models.TextField(_("加密的个人信息"), editable=False)
    pii_key = models.CharField(_("加密密钥指纹"), max_length=8, editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices, blank=True)
    degree = models.CharField(_("学位"), max_length=10, choices=Degree.choices, blank=True)
    school = models.CharField(_("毕业院校"), max_length=100, blank=True)
    major = models.CharField(_("专业"), max_length=100, blank=True)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    title_level = models.CharField(_("职称级别"), max_length=14, choices=TitleLevel.choices, default=TitleLevel.UNGRADED)
    skill_level = models.CharField(_("职业资格/技能等级"), max_length=50, blank=True)
    employer_name = models.CharField(_("工作单位"), max_length=100, blank=True)
    employer_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    # Indexed by the composite (region, id) below, which also serves plain region lookups.
    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("所属区县"), on_delete=models.PROTECT,
                               related_name="talents", db_index=False)
    industry_code = models.CharField(_("所属行业代码"), max_length=5, blank=True,
                                     help_text=_("国民经济行业分类 GB/T 4754-2017:门类字母加大类/中类/小类数字,如 C39"))
    # The 大类 (section letter + 2 digits, "C39") of industry_code, for an equality index: filters by division
    # walk (industry_division, id) in order; a whole 门类 is dense enough to find by scanning newest first.
    industry_division = models.CharField(_("行业大类"), max_length=3, blank=True, editable=False)
    introduction_mode = models.CharField(_("引进方式"), max_length=10, choices=IntroductionMode.choices, blank=True)
    introduced_on = models.DateField(_("引进日期"), null=True, blank=True)
    annual_salary = models.DecimalField(_("年薪(万元)"), max_digits=10, decimal_places=2, null=True, blank=True)
    honours = models.TextField(_("荣誉/奖项"), blank=True)
    tier = models.CharField(_("人才类别"), max_length=1, choices=Tier.choices, null=True, blank=True)
    tier_label = models.CharField(_("人才类别(原文)"), max_length=30, blank=True)
    tags = models.CharField(_("标签"), max_length=200, blank=True, help_text=_("多个用、分隔,如 在外株洲籍"))
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    # Not indexed: nothing looks talents up by these, and each index costs every bulk insert.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_constraint=False, db_index=False)
    import_job = models.ForeignKey("talents.ImportJob", verbose_name=_("最近导入批次"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_constraint=False, db_index=False)
    source_row = models.PositiveIntegerField(_("导入行号"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    scope_path_lookup = "region__path"
    objects = TalentQuerySet.as_manager()

    class Meta:
        verbose_name = _("人才")
        verbose_name_plural = _("人才信息库")
        ordering = ["-id"]
        permissions = [("unmask_talent", _("可查看完整证件号和手机号"))]
        indexes = [
            # Each common filter leads an index that ends in id, so "filter + newest first + LIMIT" walks one index.
            models.Index(fields=["region", "id"], name="talents_region_id_idx"),
            models.Index(fields=["education", "id"], name="talents_education_id_idx"),
            models.Index(fields=["industry_division", "id"], name="talents_industry_id_idx"),
            models.Index(fields=["title_level", "id"], name="talents_title_id_idx"),
            models.Index(fields=["tier", "id"], name="talents_tier_id_idx"),
            models.Index(fields=["introduced_on", "id"], name="talents_introduced_id_idx"),
            # Prefix search on name / employer: pattern ops make LIKE 'x%' indexable on PostgreSQL
            # (ignored on SQLite, where the selector uses a range instead).
            models.Index(fields=["name"], name="talents_name_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["employer_name"], name="talents_employer_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.id_masked})"

    @property
    def industry_section(self) -> str:
        return self.industry_code[:1]

    @property
    def industry_display(self) -> str:
        if not self.industry_code:
            return ""
        return f"{self.industry_code} {industry_label(self.industry_code)}"

    @property
    def industry_section_display(self) -> str:
        return INDUSTRY_SECTIONS.get(self.industry_section, "")

    @staticmethod
    def mask(field: str, value: str) -> str:
        return mask_id_number(value) if field == "id_number" else mask_mobile(value)


class TalentHistory(models.Model):
    """One change to a talent (人才信息变更记录): who, when, what. `snapshot` is the record as it was *before*
    the change (non-sensitive fields only), so the registry "as of" any date is reconstructible: the state at D is
    the snapshot of the first change after D, or the current row when nothing changed since."""

    talent = models.ForeignKey(Talent, verbose_name=_("人才"), on_delete=models.CASCADE, related_name="history")
    changed_at = models.DateTimeField(_("变更时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    actor_name = models.CharField(_("操作人(记录时)"), max_length=150, blank=True)
    source = models.CharField(_("来源"), max_length=20, default="edit")
    import_job = models.ForeignKey("talents.ImportJob", verbose_name=_("导入批次"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    changes = models.JSONField(_("变更内容"), default=dict)
    snapshot = models.JSONField(_("变更前快照"), default=dict)

    class Meta:
        verbose_name = _("人才信息变更记录")
        verbose_name_plural = _("人才信息变更记录")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["talent", "changed_at"], name="talents_history_when_idx"),
                   models.Index(fields=["changed_at"], name="talents_history_at_idx")]

    def __str__(self) -> str:
        return f"{self.talent_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class ImportJob(models.Model):
    """One upload or command-line import (导入批次): the stored file, its progress and outcome, and the
    error report. Progress of a running job lives in a small file beside the upload (see importers.Progress),
    because the import's single transaction keeps SQLite's writer busy until the end."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    filename = models.CharField(_("文件名"), max_length=255)
    stored_path = models.CharField(_("存储路径"), max_length=255, blank=True)
    partial = models.BooleanField(_("只导入正确的行"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    error_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    errors = models.JSONField(_("错误(前若干条)"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    message = models.TextField(_("结果说明"), blank=True)
    report_path = models.CharField(_("错误报告"), max_length=255, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("人才导入批次")
        verbose_name_plural = _("人才导入批次")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}"

    @property
    def is_finished(self) -> bool:
        return self.status not in (ImportStatus.PENDING, ImportStatus.RUNNING)
