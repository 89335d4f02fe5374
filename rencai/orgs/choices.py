from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY = "city", _("市")
    NEW_AREA = "new_area", _("新区")
    DISTRICT = "district", _("区县(市)")
    PARTY = "party", _("党委部门")
    GOVERNMENT = "government", _("政府部门")
    PEOPLES_ORG = "peoples_org", _("人民团体")
    INSTITUTION = "institution", _("事业单位")
    PARK = "park", _("园区/开发区")
    OFFICE = "office", _("议事协调机构")
    OTHER = "other", _("其他")


# Units of these kinds are regions: a district officer's scope is the subtree of one of them.
REGION_KINDS = {UnitKind.CITY, UnitKind.NEW_AREA, UnitKind.DISTRICT}


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    TALENT_OFFICE = "talent_office", _("人才办工作人员")
    UNIT_OFFICER = "unit_officer", _("成员单位联络员")
    DISTRICT_OFFICER = "district_officer", _("区县工作人员")
    REVIEWER = "reviewer", _("审核员")
    LEADER = "leader", _("领导")
    TALENT = "talent", _("人才/申请人")
    VERIFIER = "verifier", _("服务核验员")


class GroupRule(models.TextChoices):
    DISTRICTS = "districts", _("本级所有区县")
    MEMBERS = "members", _("指定成员单位")
