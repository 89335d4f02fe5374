"""Sign-in with lockout, user and token management. Every outcome is written to the audit log."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rencai.audit.services import audit_record
from rencai.core import context
from rencai.core.exceptions import ApplicationError, PermissionDenied

from . import permissions
from .models import ApiToken, LoginFailure, User


class LoginError(ApplicationError):
    status_code = 401
    code = "login_failed"


def _window() -> timedelta:
    return timedelta(minutes=settings.RENCAI_LOGIN_LOCKOUT_MINUTES)


def login_lock_status(*, username: str, now=None):
    """Returns the time the account name stays locked until, or None."""
    now = now or timezone.now()
    user = User.objects.filter(username=username).only("locked_until").first()
    if user and user.locked_until and user.locked_until > now:
        return user.locked_until
    recent = list(
        LoginFailure.objects.filter(username=username, at__gt=now - _window()).order_by("-at").values_list("at", flat=True)
    )
    if len(recent) >= settings.RENCAI_LOGIN_MAX_FAILURES:
        return recent[settings.RENCAI_LOGIN_MAX_FAILURES - 1] + _window()
    return None


def login_attempt(*, request, username: str, password: str):
    """Check credentials; five failures within 15 minutes lock the name for 15 minutes."""
    username = (username or "").strip()[:150]
    now = timezone.now()
    locked_until = login_lock_status(username=username, now=now)
    if locked_until:
        with transaction.atomic():
            audit_record(actor=None, actor_name=username, action="auth.login_blocked", object_type="accounts.user",
                         object_repr=username, extra={"locked_until": locked_until.isoformat()})
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        raise LoginError(f"该账号因连续登录失败已被锁定,请约 {minutes} 分钟后再试,或联系系统管理员解锁。", code="locked")
    user = authenticate(request, username=username, password=password)
    if user is None:
        with transaction.atomic():
            LoginFailure.objects.create(username=username, ip=context.current().ip, at=now)
            audit_record(actor=None, actor_name=username, action="auth.login_failed",
                         object_type="accounts.user", object_repr=username)
            if login_lock_status(username=username, now=now):
                until = now + _window()
                User.objects.filter(username=username).update(locked_until=until)
                audit_record(actor=None, actor_name=username, action="auth.lockout", object_type="accounts.user",
                             object_repr=username,
                             extra={"failures": settings.RENCAI_LOGIN_MAX_FAILURES, "locked_until": until.isoformat()})
        raise LoginError("用户名或密码错误。", code="invalid_credentials")
    with transaction.atomic():
        LoginFailure.objects.filter(username=username).delete()
        if user.locked_until:
            User.objects.filter(pk=user.pk).update(locked_until=None)
        audit_record(actor=user, action="auth.login", obj=user)
    return user


def user_unlock(*, actor, user: User) -> None:
    if not permissions.can_manage_users(actor):
        raise PermissionDenied("只有系统管理员可以解锁账号。")
    with transaction.atomic():
        LoginFailure.objects.filter(username=user.username).delete()
        User.objects.filter(pk=user.pk).update(locked_until=None)
        audit_record(actor=actor, action="auth.unlock", obj=user)


def logout_record(*, actor) -> None:
    if actor is not None and actor.is_authenticated:
        audit_record(actor=actor, action="auth.logout", obj=actor)


def _validate_password(password: str, user: User | None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("密码不符合要求:" + ";".join(exc.messages), code="weak_password") from exc


@transaction.atomic
def user_create(*, actor, username: str, password: str, full_name: str = "", email: str = "",
                is_superuser: bool = False) -> User:
    if actor is not None and not permissions.can_manage_users(actor):
        raise PermissionDenied("只有系统管理员可以创建用户。")
    if User.objects.filter(username=username).exists():
        raise ApplicationError(f"用户名“{username}”已存在。", code="duplicate_username")
    user = User(username=username, full_name=full_name, email=email, is_superuser=is_superuser, is_staff=is_superuser)
    _validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=actor, action="accounts.user.create", obj=user,
                 changes={"username": {"new": username}, "password": {"changed": True}})
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> None:
    if actor != user and not permissions.can_manage_users(actor):
        raise PermissionDenied("无权修改他人密码。")
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="accounts.user.set_password", obj=user, changes={"password": {"changed": True}})


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor, user: User, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    """Create a token; returns the key once (only its hash is kept)."""
    if actor != user and not permissions.can_manage_users(actor):
        raise PermissionDenied("无权为他人创建接口令牌。")
    key = "rc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:10], key_hash=_hash_key(key),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    audit_record(actor=actor, action="accounts.token.create", obj=token, extra={"user_id": user.pk})
    return token, key


def api_token_authenticate(key: str) -> User | None:
    if not key or not key.startswith("rc_"):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash_key(key), revoked=False).first()
    now = timezone.now()
    if token is None or (token.expires_at and token.expires_at < now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # throttled: not a write per request
    return token.user


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> None:
    if actor != token.user and not permissions.can_manage_users(actor):
        raise PermissionDenied("无权吊销该令牌。")
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit_record(actor=actor, action="accounts.token.revoke", obj=token)
