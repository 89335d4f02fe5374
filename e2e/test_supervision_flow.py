"""Issue 4 in the browser on seed 002: start, plan, two reports, red light, 催办, 督办单 answered, year closed and ranked."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rencai.orgs.demo_data import DEMO_PASSWORD

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "002_19ffc302811514d8.txt"
pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside the repository")]


def login(browser, base, username):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")
    return page


@pytest.fixture
def published(demo_world):
    """Seed 002's 30 tasks, published (the browser publish itself is e2e/test_policy_publish.py)."""
    from rencai.orgs.models import OrgUnit
    from rencai.policies import services as policy_services
    from rencai.supervision.models import Task

    document, _ = policy_services.policy_upload(actor=None, region=OrgUnit.objects.get(code="ZZ"),
                                                data=SEED.read_bytes(), filename="002.txt")
    policy_services.policy_publish(actor=None, document=document)
    return {n: Task.objects.get(policy=document, number=n) for n in (1, 2)}


def test_supervision_year_in_the_browser(live_server, browser, published):
    from rencai.supervision import services

    base, today = live_server.url, timezone.localdate()
    task1, task2 = published[1], published[2]
    office, lead, district = (login(browser, base, u) for u in ("zz_rcb", "zz_kjj", "zz_hetang"))
    # the talent office starts supervision (quarterly reports)
    office.goto(f"{base}/supervision/tasks/{task1.pk}/")
    office.get_by_label("报送周期").select_option("quarterly")
    office.get_by_label("开始日期").fill((today - timedelta(days=120)).isoformat())
    office.get_by_label("结束日期").fill((today + timedelta(days=200)).isoformat())
    office.get_by_role("button", name="启动").click()
    expect(office.locator(".messages")).to_contain_text("已启动督办")
    # the lead unit (市科技局) plans a milestone, already three days overdue, and reports
    lead.goto(f"{base}/supervision/my/")
    lead.get_by_role("link", name="顶尖人才引领工程").click()
    lead.locator("#id_m-0-title").fill("出台院士潜力人选引进培养办法")
    lead.locator("#id_m-0-due_date").fill((today - timedelta(days=3)).isoformat())
    lead.get_by_role("button", name="保存计划").click()
    expect(lead.locator(".messages")).to_contain_text("计划已保存")
    lead.get_by_label("完成比例(%)").fill("20")
    lead.get_by_label("进展情况").fill("办法已起草,正在征求意见")
    lead.get_by_role("button", name="报送", exact=True).click()
    expect(lead.locator(".messages")).to_contain_text("进度已报送")
    # the light is red, with the rule that made it red
    expect(lead.locator("h1 .light")).to_have_class("light light-red")
    expect(lead.locator("#status-rule")).to_contain_text("出台院士潜力人选引进培养办法")
    # a second unit (荷塘区) reports on task 2
    district.goto(f"{base}/supervision/tasks/{task2.pk}/")
    district.get_by_label("完成比例(%)").fill("35")
    district.get_by_label("进展情况").fill("完成领军人才项目资助申报")
    district.get_by_role("button", name="报送", exact=True).click()
    expect(district.locator(".messages")).to_contain_text("进度已报送")
    # the scheduled 催办 job runs: the lead unit sees the reminder
    services.reminders_run(today=today)
    lead.goto(f"{base}/supervision/notifications/")
    expect(lead.locator("table.data")).to_contain_text("已逾期 3 天")
    # the office issues a 督办单 and the lead unit answers it
    office.goto(f"{base}/supervision/tasks/{task1.pk}/")
    form = office.locator("#notice-form")
    form.get_by_label("督办对象").select_option(label="市科技局")
    form.get_by_label("督办事项").fill("请说明办法出台滞后的原因")
    form.get_by_label("答复期限").fill((today + timedelta(days=5)).isoformat())
    office.get_by_role("button", name="签发督办单").click()
    expect(office.locator(".notice")).to_contain_text("督办〔")
    lead.goto(f"{base}/supervision/tasks/{task1.pk}/")
    lead.get_by_label("答复内容").fill("已报市政府常务会审议")
    lead.get_by_role("button", name="答复").click()
    expect(lead.locator(".notice")).to_contain_text("已报市政府常务会审议")
    # the dashboard draws its charts
    office.goto(f"{base}/supervision/dashboard/")
    expect(office.locator("body[data-charts-ready='1']")).to_have_count(1)
    expect(office.locator("#chart-policy canvas")).to_have_count(1)
    # the year closes and the ranking explains every score
    office.goto(f"{base}/supervision/assessment/")
    office.get_by_role("button", name="新建考核方案").click()
    office.get_by_role("button", name="结束本年度考核并生成排名").click()
    expect(office.locator(".messages")).to_contain_text("排名已生成")
    row = office.locator("#ranking tbody tr").filter(has_text="株洲市科学技术局")
    expect(row).to_contain_text("节点按期达成")
    expect(row).to_contain_text("督办按时答复")
