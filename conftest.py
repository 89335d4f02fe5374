"""Shared fixtures: the demo org tree is loaded once per test database, and one user per role.

Role fixtures follow the demo cities: 株洲 (ZZ) with districts 荷塘区 (ZZ-D01, "district A") and 芦淞区
(ZZ-D02, "district B"); 成都 (CD) as the other city.
"""

import pytest
from django.test import Client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from rencai.orgs import demo

        demo.load()


def _make_user(username, role, unit_code, *, superuser=False):
    from rencai.accounts.models import User
    from rencai.orgs import services
    from rencai.orgs.models import OrgUnit

    user = User.objects.create(username=username, full_name=username, is_superuser=superuser, is_staff=superuser)
    user.set_password("Passw0rd!x")
    user.save()
    unit = OrgUnit.objects.get(code=unit_code) if unit_code else None
    services.membership_assign(actor=None, user=user, unit=unit, role=role)
    return User.objects.get(pk=user.pk)  # fresh object: no cached scope


@pytest.fixture
def unit(db):
    from rencai.orgs.models import OrgUnit

    return lambda code: OrgUnit.objects.get(code=code)


@pytest.fixture
def system_admin(db):
    return _make_user("t_admin", "system_admin", None, superuser=True)


@pytest.fixture
def city_staff(db):
    return _make_user("t_zz_office", "talent_office", "ZZ-RCB")


@pytest.fixture
def leader(db):
    return _make_user("t_zz_leader", "leader", "ZZ-RCB")


@pytest.fixture
def unit_officer(db):
    return _make_user("t_zz_kjj", "unit_officer", "ZZ-KJJ")


@pytest.fixture
def district_a_officer(db):
    return _make_user("t_hetang", "district_officer", "ZZ-D01")


@pytest.fixture
def district_b_officer(db):
    return _make_user("t_lusong", "district_officer", "ZZ-D02")


@pytest.fixture
def reviewer(db):
    return _make_user("t_reviewer", "reviewer", "ZZ-D01-RSJ")


@pytest.fixture
def other_city_staff(db):
    return _make_user("t_cd_office", "talent_office", "CD-RCB")


@pytest.fixture
def talent_user(db):
    return _make_user("t_talent", "talent", None)


@pytest.fixture
def verifier(db):
    return _make_user("t_verifier", "verifier", "ZZ-WJW")


@pytest.fixture
def client_for():
    """`client_for(user)` returns a logged-in test client (None: anonymous)."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
