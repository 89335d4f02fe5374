from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import DeliverableForm, ReportingCycle, TaskStatus


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False)
    policy = forms.ChoiceField(label=_("政策文件"), required=False)
    unit = forms.ChoiceField(label=_("责任单位"), required=False)
    lead_unit = forms.ChoiceField(label=_("牵头单位"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + list(TaskStatus.choices))
    due_after = forms.DateField(label=_("时限起"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    due_before = forms.DateField(label=_("时限止"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, policies=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = [("", _("全部"))] + [(str(pk), title[:40]) for pk, title in policies]
        unit_choices = [("", _("全部"))] + [(str(pk), short or name) for pk, short, name in units]
        self.fields["unit"].choices = unit_choices
        self.fields["lead_unit"].choices = unit_choices


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点内容"), max_length=200, required=False)
    due_date = forms.DateField(label=_("完成时间"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    deliverable = forms.ChoiceField(label=_("成果形式"), choices=DeliverableForm.choices)
    target_value = forms.DecimalField(label=_("需达到数值"), required=False, max_digits=14, decimal_places=2)


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, max_num=30)


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("报送期"))
    unit = forms.ChoiceField(label=_("报送单位"))
    percent = forms.IntegerField(label=_("完成比例(%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}))


class NoticeForm(forms.Form):
    unit = forms.ChoiceField(label=_("督办对象"))
    content = forms.CharField(label=_("督办事项"), widget=forms.Textarea(attrs={"rows": 3}))
    response_due = forms.DateField(label=_("答复期限"), widget=forms.DateInput(attrs={"type": "date"}))


class StartForm(forms.Form):
    cycle = forms.ChoiceField(label=_("报送周期"), choices=ReportingCycle.choices)
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    days_after_period = forms.IntegerField(label=_("期末后几日内报送"), min_value=0, max_value=60, initial=10)
