import pytest

from rencai.audit.models import AuditEntry
from rencai.core.exceptions import ApplicationError
from rencai.core.testing import assert_denied
from rencai.orgs import selectors, services
from rencai.orgs.choices import UnitKind
from rencai.orgs.models import Membership, OrgUnit, OrgUnitAlias


def test_district_officer_adds_unit_in_own_district(district_a_officer, unit):
    # when
    new = services.org_unit_create(actor=district_a_officer, code="ZZ-D01-JYJ", name="荷塘区教育局", kind=UnitKind.GOVERNMENT,
                                   parent=unit("ZZ-D01"), short_name="区教育局")
    # then
    assert new.path == unit("ZZ-D01").path + f"{new.pk}/"
    assert new.region == unit("ZZ-D01")
    entry = AuditEntry.objects.get(action="orgs.unit.create", object_id=str(new.pk))
    assert entry.actor == district_a_officer
    assert entry.changes["name"] == {"old": None, "new": "荷塘区教育局"}


def test_district_officer_cannot_add_unit_in_another_district(district_a_officer, unit):
    assert_denied(lambda: services.org_unit_create(actor=district_a_officer, code="X1", name="越权单位",
                                                   kind=UnitKind.GOVERNMENT, parent=unit("ZZ-D02")), OrgUnit)


@pytest.mark.parametrize("fixture_name", ["unit_officer", "leader", "talent_user", "verifier", "reviewer"])
def test_roles_without_management_rights_cannot_add_units(db, request, fixture_name, unit):
    actor = request.getfixturevalue(fixture_name)
    assert_denied(lambda: services.org_unit_create(actor=actor, code="X2", name="越权单位", kind=UnitKind.GOVERNMENT,
                                                   parent=unit("ZZ-KJJ")), OrgUnit)


def test_only_admin_creates_a_city(city_staff, system_admin):
    assert_denied(lambda: services.org_unit_create(actor=city_staff, code="XA", name="新城市", kind=UnitKind.CITY), OrgUnit)
    city = services.org_unit_create(actor=system_admin, code="XA", name="新城市", kind=UnitKind.CITY)
    assert city.path == f"/{city.pk}/"


def test_duplicate_code_is_refused_with_chinese_message(system_admin, unit):
    with pytest.raises(ApplicationError, match="机构编码“ZZ-KJJ”已存在"):
        services.org_unit_create(actor=system_admin, code="ZZ-KJJ", name="重复", kind=UnitKind.GOVERNMENT, parent=unit("ZZ"))


def test_alias_resolves_names_as_documents_write_them(city_staff, unit):
    # given
    services.org_unit_alias_add(actor=city_staff, unit=unit("ZZ-RSJ"), alias="市人力资源社会保障局")
    zz = unit("ZZ")
    # then
    assert selectors.unit_resolve_name(city=zz, name="市人力资源社会保障局") == unit("ZZ-RSJ")
    assert selectors.unit_resolve_name(city=zz, name="市人社局") == unit("ZZ-RSJ")
    assert selectors.unit_resolve_name(city=zz, name="株洲市人力资源和社会保障局") == unit("ZZ-RSJ")
    assert selectors.unit_resolve_name(city=unit("CD"), name="市人社局") == unit("CD-RSJ")
    assert selectors.unit_resolve_name(city=zz, name="不存在的局") is None


def test_alias_cannot_point_to_two_units_of_one_city(city_staff, unit):
    with pytest.raises(ApplicationError, match="已用于本市"):
        services.org_unit_alias_add(actor=city_staff, unit=unit("ZZ-KJJ"), alias="市人社局")
    assert not OrgUnitAlias.objects.filter(unit=unit("ZZ-KJJ"), name="市人社局").exists()


def test_moving_a_unit_rewrites_its_subtree_paths(system_admin, unit):
    # given
    child = services.org_unit_create(actor=system_admin, code="ZZ-D01-RSJ-X", name="荷塘区人才服务中心",
                                     kind=UnitKind.INSTITUTION, parent=unit("ZZ-D01-RSJ"))
    # when
    services.org_unit_update(actor=system_admin, unit=unit("ZZ-D01-RSJ"), parent=unit("ZZ-D02"))
    # then
    child.refresh_from_db()
    assert child.path.startswith(unit("ZZ-D02").path)
    assert child.region == unit("ZZ-D02")


def test_cannot_move_unit_under_itself(system_admin, unit):
    with pytest.raises(ApplicationError, match="自己的下级"):
        services.org_unit_update(actor=system_admin, unit=unit("ZZ-D01"), parent=unit("ZZ-D01-RSJ"))


def test_group_expansion(unit):
    zz = unit("ZZ")
    districts = selectors.unit_group_expand(group=selectors.unit_group_resolve(city=zz, name="各县市区"))
    assert [d.name for d in districts] == ["荷塘区", "芦淞区", "石峰区", "天元区", "渌口区", "醴陵市", "攸县", "茶陵县", "炎陵县"]
    colleges = selectors.unit_group_expand(group=selectors.unit_group_resolve(city=zz, name="有关职业院校"))
    assert len(colleges) == 3


def test_membership_assignment_is_admin_only(city_staff, district_a_officer, unit):
    assert_denied(lambda: services.membership_assign(actor=city_staff, user=district_a_officer, unit=unit("ZZ"),
                                                     role="talent_office"), Membership)
