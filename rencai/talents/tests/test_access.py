"""Masking everywhere (page, API, export, admin), unmasking audited, scope district A vs B, export safety."""

import csv
import io

import pytest
from openpyxl import load_workbook

from rencai.audit.models import AuditEntry
from rencai.core.testing import assert_denied
from rencai.talents import crypto, exporters, selectors, services
from rencai.talents.importers import talents_import_stream
from rencai.talents.models import Talent, TalentHistory

from .conftest import csv_bytes, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_districts():
    """One talent in 荷塘区 (district A) and one in 芦淞区 (district B); returns their rows."""
    a = person(1, 姓名="荷塘人", 工作单位="=cmd|' /C calc'!A0")
    b = person(2, 姓名="芦淞人", 所属区县="芦淞区", 手机号="13900000000")
    a["工作单位"] = "株洲公式科技有限公司"
    result = talents_import_stream(actor=None, stream=csv_bytes([a, b]), filename="t.csv")
    assert result.committed
    return a, b


def full_values(rows):
    return [r["身份证号"] for r in rows] + [r["手机号"] for r in rows]


def test_list_page_and_detail_are_masked(client_for, city_staff, two_districts):
    client = client_for(city_staff)
    page = client.get("/talents/").content.decode()
    detail = client.get(f"/talents/{Talent.objects.get(name='荷塘人').pk}/").content.decode()
    for value in full_values(two_districts):
        assert value not in page and value not in detail
    assert two_districts[0]["身份证号"][:4] + "**********" + two_districts[0]["身份证号"][-4:] in page
    assert "138****5678" in detail


def test_api_is_masked(client_for, city_staff, two_districts):
    client = client_for(city_staff)
    body = client.get("/api/talents/talents").content.decode()
    one = client.get(f"/api/talents/talents/{Talent.objects.get(name='荷塘人').pk}").json()
    for value in full_values(two_districts):
        assert value not in body and value not in str(one)
    assert "pii" not in one and "id_hash" not in one
    assert one["id_number_masked"].count("*") == 10


def test_admin_is_masked(client_for, system_admin, two_districts):
    client = client_for(system_admin)
    talent = Talent.objects.get(name="荷塘人")
    pages = client.get("/admin/talents/talent/").content.decode() + \
        client.get(f"/admin/talents/talent/{talent.pk}/change/").content.decode()
    for value in full_values(two_districts):
        assert value not in pages
    assert talent.pii not in pages


def test_exports_are_masked_and_audited(city_staff, two_districts):
    content = exporters.talents_export(actor=city_staff, fmt="xlsx")
    csv_text = b"".join(exporters.talents_export(actor=city_staff, fmt="csv")).decode("utf-8-sig")
    ws = load_workbook(io.BytesIO(content)).active
    cells = " ".join(str(c.value) for row in ws.iter_rows() for c in row)
    for value in full_values(two_districts):
        assert value not in cells and value not in csv_text
    entries = AuditEntry.objects.filter(action="talents.talent.export")
    assert [e.extra["rows"] for e in entries] == [2, 2]
    assert [e.extra["unmasked"] for e in entries] == [False, False]


def test_export_is_safe_against_formula_injection(city_staff):
    # given: text cells starting with = + - @ (a hostile employer name and honours)
    assert talents_import_stream(actor=None, stream=csv_bytes([person(5)]), filename="t.csv").committed
    Talent.objects.update(employer_name="=HYPERLINK(\"http://evil\",\"x\")", honours="@SUM(A1)", major="-2+3")
    # when
    rows = list(csv.reader(io.StringIO(b"".join(exporters.talents_export(actor=city_staff, fmt="csv")).decode("utf-8-sig"))))
    ws = load_workbook(io.BytesIO(exporters.talents_export(actor=city_staff, fmt="xlsx"))).active
    # then
    data = dict(zip(rows[0], rows[1]))
    assert (data["工作单位"], data["荣誉/奖项"], data["专业"]) == ("'=HYPERLINK(\"http://evil\",\"x\")", "'@SUM(A1)", "'-2+3")
    values = {c.value for row in ws.iter_rows(min_row=2) for c in row}
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in values
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)


def test_unmask_needs_permission_and_is_audited(client_for, city_staff, district_a_officer, two_districts):
    talent = Talent.objects.get(name="荷塘人")
    # denied for a district officer: no value, no audit entry
    assert_denied(lambda: services.talent_unmask(actor=district_a_officer, talent=talent, field="id_number"), Talent)
    response = client_for(district_a_officer).post(f"/talents/{talent.pk}/unmask/", {"field": "id_number"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="talents.talent.unmask").count() == 0
    # allowed for the talent office, with the field name (never the value) in the audit log
    response = client_for(city_staff).post(f"/talents/{talent.pk}/unmask/", {"field": "id_number"})
    assert two_districts[0]["身份证号"] in response.content.decode()
    api = client_for(city_staff).post(f"/api/talents/talents/{talent.pk}/unmask", {"field": "mobile"},
                                      content_type="application/json")
    assert api.json() == {"field": "mobile", "value": "13812345678"}
    entries = list(AuditEntry.objects.filter(action="talents.talent.unmask").order_by("seq"))
    assert [e.extra["field"] for e in entries] == ["id_number", "mobile"]
    assert all(two_districts[0]["身份证号"] not in str(e.changes) + str(e.extra) for e in AuditEntry.objects.all())


def test_unmasked_export_needs_permission_and_writes_an_unmask_event(city_staff, district_a_officer, two_districts):
    assert_denied(lambda: exporters.talents_export(actor=district_a_officer, fmt="csv", unmasked=True), Talent)
    text = b"".join(exporters.talents_export(actor=city_staff, fmt="csv", unmasked=True)).decode("utf-8-sig")
    assert two_districts[0]["身份证号"] in text
    assert AuditEntry.objects.filter(action="talents.talent.unmask", extra__via="export").count() == 1


def test_django_permission_also_allows_unmasking(reviewer, two_districts):
    from django.contrib.auth.models import Permission

    talent = Talent.objects.get(name="荷塘人")
    reviewer.user_permissions.add(Permission.objects.get(codename="unmask_talent"))
    from rencai.accounts.models import User

    reviewer = User.objects.get(pk=reviewer.pk)
    assert services.talent_unmask(actor=reviewer, talent=talent, field="id_number") == two_districts[0]["身份证号"]


def test_district_sees_only_its_own_talents(client_for, district_a_officer, district_b_officer, two_districts):
    a_names = [t.name for t in selectors.talent_search(actor=district_a_officer).rows]
    b_names = [t.name for t in selectors.talent_search(actor=district_b_officer).rows]
    assert (a_names, b_names) == (["荷塘人"], ["芦淞人"])
    other = Talent.objects.get(name="芦淞人")
    assert client_for(district_a_officer).get(f"/talents/{other.pk}/").status_code == 404
    assert client_for(district_a_officer).get(f"/api/talents/talents/{other.pk}").status_code == 404
    assert "芦淞人" not in client_for(district_a_officer).get("/api/talents/talents").content.decode()
    export = b"".join(exporters.talents_export(actor=district_a_officer, fmt="csv")).decode("utf-8-sig")
    assert "荷塘人" in export and "芦淞人" not in export
    assert client_for(district_a_officer).get(f"/admin/talents/talent/{other.pk}/change/").status_code in (302, 403, 404)


def test_other_city_and_verifier_see_nothing(other_city_staff, verifier, client_for, two_districts):
    assert selectors.talent_search(actor=other_city_staff).rows == []
    assert client_for(verifier).get("/talents/").status_code == 403


def test_search_by_prefix_and_exact_id_and_filters(city_staff, two_districts):
    def names(**filters):
        return [t.name for t in selectors.talent_search(actor=city_staff, filters=filters).rows]

    assert names(q="荷塘") == ["荷塘人"]
    assert names(q="株洲") == ["芦淞人", "荷塘人"]
    assert names(q=two_districts[1]["身份证号"]) == ["芦淞人"]
    assert names(q="13900000000") == ["芦淞人"]
    assert names(education="doctorate", tier="C", industry="C", introduced_from="2020-01-01") == ["芦淞人", "荷塘人"]
    assert names(introduced_to="2019-01-01") == []
    assert names(sort="name") == sorted(["芦淞人", "荷塘人"])


def test_talent_update_keeps_history_and_audits_mobile_as_changed(city_staff, district_b_officer, two_districts):
    talent = Talent.objects.get(name="荷塘人")
    assert_denied(lambda: services.talent_update(actor=district_b_officer, talent=talent, title="教授"), TalentHistory)
    services.talent_update(actor=city_staff, talent=talent, title="教授", mobile="13600000000")
    talent.refresh_from_db()
    assert (talent.title_level, talent.mobile_masked, talent.version) == ("senior", "136****0000", 2)
    assert crypto.decrypt_pii(talent.pii) == {"id": two_districts[0]["身份证号"], "mobile": "13600000000"}
    entry = AuditEntry.objects.get(action="talents.talent.update")
    assert entry.changes["mobile"] == {"changed": True}
    assert entry.changes["title"] == {"old": "正高级工程师", "new": "教授"}
    assert TalentHistory.objects.get(talent=talent).snapshot["title"] == "正高级工程师"


def test_key_rotation_reencrypts_every_row_and_keeps_lookups(settings, two_districts):
    from cryptography.fernet import Fernet

    old_tokens = set(Talent.objects.values_list("pii", flat=True))
    settings.RENCAI_FIELD_KEY = Fernet.generate_key().decode() + "," + settings.RENCAI_FIELD_KEY
    assert services.talent_keys_rotate(actor=None, batch_size=1) == 2
    assert not old_tokens & set(Talent.objects.values_list("pii", flat=True))
    settings.RENCAI_FIELD_KEY = settings.RENCAI_FIELD_KEY.split(",")[0]  # the old key removed
    talent = Talent.objects.get(name="芦淞人")
    assert crypto.decrypt_pii(talent.pii)["mobile"] == "13900000000"
    assert selectors.talent_list(actor=None, filters={"q": two_districts[1]["身份证号"]}).get() == talent
    assert services.talent_keys_rotate(actor=None) == 0


def test_bulk_tokens_are_standard_fernet_tokens(settings):
    from cryptography.fernet import Fernet

    token = crypto.encryptor()({"id": "510104199001011234", "mobile": "13812345678"})
    plain = Fernet(settings.RENCAI_FIELD_KEY.split(",")[0].encode()).decrypt(token.encode())
    assert plain == b'{"id":"510104199001011234","mobile":"13812345678"}'
    assert crypto.hasher()("X1") == crypto.keyed_hash("X1")


def test_upload_page_runs_the_import_and_offers_the_report(client_for, city_staff, django_capture_on_commit_callbacks):
    client = client_for(city_staff)
    data = csv_bytes([person(1), person(2, 学历="幼儿园")])
    data.name = "人才.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/talents/imports/", {"file": data})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "发现 1 处错误" in page
    assert "下载错误报告" in page
    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    report = client.get(f"/talents/imports/{job_id}/report/")
    assert report.status_code == 200
    assert client.get(f"/api/talents/imports/{job_id}").json()["error_rows"] == 1
    assert Talent.objects.count() == 0
