from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rencai.core.exceptions import ApplicationError
from rencai.orgs import selectors as org_selectors
from rencai.orgs import services as org_services

from . import permissions, selectors, services
from .forms import LoginForm, UserCreateForm


def login_view(request):
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_attempt(request=request, username=form.cleaned_data["username"],
                                          password=form.cleaned_data["password"])
        except ApplicationError as exc:
            error = exc.message
        else:
            login(request, user)
            target = request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = ""
            return redirect(target or "core:home")
    return render(request, "registration/login.html", {"form": form, "error": error}, status=401 if error else 200)


@require_POST
def logout_view(request):
    services.logout_record(actor=request.user)
    logout(request)
    return redirect("accounts:login")


@login_required
def user_list(request):
    if not permissions.can_manage_users(request.user):
        raise DjangoPermissionDenied
    units = org_selectors.org_unit_list(actor=request.user)
    form = UserCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = services.user_create(actor=request.user, username=form.cleaned_data["username"],
                                            password=form.cleaned_data["password"],
                                            full_name=form.cleaned_data["full_name"])
                org_services.membership_assign(actor=request.user, user=user, unit=form.cleaned_data["unit"],
                                               role=form.cleaned_data["role"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已创建用户 %(u)s。") % {"u": user.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_list.html", {"users": selectors.user_list(actor=request.user), "form": form})


@login_required
@require_POST
def user_unlock(request, pk: int):
    user = selectors.user_get(actor=request.user, pk=pk)
    services.user_unlock(actor=request.user, user=user)
    messages.success(request, _("已解锁 %(u)s。") % {"u": user.username})
    return redirect("accounts:user_list")
