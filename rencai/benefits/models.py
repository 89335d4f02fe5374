"""Benefits (人才待遇兑现): what each certified tier is entitled to, claims and their review, and the fund ledger.

A benefit type (待遇项目) is versioned per city like the classification catalogue: a published version is never
edited; a new version supersedes it, and claims keep pointing at the version they were made under.

Money moves only through `LedgerEntry` rows, which are append-only (no update, no delete — enforced here, in the
services, and by database triggers): a payout takes money from a fund (人才发展专项资金, per year and district), a
reversal (冲正) is a new, negative entry pointing at the payout it undoes. `Fund.balance` is kept equal to
budget − Σ entries under a row lock and can never go below zero (CHECK constraint).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rencai.core.models import ReviewStepBase, ScopedQuerySet

from .choices import (
    LEVEL_LABELS,
    LIVE_CLAIM_STATUSES,
    BenefitKind,
    ClaimStatus,
    EntryKind,
    Frequency,
    ReviewDecision,
    Source,
    TypeStatus,
)


class BenefitType(models.Model):
    """One version of a benefit (待遇项目) in one city: money (安家补贴) or a service (医疗绿色通道).

    `conditions` (JSON, all keys optional):
        {"registry": <criterion of certification.rules, proven from registry facts>,
         "declarations": ["first_home_in_city", ...]   # declared with evidence when claiming (首次在本市购房),
         "introduced_within_years": 3}                  # introduced to the city at most N years before the period
    A type with `auto_grant` and no declarations is granted without applying (免申即享).
    `group_code` makes several types one benefit (安家补贴 A类…E类): a talent gets one of a group per period.
    """

    city = models.ForeignKey("orgs.OrgUnit", verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("待遇编码"), max_length=40)
    group_code = models.CharField(_("待遇组"), max_length=40, blank=True,
                                  help_text=_("同组待遇每期只享受一项(如各类别的安家补贴);留空则以编码为准"))
    name = models.CharField(_("待遇名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=BenefitKind.choices)
    frequency = models.CharField(_("频次"), max_length=10, choices=Frequency.choices, default=Frequency.ONCE)
    amount = models.DecimalField(_("标准(元)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                 help_text=_("资金补贴每期金额;服务保障留空"))
    cap = models.DecimalField(_("累计上限(元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    duration_years = models.PositiveSmallIntegerField(_("享受年限"), null=True, blank=True,
                                                      help_text=_("按年度发放的,自认定当年起连续享受的年数"))
    tiers = models.JSONField(_("适用人才类别"), default=list)
    conditions = models.JSONField(_("享受条件"), default=dict, blank=True)
    conditions_text = models.CharField(_("条件(文字)"), max_length=1000, blank=True, editable=False)
    auto_grant = models.BooleanField(_("免申即享"), default=False)
    policy_ref = models.CharField(_("政策依据"), max_length=200, blank=True)
    description = models.TextField(_("说明"), blank=True)
    version_label = models.CharField(_("版本"), max_length=30, help_text=_("如 2026版"))
    status = models.CharField(_("状态"), max_length=12, choices=TypeStatus.choices, default=TypeStatus.DRAFT)
    based_on = models.ForeignKey("self", verbose_name=_("基于版本"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_path_lookup = "city__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("待遇项目")
        verbose_name_plural = _("待遇项目")
        ordering = ["city", "code", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code", "version_label"], name="benefits_type_version_unique"),
            models.UniqueConstraint(fields=["city", "code"], condition=Q(status="published"),
                                    name="benefits_type_one_published"),
            models.CheckConstraint(condition=Q(kind="service") | Q(amount__gt=0), name="benefits_type_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.version_label})"

    @property
    def key(self) -> str:
        """What "one per period" is counted by: the group, or the code."""
        return self.group_code or self.code

    @property
    def is_editable(self) -> bool:
        return self.status == TypeStatus.DRAFT

    @property
    def is_money(self) -> bool:
        return self.kind == BenefitKind.AMOUNT

    @property
    def declarations(self) -> list[str]:
        return list((self.conditions or {}).get("declarations") or [])

    @property
    def can_auto_grant(self) -> bool:
        return self.auto_grant and not self.declarations


class Fund(models.Model):
    """A talent development fund (人才发展专项资金) for one year and one district (or the city itself).

    `balance` = budget − Σ ledger amounts, maintained by the payout and reversal services under a row lock."""

    name = models.CharField(_("资金名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="+")
    budget = models.DecimalField(_("预算(元)"), max_digits=14, decimal_places=2)
    balance = models.DecimalField(_("余额(元)"), max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_path_lookup = "region__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人才发展专项资金")
        verbose_name_plural = _("人才发展专项资金")
        ordering = ["-year", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="benefits_fund_region_year"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="benefits_fund_balance_not_negative"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="benefits_fund_budget_not_negative"),
            models.CheckConstraint(condition=Q(balance__lte=models.F("budget")), name="benefits_fund_balance_le_budget"),
        ]

    def __str__(self) -> str:
        return self.name


class Entitlement(models.Model):
    """A talent's right to one benefit for one period ("once" or a year), granted on approval or automatically."""

    talent = models.ForeignKey("talents.Talent", verbose_name=_("人才"), on_delete=models.PROTECT,
                               related_name="benefit_entitlements")
    benefit_type = models.ForeignKey(BenefitType, verbose_name=_("待遇项目"), on_delete=models.PROTECT,
                                     related_name="entitlements")
    benefit_key = models.CharField(_("待遇组"), max_length=40, editable=False)
    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("认定类别"), max_length=2)
    period = models.CharField(_("享受期"), max_length=8, help_text=_("once 或年度,如 2026"))
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2, default=0)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope_path_lookup = "region__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("待遇资格")
        verbose_name_plural = _("待遇资格")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["talent", "benefit_key", "period"],
                                               name="benefits_entitlement_once_per_period")]

    def __str__(self) -> str:
        return f"{self.benefit_type.name} {self.period_label}"

    @property
    def period_label(self) -> str:
        return "一次性" if self.period == "once" else f"{self.period}年度"


class Claim(models.Model):
    """A claim (待遇申领) reviewed level by level like an application; approved money claims are paid from a fund.

    `idempotency_key` (the client's Idempotency-Key header, or generated) makes a retried submission return the
    same claim. At most one live claim per talent, benefit and period (partial unique constraint)."""

    talent = models.ForeignKey("talents.Talent", verbose_name=_("人才"), on_delete=models.PROTECT,
                               related_name="benefit_claims")
    benefit_type = models.ForeignKey(BenefitType, verbose_name=_("待遇项目"), on_delete=models.PROTECT,
                                     related_name="claims")
    benefit_key = models.CharField(_("待遇组"), max_length=40, editable=False)
    entitlement = models.ForeignKey(Entitlement, verbose_name=_("待遇资格"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="claims")
    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey(Fund, verbose_name=_("支付资金"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="claims", help_text=_("审核通过时确定"))
    tier = models.CharField(_("认定类别"), max_length=2)
    period = models.CharField(_("享受期"), max_length=8)
    year = models.PositiveSmallIntegerField(_("资金年度"))
    amount = models.DecimalField(_("申领金额(元)"), max_digits=12, decimal_places=2, default=0)
    declarations = models.JSONField(_("申报事项"), default=dict, blank=True)
    statement = models.TextField(_("申请说明"), blank=True)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices, default=Source.APPLICATION)
    status = models.CharField(_("状态"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    review_levels = models.JSONField(_("审核层级"), default=list)
    level_index = models.PositiveSmallIntegerField(_("当前审核层级"), default=0)
    missing = models.TextField(_("需补充的材料"), blank=True)
    decision_reason = models.TextField(_("结论说明"), blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=100, unique=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="benefit_claims")
    submitted_at = models.DateTimeField(_("提交时间"))
    decided_at = models.DateTimeField(_("审结时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_path_lookup = "region__path"
    scope_owner_lookup = "applicant_id"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("待遇申领")
        verbose_name_plural = _("待遇申领")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["talent", "benefit_key", "period"],
                                    condition=Q(status__in=[s.value for s in LIVE_CLAIM_STATUSES]),
                                    name="benefits_one_live_claim_per_period"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="benefits_claim_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["status", "region"], name="benefits_claim_status_idx")]

    def __str__(self) -> str:
        return f"待遇申领 #{self.pk}"

    @property
    def current_level(self) -> str | None:
        if self.status not in (ClaimStatus.SUBMITTED, ClaimStatus.REVIEWING):
            return None
        levels = self.review_levels or []
        return levels[self.level_index] if self.level_index < len(levels) else None

    @property
    def current_level_label(self) -> str:
        level = self.current_level
        return str(LEVEL_LABELS.get(level, level or ""))

    @property
    def period_label(self) -> str:
        return "一次性" if self.period == "once" else f"{self.period}年度"


class ClaimStep(ReviewStepBase):
    """One step in a claim's history: submission, each review decision, payment and reversal."""

    claim = models.ForeignKey(Claim, verbose_name=_("申领"), on_delete=models.CASCADE, related_name="steps")
    decision = models.CharField(_("意见"), max_length=10, choices=ReviewDecision.choices)

    class Meta:
        verbose_name = _("申领办理记录")
        verbose_name_plural = _("申领办理记录")
        ordering = ["at", "id"]

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS.get(self.level, self.level))


class ImmutableQuerySet(ScopedQuerySet):
    """Ledger rows are never changed or removed in bulk either."""

    def update(self, **kwargs):
        raise TypeError("资金台账记录不可修改;请登记冲正。")

    def delete(self):
        raise TypeError("资金台账记录不可删除;请登记冲正。")


class LedgerEntry(models.Model):
    """One immutable movement of money (资金台账): a payout (+amount paid out of the fund) or a reversal (−amount,
    `reverses` the payout). `generation` counts the claim's earlier reversals: a payout is unique per (claim,
    generation), and a generation only advances by reversing its payout — so at most one payout of a claim is
    ever un-reversed, which the database itself guarantees under any concurrency."""

    fund = models.ForeignKey(Fund, verbose_name=_("资金"), on_delete=models.PROTECT, related_name="entries")
    claim = models.ForeignKey(Claim, verbose_name=_("申领"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型"), max_length=10, choices=EntryKind.choices)
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2,
                                 help_text=_("支付为正,冲正为负"))
    generation = models.PositiveSmallIntegerField(_("支付轮次"), default=0)
    reverses = models.OneToOneField("self", verbose_name=_("冲正的支付"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")
    balance_after = models.DecimalField(_("记账后余额(元)"), max_digits=14, decimal_places=2)
    idempotency_key = models.CharField(_("幂等键"), max_length=100, unique=True)
    memo = models.CharField(_("摘要"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("记账时间"), db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记账人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_by_name = models.CharField(_("记账人(记录时)"), max_length=150, blank=True)

    scope_path_lookup = "fund__region__path"
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金台账记录")
        verbose_name_plural = _("资金台账")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "generation"], condition=Q(kind="payout"),
                                    name="benefits_one_unreversed_payout_per_claim"),
            models.UniqueConstraint(fields=["claim", "generation"], condition=Q(kind="reversal"),
                                    name="benefits_one_reversal_per_generation"),
            models.CheckConstraint(
                condition=(Q(kind="payout", amount__gt=0, reverses__isnull=True)
                           | Q(kind="reversal", amount__lt=0, reverses__isnull=False)),
                name="benefits_entry_sign_matches_kind"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="benefits_entry_balance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("资金台账记录不可修改;请登记冲正。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("资金台账记录不可删除;请登记冲正。")


class BenefitNotice(models.Model):
    """A notice to a talent (待遇告知书), e.g. "您已免申即享 安家补贴". `dedupe_key` makes scheduled runs idempotent."""

    talent = models.ForeignKey("talents.Talent", verbose_name=_("人才"), on_delete=models.CASCADE,
                               related_name="benefit_notices")
    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, verbose_name=_("申领"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="notices")
    entitlement = models.ForeignKey(Entitlement, verbose_name=_("待遇资格"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="notices")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=120)

    scope_path_lookup = "region__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("待遇告知")
        verbose_name_plural = _("待遇告知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["talent", "dedupe_key"], name="benefits_notice_once")]


class AutoGrantRun(models.Model):
    """One real run of 免申即享 (dry runs write nothing): what was granted and what it costs each fund."""

    started_at = models.DateTimeField(_("执行时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("执行人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    granted = models.PositiveIntegerField(_("生成数"), default=0)
    skipped = models.PositiveIntegerField(_("因资金不足跳过"), default=0)
    total = models.DecimalField(_("金额合计(元)"), max_digits=14, decimal_places=2, default=0)
    summary = models.JSONField(_("各资金汇总"), default=list)

    class Meta:
        verbose_name = _("免申即享执行记录")
        verbose_name_plural = _("免申即享执行记录")
        ordering = ["-id"]
