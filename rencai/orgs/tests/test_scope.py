"""The one scoping rule, for every role: who sees which org units (HTML, API, export, admin)."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from rencai.orgs import selectors
from rencai.orgs.models import OrgUnit


def _codes(user):
    return set(selectors.org_unit_list(actor=user).values_list("code", flat=True))


def test_system_admin_sees_every_city(system_admin):
    assert {"ZZ", "CD", "GY", "HLGE", "QD", "CD-D05", "QD-KJJ"} <= _codes(system_admin)


@pytest.mark.parametrize("fixture_name", ["city_staff", "leader"])
def test_city_roles_see_their_whole_city_only(db, request, fixture_name):
    codes = _codes(request.getfixturevalue(fixture_name))
    assert {"ZZ", "ZZ-KJJ", "ZZ-D01", "ZZ-D02-RSJ"} <= codes
    assert not any(code.startswith("CD") for code in codes)


def test_district_officer_sees_own_district_and_its_ancestors_only(district_a_officer):
    codes = _codes(district_a_officer)
    assert codes == {"ZZ", "ZZ-D01", "ZZ-D01-ZZB", "ZZ-D01-RSJ", "ZZ-D01-KJJ"}


def test_unit_officer_sees_own_unit(unit_officer):
    assert _codes(unit_officer) == {"ZZ", "ZZ-KJJ"}


def test_reviewer_sees_the_region_of_their_unit(reviewer):
    assert "ZZ-D01-KJJ" in _codes(reviewer)
    assert "ZZ-D02" not in _codes(reviewer)


@pytest.mark.parametrize("fixture_name", ["talent_user", "verifier"])
def test_talents_and_verifiers_see_no_org_units(db, request, fixture_name):
    assert _codes(request.getfixturevalue(fixture_name)) == set()


def test_anonymous_is_sent_to_login(client_for):
    response = client_for(None).get("/orgs/units/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_district_a_cannot_list_district_b(district_a_officer, client_for):
    page = client_for(district_a_officer).get("/orgs/units/").content.decode()
    assert "荷塘区委组织部" in page
    assert "芦淞区" not in page


def test_district_a_cannot_read_district_b_by_id(district_a_officer, client_for, unit):
    b = unit("ZZ-D02-RSJ")
    client = client_for(district_a_officer)
    assert client.get(f"/orgs/units/{b.pk}/").status_code == 404
    assert client.get(f"/api/orgs/units/{b.pk}").status_code == 404
    missing = OrgUnit.objects.order_by("-pk").first().pk + 1000
    # the same answer for "exists elsewhere" and "does not exist": no guessing by id
    assert client.get(f"/api/orgs/units/{missing}").json() == client.get(f"/api/orgs/units/{b.pk}").json()


def test_district_a_cannot_export_district_b(district_a_officer, client_for):
    content = client_for(district_a_officer).get("/orgs/units/export/").content
    ws = load_workbook(BytesIO(content)).active
    codes = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert codes == {"ZZ", "ZZ-D01", "ZZ-D01-ZZB", "ZZ-D01-RSJ", "ZZ-D01-KJJ"}


def test_api_list_is_scoped(district_a_officer, client_for):
    items = client_for(district_a_officer).get("/api/orgs/units?limit=500").json()["items"]
    assert {i["code"] for i in items} == {"ZZ", "ZZ-D01", "ZZ-D01-ZZB", "ZZ-D01-RSJ", "ZZ-D01-KJJ"}


def test_api_search_finds_unit_by_alias(city_staff, client_for):
    items = client_for(city_staff).get("/api/orgs/units", {"q": "市人社局"}).json()["items"]
    assert [i["code"] for i in items] == ["ZZ-RSJ"]


def test_other_city_staff_cannot_see_zhuzhou(other_city_staff, client_for, unit):
    client = client_for(other_city_staff)
    assert client.get(f"/orgs/units/{unit('ZZ-KJJ').pk}/").status_code == 404
    assert "株洲" not in client.get("/orgs/units/").content.decode()


def test_admin_site_is_scoped_too(district_a_officer, client_for, unit):
    from rencai.accounts.models import User

    User.objects.filter(pk=district_a_officer.pk).update(is_staff=True)
    district_a_officer.refresh_from_db()
    response = client_for(district_a_officer).get("/admin/orgs/orgunit/")
    # no model permission: the admin refuses outright rather than showing other districts
    assert response.status_code in (302, 403)
