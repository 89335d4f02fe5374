"""Browser flow of supervision: plan, report, light, notice, answer, dashboard."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rencai.orgs.demo_data import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")


@pytest.fixture
def tasks(demo_world):
    from rencai.orgs.models import OrgUnit
    from rencai.supervision.tests.factories import make_policy, make_task

    zz = OrgUnit.objects.get(code="ZZ")
    policy = make_policy(zz)
    today = timezone.localdate()
    t1 = make_task(policy, zz, 1, "ZZ-KJJ", ("ZZ-D01",), title="顶尖人才引领工程", start=today - timedelta(days=100),
                   due=today + timedelta(days=200))
    make_task(policy, zz, 2, "ZZ-ZZB", ("ZZ-RSJ",), title="领军人才集聚工程", start=today - timedelta(days=100),
              due=today - timedelta(days=1))
    return {"policy": policy, "t1": t1, "today": today}


def test_plan_report_notice_and_dashboard(live_server, browser, tasks):
    base = live_server.url
    office = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    lead = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    district = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    today = tasks["today"]
    # the talent office starts supervision of the policy
    login(office, base, "zz_rcb")
    office.goto(f"{base}/supervision/tasks/{tasks['t1'].pk}/")
    office.get_by_label("报送周期").select_option("quarterly")
    office.get_by_label("开始日期").fill((today - timedelta(days=100)).isoformat())
    office.get_by_label("结束日期").fill((today + timedelta(days=200)).isoformat())
    office.get_by_role("button", name="启动").click()
    expect(office.locator(".messages")).to_contain_text("已启动督办")
    # the lead unit plans a milestone that is already overdue
    login(lead, base, "zz_kjj")
    lead.goto(f"{base}/supervision/my/")
    lead.get_by_role("link", name="顶尖人才引领工程").click()
    lead.locator("#id_m-0-title").fill("出台院士潜力人选引进培养办法")
    lead.locator("#id_m-0-due_date").fill((today - timedelta(days=3)).isoformat())
    lead.get_by_role("button", name="保存计划").click()
    expect(lead.locator(".messages")).to_contain_text("计划已保存")
    # the co-responsible district reports, and the light shows red with its rule
    login(district, base, "zz_hetang")
    district.goto(f"{base}/supervision/tasks/{tasks['t1'].pk}/")
    district.get_by_label("完成比例(%)").fill("30")
    district.get_by_label("进展情况").fill("已完成摸底调查")
    district.get_by_role("button", name="报送", exact=True).click()
    expect(district.locator(".messages")).to_contain_text("进度已报送")
    expect(district.locator("#status-rule")).to_contain_text("出台院士潜力人选引进培养办法")
    # the office issues a notice to the lead unit, which answers it
    office.reload()
    office.locator("#notice-form").get_by_label("督办对象").select_option(label="市科技局")
    office.locator("#notice-form").get_by_label("督办事项").fill("请说明办法出台滞后的原因")
    office.locator("#notice-form").get_by_label("答复期限").fill((today + timedelta(days=5)).isoformat())
    office.get_by_role("button", name="签发督办单").click()
    expect(office.locator(".notice")).to_contain_text("督办〔")
    lead.reload()
    lead.get_by_label("答复内容").fill("已报市政府常务会审议")
    lead.get_by_role("button", name="答复").click()
    expect(lead.locator(".notice")).to_contain_text("已报市政府常务会审议")
    # the dashboard draws its charts
    office.goto(f"{base}/supervision/dashboard/")
    expect(office.locator("body[data-charts-ready='1']")).to_have_count(1)
    expect(office.locator("#chart-policy canvas")).to_have_count(1)
    assert int(office.locator("#n-red").inner_text()) >= 1
