from django.db.models import Prefetch

from rencai.core.exceptions import NotFound, PermissionDenied
from rencai.orgs.models import Membership

from . import permissions
from .models import User


def user_list(*, actor):
    if not permissions.can_manage_users(actor):
        raise PermissionDenied("只有系统管理员可以管理用户。")
    return User.objects.order_by("username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
    )


def user_get(*, actor, pk: int) -> User:
    try:
        return user_list(actor=actor).get(pk=pk)
    except User.DoesNotExist:
        raise NotFound("未找到该用户。") from None
