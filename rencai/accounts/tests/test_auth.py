from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.utils import timezone

from rencai.accounts import services
from rencai.accounts.models import LoginFailure, User
from rencai.audit.models import AuditEntry
from rencai.core.exceptions import ApplicationError


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short1A!", False),  # too short_case
        ("alllowercaseletters", False),  # one class_case
        ("lowercase123456", False),  # two classes_case
        ("Lowercase123456", True),  # three classes_case
        ("lower-case-1234", True),  # symbol counts_case
        ("密码很长但是只有中文字符", False),  # one class (symbols) only_case
    ],
)
def test_password_policy(db, password, ok):
    # when / then
    if ok:
        user = services.user_create(actor=None, username="pw_user", password=password)
        assert user.check_password(password)
    else:
        with pytest.raises(ApplicationError) as exc:
            services.user_create(actor=None, username="pw_user", password=password)
        assert exc.value.code == "weak_password"
        assert not User.objects.filter(username="pw_user").exists()


def test_argon2_is_the_production_hasher():
    from rencai.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hash_is_used_when_configured(db, settings):
    # given
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    # when
    user = services.user_create(actor=None, username="argon", password="Str0ng-passw0rd")
    # then
    assert identify_hasher(user.password).algorithm == "argon2"


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_lockout_after_five_failures_blocks_even_the_right_password(city_staff):
    # given
    client = Client()
    for _ in range(5):
        assert _login(client, city_staff.username, "wrong-password").status_code == 401
    # when
    response = _login(client, city_staff.username, "Passw0rd!x")
    # then
    assert response.status_code == 401
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.lockout", actor_name=city_staff.username).count() == 1
    assert AuditEntry.objects.filter(action="auth.login_blocked", actor_name=city_staff.username).count() == 1
    city_staff.refresh_from_db()
    assert city_staff.locked_until > timezone.now() + timedelta(minutes=14)


def test_four_failures_do_not_lock(city_staff):
    client = Client()
    for _ in range(4):
        _login(client, city_staff.username, "wrong-password")
    response = _login(client, city_staff.username, "Passw0rd!x")
    assert response.status_code == 302
    assert LoginFailure.objects.filter(username=city_staff.username).count() == 0


def test_lock_expires_after_fifteen_minutes(city_staff):
    # given: five failures 16 minutes ago
    past = timezone.now() - timedelta(minutes=16)
    LoginFailure.objects.bulk_create([LoginFailure(username=city_staff.username, at=past) for _ in range(5)])
    User.objects.filter(pk=city_staff.pk).update(locked_until=past + timedelta(minutes=15))
    # when
    response = _login(Client(), city_staff.username, "Passw0rd!x")
    # then
    assert response.status_code == 302


def test_unknown_username_is_locked_too_without_revealing_existence(db):
    client = Client()
    messages = {_login(client, "nobody", "x").content.decode().count("用户名或密码错误") for _ in range(5)}
    assert messages == {1}
    assert "锁定" in _login(client, "nobody", "x").content.decode()


def test_admin_unlock_clears_lock(city_staff, system_admin):
    for _ in range(5):
        _login(Client(), city_staff.username, "bad")
    services.user_unlock(actor=system_admin, user=city_staff)
    assert _login(Client(), city_staff.username, "Passw0rd!x").status_code == 302
    assert AuditEntry.objects.filter(action="auth.unlock").exists()


def test_successful_login_is_audited_with_ip(city_staff):
    Client(REMOTE_ADDR="10.1.2.3").post("/accounts/login/", {"username": city_staff.username, "password": "Passw0rd!x"})
    entry = AuditEntry.objects.filter(action="auth.login").latest("seq")
    assert entry.actor_id == city_staff.pk
    assert entry.ip == "10.1.2.3"


def test_login_redirect_refuses_external_next(city_staff):
    response = Client().post("/accounts/login/?next=https://evil.example/", {"username": city_staff.username, "password": "Passw0rd!x"})
    assert response["Location"] == "/"


def test_idle_session_expiry_is_thirty_minutes_and_sliding():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_idle_session_is_rejected_after_expiry(city_staff):
    # given: a signed-in session whose idle deadline has passed
    from django.contrib.sessions.models import Session

    client = Client()
    client.force_login(city_staff)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    # when
    response = client.get("/")
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_logout_requires_post_and_is_audited(city_staff, client_for):
    client = client_for(city_staff)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert AuditEntry.objects.filter(action="auth.logout", actor=city_staff).exists()


def test_csrf_is_enforced_on_login():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "a", "password": "b"}).status_code == 403


def test_api_token_authenticates_and_expired_token_does_not(city_staff):
    # given
    token, key = services.api_token_create(actor=city_staff, user=city_staff, name="统计接口")
    client = Client()
    # when / then
    me = client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 200
    assert me.json()["username"] == city_staff.username
    assert me.json()["roles"] == ["talent_office"]
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    assert client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert client.get("/api/auth/me", HTTP_AUTHORIZATION="Bearer rc_forged").status_code == 401


def test_token_key_is_stored_only_as_hash(city_staff):
    token, key = services.api_token_create(actor=city_staff, user=city_staff, name="x")
    assert key not in token.key_hash
    assert len(token.key_hash) == 64


def test_user_cannot_create_token_for_someone_else(city_staff, district_a_officer):
    from rencai.accounts.models import ApiToken
    from rencai.core.testing import assert_denied

    assert_denied(lambda: services.api_token_create(actor=district_a_officer, user=city_staff, name="x"), ApiToken)
