import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ReportFormat


class DefinitionForm(forms.Form):
    definition = forms.CharField(label=_("指标定义(JSON)"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))

    def clean_definition(self):
        try:
            value = json.loads(self.cleaned_data["definition"])
        except ValueError:
            raise forms.ValidationError(_("指标定义不是有效的 JSON,例如 {\"metric\": \"talents_introduced\"}。")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("指标定义应为一个 JSON 对象。"))
        return value


class AnnualForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    scope = forms.ChoiceField(label=_("统计范围"), required=False)
    formats = forms.MultipleChoiceField(label=_("格式"), choices=ReportFormat.choices, widget=forms.CheckboxSelectMultiple,
                                        initial=list(ReportFormat.values))

    def __init__(self, *args, scopes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = list(scopes)
