"""Organisational structure (市县共建共享): one tree from the city down to districts and their units."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.core.models import ScopedQuerySet, TimeStampedModel

from .choices import REGION_KINDS, GroupRule, Role, UnitKind


class OrgUnit(TimeStampedModel):
    """An organisational unit (组织机构): city, department, bureau, people's organisation, district or its unit.

    `path` is the materialised ancestor path ("/1/7/"), so a subtree is one indexed prefix query.
    """

    code = models.CharField(_("机构编码"), max_length=32, unique=True)
    name = models.CharField(_("机构全称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    region = models.ForeignKey(
        "self",
        verbose_name=_("所属地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="region_units",
        editable=False,
        help_text=_("最近的市/新区/区县级上级(含自身)"),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_path_lookup = "path"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering = ["path", "sort_order"]
        indexes = [models.Index(fields=["kind"], name="orgs_unit_kind_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_region(self) -> bool:
        return self.kind in REGION_KINDS

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class OrgUnitAlias(models.Model):
    """Another name for a unit as documents write it (市人社局 = 市人力资源和社会保障局; 市社科联〔市社科院〕)."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="aliases")
    # The top-level city/new area: the same short alias (市人社局) exists in every city.
    city = models.ForeignKey(OrgUnit, verbose_name=_("所属城市"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("别名"), max_length=100)

    scope_path_lookup = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("机构别名")
        verbose_name_plural = _("机构别名")
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="orgs_alias_unique_in_city")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitGroup(models.Model):
    """A phrase naming many units at once (各县市区, 市人才工作领导小组有关成员单位), expanded on publish."""

    city = models.ForeignKey(OrgUnit, verbose_name=_("所属城市"), on_delete=models.CASCADE, related_name="unit_groups")
    name = models.CharField(_("名称"), max_length=100)
    rule = models.CharField(_("展开规则"), max_length=20, choices=GroupRule.choices)
    members = models.ManyToManyField(OrgUnit, verbose_name=_("成员"), blank=True, related_name="groups")

    scope_path_lookup = "city__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位组")
        verbose_name_plural = _("单位组")
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="orgs_group_unique_in_city")]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """A user's role in a unit; the unit's subtree (or its region's) is what the role may see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)

    scope_path_lookup = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位角色")
        verbose_name_plural = _("岗位角色")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="orgs_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or '-'}"
