"""User accounts, login failures (for lockout) and API tokens for machine clients."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person signing in: staff of a unit, a leader, a talent, or a service provider's verifier."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username


class LoginFailure(models.Model):
    """A failed sign-in; five within the lockout window lock the account name (等保2.0 登录失败处理)."""

    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    ip = models.CharField(_("来源地址"), max_length=64, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")


class ApiToken(models.Model):
    """A bearer token for machine clients; only its SHA-256 is stored, the key is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
