import re

import pytest
from playwright.sync_api import expect

from rencai.orgs.demo_data import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")


def test_city_staff_logs_in_and_browses_the_org_tree(live_server, page, demo_world):
    # given
    login(page, live_server.url, "zz_rcb")
    # when
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="组织机构").click()
    # then: the city is there, districts fold open, and a unit page shows its aliases
    tree = page.locator("#unit-tree")
    expect(tree.get_by_role("link", name="株洲市", exact=True)).to_be_visible()
    expect(tree).not_to_contain_text("成都市")
    hetang = tree.locator("li[role=treeitem]:has(> a:text-is('荷塘区'))")
    expect(tree.get_by_role("link", name="荷塘区人力资源和社会保障局")).to_be_hidden()
    hetang.locator("> button").click()
    expect(tree.get_by_role("link", name="荷塘区人力资源和社会保障局")).to_be_visible()
    page.get_by_label("搜索").fill("市人社局")
    expect(tree.get_by_role("link", name="株洲市人力资源和社会保障局")).to_be_visible()
    tree.get_by_role("link", name="株洲市人力资源和社会保障局").click()
    expect(page.locator("dl.props")).to_contain_text("市人社局")
    expect(page).to_have_url(re.compile(r"/orgs/units/\d+/$"))


def test_district_officer_sees_only_their_district(live_server, page, demo_world):
    login(page, live_server.url, "zz_hetang")
    page.goto(f"{live_server.url}/orgs/units/")
    tree = page.locator("#unit-tree")
    expect(tree).to_contain_text("荷塘区")
    expect(tree).not_to_contain_text("芦淞区")
    expect(page.get_by_role("link", name="审计日志")).to_have_count(0)


def test_lockout_message_in_the_browser(live_server, page, demo_world):
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(5):
        page.get_by_label("用户名").fill("zz_kjj")
        page.get_by_label("密码").fill("wrong")
        page.get_by_role("button", name="登录").click()
    page.get_by_label("用户名").fill("zz_kjj")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("锁定")
