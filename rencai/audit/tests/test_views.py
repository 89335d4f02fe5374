from rencai.audit.services import audit_record


def test_audit_page_is_admin_only(system_admin, city_staff, district_a_officer, client_for):
    assert client_for(city_staff).get("/audit/entries/").status_code == 403
    assert client_for(district_a_officer).get("/audit/entries/").status_code == 403
    assert client_for(None).get("/audit/entries/").status_code == 302
    assert client_for(system_admin).get("/audit/entries/").status_code == 200


def test_audit_page_filters_by_action(system_admin, client_for):
    audit_record(actor=system_admin, action="orgs.unit.create", object_type="orgs.orgunit", object_repr="甲单位")
    audit_record(actor=system_admin, action="auth.login", object_type="accounts.user", object_repr="乙用户")
    page = client_for(system_admin).get("/audit/entries/", {"action": "orgs."}).content.decode()
    assert "甲单位" in page
    assert "乙用户" not in page


def test_audit_api_is_admin_only_and_verifies(system_admin, city_staff, client_for):
    assert client_for(city_staff).get("/api/audit/entries").status_code == 403
    response = client_for(system_admin).get("/api/audit/verify")
    assert response.status_code == 200
    assert response.json()["ok"] is True


def test_admin_site_shows_audit_read_only(system_admin, client_for):
    client = client_for(system_admin)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
