from django.db import models
from django.utils.translation import gettext_lazy as _


class IdType(models.TextChoices):
    RESIDENT = "resident", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Education(models.TextChoices):
    DOCTORATE = "doctorate", _("博士研究生")
    MASTER = "master", _("硕士研究生")
    BACHELOR = "bachelor", _("大学本科")
    JUNIOR_COLLEGE = "junior_college", _("大学专科")
    SECONDARY = "secondary", _("中专/高中及以下")


class Degree(models.TextChoices):
    DOCTOR = "doctor", _("博士")
    MASTER = "master", _("硕士")
    BACHELOR = "bachelor", _("学士")
    NONE = "none", _("无")


class TitleLevel(models.TextChoices):
    """职称级别, derived from the title as written (正高级工程师 -> senior)."""

    SENIOR = "senior", _("正高级")
    SUB_SENIOR = "sub_senior", _("副高级")
    INTERMEDIATE = "intermediate", _("中级")
    JUNIOR = "junior", _("初级")
    UNGRADED = "ungraded", _("未定级")


class IntroductionMode(models.TextChoices):
    FULL_TIME = "full_time", _("全职")
    FLEXIBLE = "flexible", _("柔性")


class Tier(models.TextChoices):
    """人才类别 as given by the importing unit; a later certification catalogue decides the certified tier."""

    A = "A", _("A类(顶尖人才)")
    B = "B", _("B类(国家级领军人才)")
    C = "C", _("C类(省级领军人才)")
    D = "D", _("D类(市级领军人才)")
    E = "E", _("E类(高级/青年人才)")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("导入中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("未导入(有错误)")
    PARTIAL = "partial", _("部分导入")
    ERROR = "error", _("失败")


class TalentErrorCode(models.TextChoices):
    IMPORT_REJECTED = "import_rejected", _("导入被拒绝")
    BAD_FILE = "bad_spreadsheet", _("文件无法读取")
    INVALID = "invalid_talent", _("人才信息有误")
