from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .scope import scope_for

# (url name, label, roles that see it; None = every signed-in user)
NAV_ITEMS = [
    ("core:home", _("工作台"), None),
    ("orgs:unit_list", _("组织机构"), {"system_admin", "talent_office", "district_officer", "unit_officer", "leader", "reviewer"}),
    ("policies:document_list", _("政策任务"), {"system_admin", "talent_office", "district_officer", "unit_officer", "leader"}),
    ("talents:talent_list", _("人才信息库"), {"system_admin", "talent_office", "district_officer", "unit_officer", "leader", "reviewer"}),
    ("supervision:task_list", _("任务台账"), {"system_admin", "talent_office", "district_officer", "unit_officer", "leader"}),
    ("supervision:my_tasks", _("我的任务"), {"unit_officer", "district_officer"}),
    ("supervision:dashboard", _("督办看板"), {"system_admin", "talent_office", "leader", "district_officer"}),
    ("supervision:assessment", _("年度考核"), {"system_admin", "talent_office", "leader", "unit_officer", "district_officer"}),
    ("certification:overview", _("人才认定"), {"system_admin", "talent_office", "district_officer", "reviewer", "leader"}),
    ("benefits:claim_list", _("待遇兑现"), {"system_admin", "talent_office", "district_officer", "reviewer", "leader"}),
    ("reports:dashboard", _("领导驾驶舱"), {"system_admin", "talent_office", "leader", "district_officer"}),
    ("reports:annual", _("统计年报"), {"system_admin", "talent_office", "leader", "district_officer"}),
    ("reports:open_data", _("数据开放"), {"system_admin", "talent_office", "leader", "district_officer"}),
    ("certification:my_cards", _("我的人才卡"), {"talent"}),
    ("certification:calculator", _("政策计算器"), {"talent"}),
    ("accounts:user_list", _("用户与角色"), {"system_admin"}),
    ("audit:entry_list", _("审计日志"), {"system_admin"}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    roles = scope_for(user).roles
    items = []
    for name, label, allowed in NAV_ITEMS:
        if allowed is not None and not (roles & allowed) and not user.is_superuser:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # module not installed in this build
        items.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items, "user_roles": roles}
