from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from . import permissions, selectors


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False)
    action = forms.CharField(label=_("动作"), required=False, widget=forms.TextInput(attrs={"placeholder": "auth. / orgs.unit"}))
    object_type = forms.CharField(label=_("对象类型"), required=False)
    object_id = forms.CharField(label=_("对象编号"), required=False)
    ip = forms.CharField(label=_("来源地址"), required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def entry_list(request):
    if not permissions.can_view_audit(request.user):
        raise DjangoPermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.audit_entry_list(actor=request.user, filters=filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/entry_list.html", {"form": form, "page": page, "query": query.urlencode()})
