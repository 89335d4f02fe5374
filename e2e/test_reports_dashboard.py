"""Issue 7 in the browser: the leaders' dashboard loads with its ECharts charts, filters by city/district/year,
and lays out on a 1366×768 laptop and a 2560×1440 wall screen."""

import pytest
from playwright.sync_api import expect

from rencai.orgs.demo_data import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry(demo_world):
    from rencai.orgs.models import OrgUnit
    from rencai.reports.tests import factories as f

    a, b = OrgUnit.objects.get(code="ZZ-D01"), OrgUnit.objects.get(code="ZZ-D02")
    for region, tier, year, n in ((a, "B", 2020, 3), (a, "D", 2021, 6), (b, "C", 2021, 4), (b, "E", 2022, 9)):
        for _ in range(n):
            f.talent(region, tier=tier, introduced=f"{year}-06-01")
    target = f.target(OrgUnit.objects.get(code="ZZ"), metric="引进B类人才", value=10, reached=2)
    from rencai.reports import services

    services.metric_bind(actor=None, target=target, definition={"metric": "talents_introduced", "tier": ["B"]})
    return {"a": a, "b": b}


def _login(browser, base, username, viewport):
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")
    return page


def _charts_drawn(page):
    """Every chart box got an ECharts canvas (the funds chart exists only when the ledger module is installed)."""
    boxes = page.locator(".dash-charts .chart")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", str(boxes.count()))
    assert boxes.count() >= 7
    for chart in ("chart-targets", "chart-tier", "chart-industry", "chart-area", "chart-flows", "chart-tasks"):
        expect(page.locator(f"#{chart} canvas")).to_have_count(1)


def test_dashboard_loads_with_charts_and_filters(live_server, browser, registry):
    page = _login(browser, live_server.url, "zz_leader", {"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/reports/?year=2022")
    expect(page.get_by_role("heading", level=1)).to_have_text("领导驾驶舱")
    _charts_drawn(page)
    expect(page.locator("#k-talents")).to_have_text("22")
    expect(page.locator("#targets-table")).to_contain_text("计算")
    # no horizontal scrolling on a 1366×768 laptop
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    # filter: the district select submits on change
    page.locator("#f-district").select_option(label="荷塘区")
    expect(page).to_have_url(f"{live_server.url}/reports/?city=&district={registry['a'].pk}&year=2022")
    expect(page.locator("#k-talents")).to_have_text("9")
    # filter: an earlier year
    page.locator("#f-year").select_option("2020")
    expect(page.locator("#k-talents")).to_have_text("3")
    _charts_drawn(page)


def test_wall_screen_layout(live_server, browser, registry):
    page = _login(browser, live_server.url, "zz_rcb", {"width": 2560, "height": 1440})
    page.goto(f"{live_server.url}/reports/?screen=wall&year=2022")
    expect(page.locator("body.wall")).to_be_visible()
    _charts_drawn(page)
    # four charts per row on the wall
    tops = page.eval_on_selector_all(".dash-charts .card", "cards => cards.slice(0, 4).map(c => c.getBoundingClientRect().top)")
    assert len({round(t) for t in tops}) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 2560
