from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from rencai.core.scope import scope_for
from rencai.orgs import selectors as org_selectors


@login_required
def home(request):
    scope = scope_for(request.user)
    units = org_selectors.org_unit_list(actor=request.user)
    context = {
        "scope": scope,
        "unit_count": units.count(),
        "city_count": units.filter(parent__isnull=True).count(),
        "district_count": org_selectors.district_list(actor=request.user).count(),
        "memberships": org_selectors.membership_list(actor=request.user, user=request.user) if not scope.everything
        else request.user.memberships.select_related("unit"),
    }
    return render(request, "core/home.html", context)
