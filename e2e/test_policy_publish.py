"""Upload seed 002 in the browser, correct one unit, publish, and see 30 tasks assigned in the ledger."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from rencai.orgs.demo_data import DEMO_PASSWORD

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "002_19ffc302811514d8.txt"
pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside the repository")]


def test_upload_correct_publish_seed_002(live_server, page, demo_world):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("zz_rcb")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="政策任务").click()
    # upload
    page.locator("#upload-form input[type=file]").set_input_files(str(SEED))
    page.get_by_role("button", name="上传并解析").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("主要任务分工方案")
    expect(page.locator(".card.task")).to_have_count(30)
    expect(page.locator(".card").first).to_contain_text("排第一的为牵头单位")
    # correct one unit of task 7: 市科协 replaced by 市委宣传部
    task7 = page.locator("#task-7")
    task7.get_by_text("修改").click()
    units = task7.get_by_label("单位(用、分隔,牵头在前)")
    units.fill(units.input_value().replace("市科协", "市委宣传部"))
    task7.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("第 7 项任务已更新")
    expect(page.locator("#task-7")).to_contain_text("市委宣传部")
    # publish and see the ledger
    page.get_by_role("button", name="发布 30 项任务").click()
    expect(page.locator(".messages")).to_contain_text("已发布:30 项任务")
    expect(page.locator("#ledger tbody tr")).to_have_count(30)
    expect(page.locator(".pager")).to_contain_text("30 项")
    row7 = page.locator("#ledger tbody tr").filter(has_text="柔性引才汇智工程")
    expect(row7).to_contain_text("市委宣传部")
    expect(row7).not_to_contain_text("市科协")
