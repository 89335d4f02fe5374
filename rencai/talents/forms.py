from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.orgs import selectors as org_selectors

from .choices import Education, IntroductionMode, Sex, Tier, TitleLevel
from .constants import INDUSTRY_SECTIONS


def _blank(choices):
    return [("", _("全部"))] + list(choices)


class TalentFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名/单位/证件号"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("姓名或单位开头的字,或完整证件号、手机号")}))
    region = forms.TypedChoiceField(label=_("所属区县"), required=False, coerce=int, empty_value=None)
    industry = forms.ChoiceField(label=_("行业门类"), required=False,
                                 choices=_blank((k, f"{k} {v}") for k, v in INDUSTRY_SECTIONS.items()))
    education = forms.ChoiceField(label=_("学历"), required=False, choices=_blank(Education.choices))
    title_level = forms.ChoiceField(label=_("职称级别"), required=False, choices=_blank(TitleLevel.choices))
    tier = forms.ChoiceField(label=_("人才类别"), required=False, choices=_blank(Tier.choices))
    introduction_mode = forms.ChoiceField(label=_("引进方式"), required=False, choices=_blank(IntroductionMode.choices))
    sex = forms.ChoiceField(label=_("性别"), required=False, choices=_blank(Sex.choices))
    introduced_from = forms.DateField(label=_("引进日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    introduced_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tag = forms.CharField(label=_("标签"), required=False, max_length=30)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=[
        ("-id", _("最近登记")), ("-introduced_on", _("引进日期(新→旧)")), ("introduced_on", _("引进日期(旧→新)")),
        ("name", _("姓名")),
    ])

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = [(u.pk, u.name) for u in org_selectors.district_list(actor=actor)]
        cities = [(u.pk, f"{u.name}(全市)") for u in org_selectors.city_list(actor=actor)
                  if org_selectors.org_unit_is_managed_by(actor, u)] if actor is not None else []
        self.fields["region"].choices = [("", _("全部"))] + cities + regions


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel(.xlsx)或 CSV 文件"))
    partial = forms.BooleanField(label=_("只导入正确的行(默认:全部正确才导入)"), required=False)


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("查看某日的信息"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class UnmaskForm(forms.Form):
    field = forms.ChoiceField(choices=[("id_number", "id_number"), ("mobile", "mobile")])
