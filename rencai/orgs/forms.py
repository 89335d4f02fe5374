from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import UnitKind


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, widget=forms.TextInput(attrs={"placeholder": _("名称、简称、别名或编码")}))
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部"))] + list(UnitKind.choices))


class UnitCreateForm(forms.Form):
    code = forms.CharField(label=_("机构编码"), max_length=32)
    name = forms.CharField(label=_("机构全称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=UnitKind.choices)
    aliases = forms.CharField(label=_("别名(多个用、分隔)"), required=False)


class AliasForm(forms.Form):
    alias = forms.CharField(label=_("别名"), max_length=100)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 或 CSV 文件"))
