from rencai.accounts.models import User
from rencai.audit.models import AuditEntry


def test_user_page_is_for_system_admins_only(district_a_officer, city_staff, system_admin, client_for):
    assert client_for(district_a_officer).get("/accounts/users/").status_code == 403
    assert client_for(city_staff).get("/accounts/users/").status_code == 403
    assert client_for(system_admin).get("/accounts/users/").status_code == 200


def test_admin_creates_user_with_role(system_admin, client_for, unit):
    # when
    response = client_for(system_admin).post("/accounts/users/", {
        "username": "new_officer", "full_name": "新同事", "password": "Good-passw0rd", "role": "district_officer",
        "unit": unit("ZZ-D03").pk,
    })
    # then
    assert response.status_code == 302
    user = User.objects.get(username="new_officer")
    assert [(m.role, m.unit.code) for m in user.memberships.all()] == [("district_officer", "ZZ-D03")]
    create = AuditEntry.objects.get(action="accounts.user.create", object_id=str(user.pk))
    assert create.changes["password"] == {"changed": True}


def test_weak_password_shows_chinese_error_and_creates_nothing(system_admin, client_for, unit):
    response = client_for(system_admin).post("/accounts/users/", {
        "username": "weak", "password": "abc", "role": "leader", "unit": unit("ZZ-RCB").pk})
    assert response.status_code == 200
    assert "密码不符合要求" in response.content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_createadmin_command_enforces_policy_and_creates_system_admin(db, monkeypatch):
    import pytest
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from rencai.core.scope import scope_for

    monkeypatch.setenv("RENCAI_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("createadmin", "--username", "ops", "--noinput")
    monkeypatch.setenv("RENCAI_ADMIN_PASSWORD", "Ops-admin-2026")
    call_command("createadmin", "--username", "ops", "--noinput")
    user = User.objects.get(username="ops")
    assert user.is_superuser
    assert scope_for(user).everything
