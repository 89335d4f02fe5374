"""A clerk uploads a file with an error, downloads the error report, fixes the marked cell and imports it."""

import csv

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from rencai.orgs.demo_data import DEMO_PASSWORD
from rencai.talents.constants import COLUMNS
from rencai.talents.demo_data import Generator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_upload_with_errors_download_report_fix_and_import(live_server, page, demo_world, tmp_path, settings):
    # given: a file of three people, the second with a mobile number one digit short
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [Generator(seed=7).row(i) for i in (1, 2, 3)]
    for row in rows:
        row["所属区县"] = "荷塘区"
    rows[1]["手机号"] = "1381234567"
    source = tmp_path / "人才.csv"
    with open(source, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows([[r[c] for c in COLUMNS] for r in rows])
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("zz_rcb")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="人才信息库").click()
    page.get_by_role("link", name="从 Excel/CSV 导入").click()
    # when: the clerk uploads it
    page.locator("input[type=file]").set_input_files(str(source))
    page.get_by_role("button", name="上传并导入").click()
    # then: nothing imported, the error is listed with row and column
    expect(page.locator("#import-status")).to_have_text("未导入(有错误)")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("3")
    expect(errors).to_contain_text("手机号")
    # when: the report is downloaded, the marked cell fixed, and the report uploaded again
    with page.expect_download() as info:
        page.get_by_role("link", name="下载错误报告(Excel,已标出错误单元格)").click()
    report = tmp_path / "report.xlsx"
    info.value.save_as(report)
    wb = load_workbook(report)
    ws = wb.active
    mobile = ws.cell(row=3, column=COLUMNS.index("手机号") + 1)
    assert mobile.fill.fgColor.rgb.endswith("FFC7CE")
    mobile.value = "13812345678"
    fixed = tmp_path / "人才-已改正.xlsx"
    wb.save(fixed)
    page.get_by_role("link", name="← 导入人才信息").click()
    page.locator("input[type=file]").set_input_files(str(fixed))
    page.get_by_role("button", name="上传并导入").click()
    # then: all three are in the registry, masked
    expect(page.locator("#import-status")).to_have_text("已完成")
    expect(page.get_by_role("status")).to_contain_text("新增 3 人")
    page.get_by_role("link", name="查看人才信息库").click()
    table = page.locator("#talent-table")
    expect(table).to_contain_text("共 3 人")
    expect(table).not_to_contain_text(rows[0]["身份证号"])
    expect(table).to_contain_text(rows[0]["身份证号"][:4] + "**********" + rows[0]["身份证号"][-4:])
