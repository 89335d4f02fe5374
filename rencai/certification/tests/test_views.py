import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from rencai.audit.models import AuditEntry
from rencai.certification import services
from rencai.certification.models import Application, Objection

from .conftest import make_upload, person
from .test_services import _certified, _through_review

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_pages_render(zz_catalogue, city_staff, registry):
    certification = _certified(city_staff, registry)
    client = client_for(city_staff)
    for url in (reverse("certification:overview"), reverse("certification:catalogue_detail", args=[zz_catalogue.catalogue_id]),
                reverse("certification:version_detail", args=[zz_catalogue.pk]),
                reverse("certification:application_list"), reverse("certification:certification_list"),
                reverse("certification:certification_detail", args=[certification.pk]),
                reverse("certification:blacklist"), reverse("certification:application_new")):
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(reverse("certification:certification_detail", args=[certification.pk])).content.decode()
    assert "<svg" in detail and certification.talent.id_masked in detail


def test_other_district_cannot_see_or_guess_an_application(zz_catalogue, city_staff, district_b_officer, registry):
    (talent,) = registry(person(1, 学位="博士", **{"年薪(万元)": "60"}))  # 荷塘区
    application = services.application_create(actor=city_staff, talent=talent)
    client = client_for(district_b_officer)
    assert client.get(reverse("certification:application_detail", args=[application.pk])).status_code == 404
    assert str(application.pk) not in client.get(reverse("certification:application_list")).content.decode().split(
        "<tbody>")[1].split("</tbody>")[0].replace("暂无", "")
    assert client.get(f"/api/certification/applications/{application.pk}").status_code == 404


def test_talent_applies_through_the_page_and_sees_what_is_missing(zz_catalogue, talent_user, district_a_officer,
                                                                  registry):
    (talent,) = registry(person(1, 学位="博士", **{"年薪(万元)": "60", "荣誉/奖项": ""}))
    client = client_for(talent_user)
    response = client.post(reverse("certification:application_new"),
                           {"name": "张三", "id_number": person(1)["身份证号"]})
    application = Application.objects.get()
    assert response.status_code == 302 and application.applicant == talent_user
    page = client.get(reverse("certification:application_detail", args=[application.pk])).content.decode()
    assert "C类:学位为博士 且 年薪≥50万元,2024版 第4条" in page
    client.post(reverse("certification:application_detail", args=[application.pk]),
                {"action": "evidence", "kind": "学历学位证书", "files": make_upload()})
    client.post(reverse("certification:application_detail", args=[application.pk]), {"action": "submit"})
    services.application_review(actor=district_a_officer, application=Application.objects.get(), decision="return",
                                reason="请补充学位认证报告")
    page = client.get(reverse("certification:application_detail", args=[application.pk])).content.decode()
    assert "请补充学位认证报告" in page and "补充后重新提交" in page


def test_version_editor_saves_a_rule_typed_in_chinese(zz_catalogue, city_staff):
    client = client_for(city_staff)
    client.post(reverse("certification:catalogue_detail", args=[zz_catalogue.catalogue_id]),
                {"action": "new", "label": "2026版"})
    draft = zz_catalogue.catalogue.versions.get(label="2026版")
    client.post(reverse("certification:version_detail", args=[draft.pk]),
                {"action": "rule", "clause": "9", "tier": "E", "criteria": "职称级别为中级 且 年龄≤30周岁",
                 "title": "青年中级职称"})
    assert draft.rules.get(clause=9).criteria_text == "职称级别为中级 且 年龄≤30周岁"
    check = client.get(reverse("certification:rule_check"), {"criteria": "年薪很多"}).content.decode()
    assert "缺少比较符号" in check
    response = client.post(reverse("certification:version_detail", args=[draft.pk]),
                           {"action": "rule", "clause": "10", "tier": "E", "criteria": "鞋码为42"}, follow=True)
    assert "不是以已知字段开头" in response.content.decode() and not draft.rules.filter(clause=10).exists()
    preview = client.get(reverse("certification:version_preview", args=[draft.pk])).content.decode()
    assert "preview-table" in preview


def test_verify_page_and_api_show_the_minimum_and_are_audited(zz_catalogue, city_staff, verifier, registry):
    certification = _certified(city_staff, registry)
    token = services.card_token(certification.cards.get())
    public = Client().get(reverse("verify", args=[token]))
    text = public.content.decode()
    assert public.status_code == 200 and "有效" in text and "张*" in text
    assert certification.talent.name not in text.replace("张*", "") and certification.basis not in text
    data = client_for(verifier).get(f"/api/certification/verify/{token}").json()
    assert data["valid"] is True and data["holder"] == "张*" and data["tier"] == "C"
    assert "name" not in data and "id_number" not in json.dumps(data)
    assert AuditEntry.objects.filter(action="certification.card.verify").count() == 2
    bad = Client().get(f"/api/certification/verify/{token[:-3]}xyz").json()
    assert bad == {"valid": False, "reason": "二维码无效(签名校验失败)", "tier": None, "tier_name": None,
                   "holder": None, "id_hint": None, "valid_until": None, "services": None}


def test_verify_is_rate_limited(zz_catalogue, city_staff, registry, settings):
    settings.RENCAI_VERIFY_RATE_PER_MINUTE = 3
    token = services.card_token(_certified(city_staff, registry).cards.get())
    client = Client(REMOTE_ADDR="10.9.8.7")
    codes = [client.get(f"/api/certification/verify/{token}").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_blacklisting_through_the_page_suspends_the_card_at_once(zz_catalogue, city_staff, registry):
    certification = _certified(city_staff, registry)
    token = services.card_token(certification.cards.get())
    client = client_for(city_staff)
    client.post(reverse("certification:blacklist"), {
        "action": "add", "id_number": person(1)["身份证号"], "reason": "提供虚假材料骗取补贴",
        "evidence": "市人社局调查报告", "starts_on": "2026-11-23"})
    assert Client().get(f"/api/certification/verify/{token}").json()["reason"] == "人才卡已暂停使用"


def test_public_calculator_needs_no_login_and_agrees_with_the_catalogue(zz_catalogue):
    response = Client().get(reverse("certification:calculator"), {
        "go": "1", "city": "ZZ", "degree": "doctor", "annual_salary": "60", "age": "38"})
    text = response.content.decode()
    assert response.status_code == 200 and "可申请认定为 C类" in text and "第4条" in text
    api = Client().get("/api/certification/calculator", {"city": "ZZ", "degree": "doctor", "annual_salary": 60,
                                                         "age": 38}).json()
    assert api["tier"] == "C" and api["basis"] == "C类:学位为博士 且 年薪≥50万元,2024版 第4条"
    assert Client().get("/api/certification/calculator", {"city": "XX"}).status_code == 400


def test_publicity_page_is_public_masked_and_takes_objections(zz_catalogue, city_staff, registry):
    (talent,) = registry(person(1, 学位="博士", **{"年薪(万元)": "60"}))
    application = _through_review(city_staff, talent)
    Application.objects.filter(pk=application.pk).update(publicity_end=application.publicity_end + timedelta(days=60))
    page = Client().get(reverse("certification:publicity")).content.decode()
    assert "张*" in page and talent.id_masked not in page
    Client().post(reverse("certification:publicity"), {"application": application.pk, "text": "此人学历存疑,请核查。"})
    assert Objection.objects.get().application_id == application.pk


def test_card_pdf_embeds_chinese(zz_catalogue, city_staff, registry):
    from pypdf import PdfReader

    certification = _certified(city_staff, registry)
    response = client_for(city_staff).get(reverse("certification:card_pdf", args=[certification.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "人才服务绿卡" in text and "人才认定证书" in text and certification.certificate_no in text


def test_classify_command_reports_changes(zz_catalogue, registry):
    from django.core.management import call_command

    registry(person(1, 学位="博士", **{"年薪(万元)": "60"}))
    out = io.StringIO()
    call_command("talent_classify", "--all", stdout=out)
    call_command("talent_classify", "--all", stdout=out)
    text = out.getvalue()
    assert "C类 1 人" in text and "首次评估" in text and "0 人类别变化" in text


def test_daily_job_certifies_after_publicity(zz_catalogue, city_staff, registry):
    (talent,) = registry(person(1, 学位="博士", **{"年薪(万元)": "60"}))
    application = _through_review(city_staff, talent)
    done = services.publicity_close_due(today=application.publicity_end + timedelta(days=1))
    assert [c.application_id for c in done] == [application.pk]


def test_reviewers_are_reminded_of_overdue_applications(zz_catalogue, city_staff, district_a_officer, registry):
    from rencai.supervision.models import Notification

    (talent,) = registry(person(1, 学位="博士", **{"年薪(万元)": "60"}))
    application = services.application_create(actor=city_staff, talent=talent)
    services.evidence_add(actor=city_staff, application=application, upload=make_upload(), kind="证书")
    application = services.application_submit(actor=city_staff, application=application)
    late = application.level_due + timedelta(days=1)
    assert services.overdue_reminders(today=late) >= 1
    assert services.overdue_reminders(today=late) >= 1  # same day: deduplicated, not doubled
    notes = Notification.objects.filter(recipient=district_a_officer, title__contains="已超过区县审核期限")
    assert notes.count() == 1


def test_admin_lists_are_scoped_and_masked(zz_catalogue, city_staff, system_admin, district_b_officer, registry):
    certification = _certified(city_staff, registry)
    admin_page = client_for(system_admin).get("/admin/certification/certification/").content.decode()
    assert certification.certificate_no in admin_page and certification.talent.id_masked in admin_page
    assert person(1)["身份证号"] not in admin_page
    from rencai.certification.admin import CertificationAdmin
    from rencai.certification.models import Certification
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = district_b_officer  # 芦淞区: the certification is in 荷塘区
    assert not CertificationAdmin(Certification, site).get_queryset(request).exists()
