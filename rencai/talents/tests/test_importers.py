import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from rencai.audit.models import AuditEntry
from rencai.talents import selectors, services
from rencai.talents.constants import COLUMNS
from rencai.talents.importers import TalentImportRejected, talents_import_stream
from rencai.talents.models import ImportJob, Talent, TalentHistory

from .conftest import csv_bytes, person, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(stream, filename="t.csv", actor=None, partial=False, job=None):
    return talents_import_stream(actor=actor, stream=stream, filename=filename, partial=partial, job=job)


def errors_of(result):
    return [(e.row, e.column) for e in result.errors]


def test_imports_valid_rows_with_excel_row_numbers():
    # given
    rows = [person(1), person(2, 姓名="李四", 所属区县="芦淞区", 手机号="")]
    # when
    result = run(csv_bytes(rows))
    # then
    assert (result.committed, result.created, result.errors) == (True, 2, [])
    talent = Talent.objects.get(name="李四")
    assert (talent.region.name, talent.source_row, talent.mobile_masked) == ("芦淞区", 3, "")
    assert talent.id_masked == rows[1]["身份证号"][:4] + "*" * 10 + rows[1]["身份证号"][-4:]
    assert rows[1]["身份证号"] not in talent.pii  # encrypted at rest
    assert AuditEntry.objects.filter(action="talents.talent.import").count() == 1


BAD_CELLS = [
    ("姓名", "", "不能为空"),
    ("身份证号", "43020219901301123X", "校验位错误"),
    ("身份证号", "5.10104E+17", "科学计数法"),
    ("性别", "未知", "应为“男”或“女”"),
    ("出生日期", "1988-01-01", "不一致"),
    ("手机号", "12345", "手机号应为"),
    ("学历", "幼儿园", "应为"),
    ("学位", "院士", "应为"),
    ("职称", "=HYPERLINK(\"http://x\")", "疑似公式"),
    ("统一社会信用代码", "91110000600037341A", "校验位错误"),
    ("所属区县", "火星区", "无法识别的区县"),
    ("所属行业", "Z99", "无法识别的行业"),
    ("引进方式(全职/柔性)", "兼任", "全职"),
    ("引进日期", "2099-01-01", "晚于今天"),
    ("年薪(万元)", "abc", "应为数字"),
    ("年薪(万元)", "500000", "疑似按“元”填写"),
    ("人才类别", "F类", "应为 A–E"),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_CELLS, ids=[f"{c}_{i}_case" for i, (c, _, _) in enumerate(BAD_CELLS)])
def test_every_error_kind_is_reported_with_row_column_and_reason(column, value, message):
    # given: a good row, then the bad one
    rows = [person(1), person(2, **{column: value})]
    # when
    result = run(csv_bytes(rows))
    # then
    assert errors_of(result) == [(3, column)]
    assert message in result.errors[0].message
    assert result.committed is False
    assert Talent.objects.count() == 0


def test_all_errors_at_once_and_nothing_saved_by_default():
    rows = [person(1), person(2, 性别="未知", 学历="幼儿园"), person(3), person(4, 所属区县="")]
    result = run(csv_bytes(rows))
    assert errors_of(result) == [(3, "性别"), (3, "学历"), (5, "所属区县")]
    assert (result.committed, result.error_rows, Talent.objects.count()) == (False, 2, 0)
    assert AuditEntry.objects.filter(action="talents.talent.import_rejected").count() == 1


def test_partial_commits_only_the_good_rows():
    rows = [person(1), person(2, 性别="未知"), person(3)]
    result = run(csv_bytes(rows), partial=True)
    assert (result.committed, result.created, result.error_rows) == (True, 2, 1)
    assert sorted(Talent.objects.values_list("source_row", flat=True)) == [2, 4]


def test_duplicate_person_in_one_file_is_an_error_pointing_to_the_first_row():
    job = ImportJob.objects.create(filename="t.csv")
    rows = [person(1), person(2), person(1, 姓名="张三丰")]
    result = run(csv_bytes(rows), job=job)
    assert errors_of(result) == [(4, "身份证号")]
    assert "第 2 行" in result.errors[0].message


def test_duplicate_across_chunks_is_found_through_the_database(monkeypatch):
    from rencai.talents import importers

    monkeypatch.setattr(importers, "CHUNK_SIZE", 2)
    job = ImportJob.objects.create(filename="t.csv")
    rows = [person(1), person(2), person(3), person(1)]
    stream = csv_bytes(rows)
    result = importers.TalentImporter(actor=None, job=job, chunk_size=2).run(importers.open_source(stream, "t.csv"))
    assert errors_of(result) == [(5, "身份证号")]
    assert "第 2 行" in result.errors[0].message


def test_upsert_by_id_keeps_one_record_and_history_as_of():
    # given: imported once
    first = person(1)
    run(csv_bytes([first]))
    talent = Talent.objects.get()
    Talent.objects.filter(pk=talent.pk).update(created_at=dt.datetime(2019, 6, 1, tzinfo=dt.UTC))
    # when: the same person again with a new title, a new mobile and an empty school cell
    second = person(1, 职称="高级工程师", 手机号="13900000000", 毕业院校="")
    result = run(csv_bytes([second]))
    # then
    assert (result.created, result.updated, Talent.objects.count()) == (0, 1, 1)
    talent.refresh_from_db()
    assert (talent.title, talent.title_level, talent.school, talent.version) == ("高级工程师", "sub_senior", "中南大学", 2)
    history = TalentHistory.objects.get(talent=talent)
    assert history.changes["title"] == {"old": "正高级工程师", "new": "高级工程师"}
    assert history.changes["mobile"] == {"changed": True}
    assert "13900000000" not in str(history.changes) and "13812345678" not in str(history.snapshot)
    TalentHistory.objects.filter(pk=history.pk).update(changed_at=dt.datetime(2020, 6, 1, tzinfo=dt.UTC))
    as_of_2019 = selectors.talent_as_of(actor=None, talent=talent, on=dt.date(2019, 12, 31))
    assert as_of_2019["title"] == "正高级工程师"
    assert selectors.talent_as_of(actor=None, talent=talent, on=dt.date(2021, 1, 1))["title"] == "高级工程师"
    assert selectors.talent_as_of(actor=None, talent=talent, on=dt.date(2019, 1, 1)) is None
    assert selectors.talent_count_as_of(actor=None, on=dt.date(2019, 12, 31)) == 1
    assert selectors.talent_count_as_of(actor=None, on=dt.date(2019, 12, 31), by="title_level") == {"senior": 1}


def test_reimporting_the_same_file_changes_nothing():
    rows = [person(1), person(2)]
    run(csv_bytes(rows))
    result = run(csv_bytes(rows))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert TalentHistory.objects.count() == 0


def test_header_aliases_and_gb18030_and_bom():
    header = ["姓名", "身份证号码", "所属区县", "学历"]
    p = person(1)
    for encoding in ("gb18030", "utf-8-sig"):
        Talent.objects.all().delete()
        result = run(csv_bytes([{**p, "身份证号码": p["身份证号"]}], header=header, encoding=encoding))
        assert (result.committed, result.created) == (True, 1), encoding
    p = person(2)
    result = run(csv_bytes([{**p, "证件号码": p["身份证号"]}], header=["姓名", "证件号码", "所属区县"]))
    assert result.created == 1


def test_missing_required_column_rejects_the_file():
    with pytest.raises(TalentImportRejected, match="所属区县"):
        run(csv_bytes([person(1)], header=["姓名", "身份证号"]))


def test_empty_file_is_rejected():
    with pytest.raises(TalentImportRejected, match="没有数据行"):
        run(csv_bytes([]))


def test_a_million_columns_are_refused():
    header = ",".join(["姓名"] + [f"c{i}" for i in range(1_000_000)])
    with pytest.raises(TalentImportRejected, match="超过上限"):
        run(io.BytesIO(header.encode()))


def test_zip_bomb_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    buf.seek(0)
    with pytest.raises(TalentImportRejected, match="压缩炸弹"):
        run(buf, "bomb.xlsx")


def test_not_a_spreadsheet_is_refused():
    with pytest.raises(TalentImportRejected, match="只支持"):
        run(io.BytesIO(b"x"), "a.pdf")
    with pytest.raises(TalentImportRejected, match="不是有效的 .xlsx"):
        run(io.BytesIO(b"not a zip"), "a.xlsx")


def test_xlsx_with_hidden_sheet_merged_cells_and_excel_dates():
    # given: 所属区县 merged over both people; dates as real dates and as serial numbers; ID as text
    a, b = person(1), person(2)
    rows = [COLUMNS]
    for p, introduced in ((a, dt.datetime(2020, 3, 1)), (b, 43891)):
        values = [p[c] for c in COLUMNS]
        values[COLUMNS.index("引进日期")] = introduced
        values[COLUMNS.index("年薪(万元)")] = 50
        rows.append(values)
    rows[2][COLUMNS.index("所属区县")] = None
    district = COLUMNS.index("所属区县")
    letter = chr(ord("A") + district)
    stream = xlsx_bytes(rows, hidden_first=True, merges=[f"{letter}2:{letter}3"])
    # when
    result = run(stream, "t.xlsx")
    # then
    assert (result.committed, result.created, result.errors) == (True, 2, [])
    assert any("隐藏工作表" in w for w in result.warnings)
    assert any("合并单元格" in w for w in result.warnings)
    assert sorted(Talent.objects.values_list("introduced_on", flat=True)) == [dt.date(2020, 3, 1), dt.date(2020, 3, 1)]
    assert set(Talent.objects.values_list("region__name", flat=True)) == {"荷塘区"}


def test_id_number_stored_as_a_number_in_excel_is_an_error():
    p = person(1)
    values = [p[c] for c in COLUMNS]
    values[1] = float(p["身份证号"][:-1] + "0")
    result = run(xlsx_bytes([COLUMNS, values]), "t.xlsx")
    assert errors_of(result) == [(2, "身份证号")]
    assert "文本" in result.errors[0].message


def test_district_officer_cannot_import_into_another_district(district_a_officer):
    result = run(csv_bytes([person(1), person(2, 所属区县="芦淞区")]), actor=district_a_officer)
    assert errors_of(result) == [(3, "所属区县")]
    assert "管辖范围" in result.errors[0].message


def test_district_officer_cannot_update_a_talent_of_another_district(district_a_officer):
    run(csv_bytes([person(1, 所属区县="芦淞区")]))
    result = run(csv_bytes([person(1, 所属区县="荷塘区")]), actor=district_a_officer)
    assert errors_of(result) == [(2, "身份证号")]
    assert Talent.objects.get().region.name == "芦淞区"


def test_job_run_writes_an_error_report_with_the_bad_cells_marked(system_admin, media_root):
    # given: an uploaded file with one bad row
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = csv_bytes([person(1), person(2, 手机号="12345")]).getvalue()
    job = services.import_job_create(actor=system_admin, upload=SimpleUploadedFile("人才.csv", data), partial=False)
    # when
    services.import_job_run(job_id=job.pk)
    # then
    job.refresh_from_db()
    assert (job.status, job.error_count, job.created_count) == ("failed", 1, 0)
    wb = load_workbook(media_root / job.report_path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header[-1] == "错误说明" and header[:-1] == COLUMNS
    bad = ws.cell(row=3, column=COLUMNS.index("手机号") + 1)
    assert bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert "手机号应为" in ws.cell(row=3, column=len(header)).value
    assert ws.cell(row=2, column=len(header)).value in (None, "")
    # and the fixed report imports cleanly
    ws.cell(row=3, column=COLUMNS.index("手机号") + 1).value = "13700000000"
    fixed = io.BytesIO()
    wb.save(fixed)
    fixed.seek(0)
    result = run(fixed, "fixed.xlsx")
    assert (result.committed, result.created) == (True, 2)


def test_command_exits_non_zero_when_it_imported_nothing(tmp_path):
    from django.core.management import CommandError, call_command

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([person(1, 性别="未知")]).getvalue())
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("talent_import", str(bad), "--no-progress")
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([person(1)]).getvalue())
    call_command("talent_import", str(good), "--no-progress")
    assert Talent.objects.count() == 1
    assert ImportJob.objects.order_by("-id").first().status == "succeeded"


def _validators(actor=None):
    from rencai.talents import crypto, importers

    imp = importers.TalentImporter(actor=actor)
    imp._map_header(COLUMNS)
    imp.regions = importers.RegionResolver(actor)
    imp.hash, imp.encrypt, imp.key_id = crypto.hasher(), crypto.encryptor(), crypto.primary_key_id()
    imp._prepare_sql()
    imp._fast_caches()
    return imp


VARIANTS = [{}, {"手机号": ""}, {"职称": ""}, {"人才类别": ""}, {"性别": "女"}, {"出生日期": "1990-01-01"},
            {"年薪(万元)": "30万"}, {"手机号": "+86 13812345678"}, {"所属区县": "株洲市荷塘区"}, {"标签": "在外株洲籍、博士"},
            {"引进日期": "2020/3/1"}, {"职称": "x" * 60}, {"荣誉/奖项": "y" * 80}, {"人才类别": "c类"}]


@pytest.mark.parametrize("change", VARIANTS + [{c: v} for c, v, _ in BAD_CELLS],
                         ids=[f"variant_{i}_case" for i in range(len(VARIANTS) + len(BAD_CELLS))])
def test_fast_path_agrees_with_the_reference_validator(change):
    from rencai.talents import crypto

    imp = _validators()
    row = [person(3, **change).get(c) or None for c in COLUMNS] + [None, change.get("标签") or None]
    fast = imp._validate_fast(2, list(row))
    errors = []
    slow = imp._validate(2, list(row), errors)
    if fast is not None:
        assert not errors
        pii = 6
        assert fast[:pii] + fast[pii + 1:] == slow[:pii] + slow[pii + 1:]
        assert crypto.decrypt_pii(fast[pii]) == crypto.decrypt_pii(slow[pii])


def test_the_two_process_pipeline_gives_the_same_result(monkeypatch):
    from rencai.talents import importers

    rows = [person(i) for i in range(1, 30)] + [person(40, 性别="未知"), person(1)]
    job = ImportJob.objects.create(filename="t.csv")
    result = importers.TalentImporter(actor=None, job=job, parallel=True, chunk_size=7, partial=True).run(
        importers.open_source(csv_bytes(rows), "t.csv"))
    assert (result.created, errors_of(result)) == (29, [(31, "性别"), (32, "身份证号")])
