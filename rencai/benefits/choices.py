from django.db import models
from django.utils.translation import gettext_lazy as _


class BenefitKind(models.TextChoices):
    AMOUNT = "amount", _("资金补贴")
    SERVICE = "service", _("服务保障")


class Frequency(models.TextChoices):
    ONCE = "once", _("一次性")
    YEARLY = "yearly", _("按年度")


class TypeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布(现行)")
    SUPERSEDED = "superseded", _("已废止")


class Source(models.TextChoices):
    APPLICATION = "application", _("申请")
    AUTO = "auto", _("免申即享")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    REVIEWING = "reviewing", _("审核中")
    RETURNED = "returned", _("退回补充材料")
    REJECTED = "rejected", _("不予兑现")
    APPROVED = "approved", _("审核通过(待支付)")
    PAID = "paid", _("已支付")
    REVERSED = "reversed", _("已冲正")
    WITHDRAWN = "withdrawn", _("已撤回")


# Claims that still count against a talent's entitlement for a period (one open or settled claim at a time).
LIVE_CLAIM_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.REVIEWING, ClaimStatus.RETURNED, ClaimStatus.APPROVED,
                       ClaimStatus.PAID)


class ReviewDecision(models.TextChoices):
    SUBMIT = "submit", _("提交")
    APPROVE = "approve", _("通过")
    RETURN = "return", _("退回补充材料")
    REJECT = "reject", _("不予兑现")
    RESUBMIT = "resubmit", _("补充后重新提交")
    AUTO = "auto", _("免申即享自动生成")
    PAY = "pay", _("支付")
    REVERSE = "reverse", _("冲正")


class EntryKind(models.TextChoices):
    PAYOUT = "payout", _("支付")
    REVERSAL = "reversal", _("冲正")


# Review levels of a claim, in order (like certification applications): the district, then the city talent office.
REVIEW_LEVELS = ("district", "talent_office")
LEVEL_LABELS = {"district": _("区县审核"), "talent_office": _("市人才办复核")}

# Conditions a talent declares (with evidence) when claiming: the registry cannot prove them.
DECLARATIONS = {
    "first_home_in_city": _("首次在本市购房"),
    "full_time_contract": _("与本市用人单位签订全职劳动合同"),
    "social_insurance": _("在本市缴纳社会保险"),
    "no_other_housing_subsidy": _("未享受其他住房补贴"),
}
