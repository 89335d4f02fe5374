import csv
import io
from io import BytesIO

from openpyxl import Workbook, load_workbook

from rencai.audit.models import AuditEntry
from rencai.orgs import exporters, importers
from rencai.orgs.models import OrgUnit


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


HEADER = ["机构编码", "机构全称", "简称", "类型", "上级机构编码", "别名", "排序"]


def test_imports_a_new_city_with_children_in_any_order(system_admin):
    # given: the child row comes before its parent
    stream = _xlsx([HEADER,
                    ["XZ-RSJ", "湘潭市人力资源和社会保障局", "市人社局", "政府部门", "XZ", "人社局、市人力资源社会保障局", 1],
                    ["XZ", "湘潭市", "湘潭", "市", "", "", 0],
                    ["XZ-D01", "雨湖区", "", "区县(市)", "XZ", "", 1]])
    # when
    result = importers.org_units_import(actor=system_admin, stream=stream, filename="units.xlsx")
    # then
    assert (result.created, result.updated, result.errors) == (3, 0, [])
    rsj = OrgUnit.objects.get(code="XZ-RSJ")
    assert rsj.parent.code == "XZ"
    assert sorted(a.name for a in rsj.aliases.all()) == ["人社局", "市人力资源社会保障局"]
    assert AuditEntry.objects.filter(action="orgs.unit.import").count() == 1


def test_all_errors_reported_with_row_and_column_and_nothing_saved(system_admin):
    stream = _xlsx([HEADER,
                    ["XZ", "湘潭市", "", "市", "", "", ""],
                    ["", "缺编码单位", "", "政府部门", "XZ", "", ""],
                    ["XZ-A", "甲局", "", "火星部门", "XZ", "", ""],
                    ["XZ-B", "乙局", "", "政府部门", "NOPE", "", "x"],
                    ["XZ-A", "甲局重复", "", "政府部门", "XZ", "", ""]])
    before = OrgUnit.objects.count()
    result = importers.org_units_import(actor=system_admin, stream=stream, filename="units.xlsx")
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "机构编码"), (4, "类型"), (5, "上级机构编码"), (5, "排序"), (6, "机构编码")]
    assert "第 4 行" in next(e.message for e in result.errors if e.row == 6)
    assert OrgUnit.objects.count() == before


def test_parent_cycle_is_reported(system_admin, unit):
    stream = _xlsx([HEADER, ["C1", "甲", "", "政府部门", "C2", "", ""], ["C2", "乙", "", "政府部门", "C1", "", ""]])
    result = importers.org_units_import(actor=system_admin, stream=stream, filename="u.xlsx")
    assert any("成环" in e.message for e in result.errors)


def test_gb18030_csv_is_read(system_admin, unit):
    text = "机构编码,机构全称,类型,上级机构编码\nZZ-D01-WJ,荷塘区卫生健康局,政府部门,ZZ-D01\n"
    result = importers.org_units_import(actor=system_admin, stream=io.BytesIO(text.encode("gb18030")), filename="u.csv")
    assert result.created == 1
    assert OrgUnit.objects.get(code="ZZ-D01-WJ").name == "荷塘区卫生健康局"


def test_district_officer_import_outside_district_fails_whole_file(district_a_officer, unit):
    stream = _xlsx([HEADER, ["ZZ-D01-N1", "荷塘区新单位", "", "政府部门", "ZZ-D01", "", ""],
                    ["ZZ-D02-N1", "芦淞区新单位", "", "政府部门", "ZZ-D02", "", ""]])
    before = OrgUnit.objects.count()
    try:
        importers.org_units_import(actor=district_a_officer, stream=stream, filename="u.xlsx")
    except importers.OrgImportError as exc:
        assert "第 3 行" in exc.message
    else:
        raise AssertionError("import across districts must fail")
    assert OrgUnit.objects.count() == before


def test_export_roundtrips_through_import(city_staff, system_admin):
    content = exporters.org_units_export(actor=city_staff)
    ws = load_workbook(BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert ws.freeze_panes == "A2"
    result = importers.org_units_import(actor=system_admin, stream=BytesIO(content), filename="export.xlsx")
    assert result.errors == []
    assert result.created == 0
    assert result.updated == len(rows) - 1


def test_header_missing_required_column_is_a_clear_error(system_admin):
    stream = io.BytesIO("名称\n甲\n".encode())
    try:
        importers.org_units_import(actor=system_admin, stream=stream, filename="u.csv")
    except importers.OrgImportError as exc:
        assert "机构编码" in exc.message and "类型" in exc.message
    else:
        raise AssertionError


def test_import_page_shows_row_errors(system_admin, client_for):
    buf = io.StringIO()
    csv.writer(buf).writerows([["机构编码", "机构全称", "类型", "上级机构编码"], ["Q1", "无上级", "政府部门", ""]])
    upload = io.BytesIO(buf.getvalue().encode("utf-8-sig"))
    upload.name = "u.csv"
    page = client_for(system_admin).post("/orgs/units/import/", {"file": upload}).content.decode()
    assert "只有市或新区可以没有上级机构" in page
