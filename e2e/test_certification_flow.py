"""A talent applies, the district and the city review, the public objects during 公示, the city certifies and the
card's QR is verified by a hospital from a second browser context."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rencai.orgs.demo_data import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def login(browser, base, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    return page


def test_apply_review_publicity_card_verify(live_server, browser, demo_world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    from rencai.certification import demo as cert_demo
    from rencai.certification import services
    from rencai.certification.models import Application, Certification, ServiceProvider
    from rencai.orgs.models import OrgUnit
    from rencai.talents.importers import TalentImporter, sheet_from_dicts
    from rencai.talents.tests.conftest import person

    cert_demo._catalogue(OrgUnit.objects.get(code="ZZ"))
    ServiceProvider.objects.create(unit=OrgUnit.objects.get(code="ZZ-WJW"), services=["medical"])
    row = person(5, 姓名="李娜", 学位="博士", **{"年薪(万元)": "65", "荣誉/奖项": ""})
    assert TalentImporter(actor=None).run(sheet_from_dicts([row], total=1)).committed
    evidence = tmp_path / "学位证书.pdf"
    evidence.write_bytes(b"%PDF-1.4 degree certificate")
    base = live_server.url

    # the talent applies: name and ID bring their registry record, the system states the tier and why
    talent = login(browser, base, "talent_demo")
    talent.get_by_role("link", name="我的人才卡").click()
    talent.get_by_role("link", name="申请人才认定").last.click()
    talent.get_by_label("姓名").fill("李娜")
    talent.get_by_label("证件号").fill(row["身份证号"])
    talent.get_by_role("button", name="带出信息并创建申请").click()
    expect(talent.locator("#suggestion")).to_have_text("C类:学位为博士 且 年薪≥50万元,2024版 第4条")
    talent.locator("input[type=file]").set_input_files(str(evidence))
    talent.get_by_role("button", name="上传").click()
    expect(talent.get_by_role("link", name="学位证书.pdf")).to_be_visible()
    talent.get_by_role("button", name="提交申请").click()
    expect(talent.locator("#app-status")).to_have_text("审核中")
    application_url = talent.url

    # the district approves, then the city
    for reviewer in ("zz_hetang", "zz_rcb"):
        page = login(browser, base, reviewer)
        page.goto(f"{base}/certification/applications/?todo=1")
        page.get_by_role("link", name=str(Application.objects.get().pk), exact=True).click()
        page.get_by_role("button", name="通过", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("审核意见已记录")
        page.context.close()

    # the public sees a masked name and objects
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{base}/certification/publicity/")
    expect(public.get_by_role("cell", name="李*")).to_be_visible()
    public.get_by_placeholder("异议内容").fill("该同志年薪证明存疑,请核实。")
    public.get_by_role("button", name="提交").click()
    expect(public.get_by_role("status")).to_contain_text("异议已收到")
    public.context.close()

    # the city handles the objection, and certifies once the period has ended
    Application.objects.update(publicity_end=timezone.localdate() - timedelta(days=1))
    office = login(browser, base, "zz_rcb")
    office.goto(application_url)
    office.get_by_label("核查情况与处理意见").fill("经核查个税记录,年薪属实。")
    office.get_by_role("button", name="异议不成立,继续公示").click()
    office.get_by_role("button", name="公示期满,办结认定并发卡").click()
    expect(office.locator(".messages")).to_contain_text("已认定为C类")
    certification = Certification.objects.get()

    # the talent sees the card with its QR code
    talent.get_by_role("link", name="我的人才卡").click()
    expect(talent.locator(".qr svg")).to_be_visible()

    # a hospital verifies it from another browser context: valid, tier, masked name, what it may grant
    token = services.card_token(certification.cards.get())
    hospital = login(browser, base, "verifier_demo")
    hospital.goto(f"{base}/verify/{token}")
    expect(hospital.locator("#verify-tier")).to_have_text("C类(省级领军人才)")
    expect(hospital.locator("#verify-holder")).to_have_text("李*")
    expect(hospital.locator("#verify-services")).to_have_text("医疗绿色通道")
    expect(hospital.locator("body")).not_to_contain_text(row["身份证号"])
