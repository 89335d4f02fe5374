from datetime import date, datetime, timedelta

import pytest
from django.core import signing
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rencai.audit.models import AuditEntry
from rencai.certification import rules, selectors, services
from rencai.certification.models import (
    Application,
    BlacklistEntry,
    Card,
    CatalogueVersion,
    Certification,
    ClassificationResult,
    Objection,
)
from rencai.core.exceptions import ApplicationError, Conflict, PermissionDenied

from .conftest import make_upload, person

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


# ---------------------------------------------------------------- catalogue and versions


def test_demo_catalogue_is_published_with_numbered_clauses(zz_catalogue):
    assert zz_catalogue.status == CatalogueVersion.Status.PUBLISHED
    rule = zz_catalogue.rules.get(clause=4)
    assert rule.explanation() == "C类:学位为博士 且 年薪≥50万元,2024版 第4条"
    assert rule.criteria == {"all": [{"field": "degree", "op": "eq", "value": "doctor"},
                                     {"field": "annual_salary", "op": "gte", "value": 50}]}


def test_published_version_cannot_be_edited(zz_catalogue, city_staff):
    with pytest.raises(Conflict, match="已发布"):
        services.rule_save(actor=city_staff, version=zz_catalogue, clause=4, tier_code="C", criteria="学位为博士")
    with pytest.raises(Conflict):
        services.tier_save(actor=city_staff, version=zz_catalogue, code="F", name="新类别", rank=6)


def test_new_version_never_changes_decisions_already_made(zz_catalogue, city_staff, registry):
    (talent,) = registry(person(1, 学位="博士", **{"年薪(万元)": "60"}))
    application = _through_review(city_staff, talent, tier="C")
    certification = services.publicity_close(actor=city_staff, application=application,
                                             now=at(application.publicity_end + timedelta(days=1)))
    basis = certification.basis
    assert basis == "C类:学位为博士 且 年薪≥50万元,2024版 第4条"

    draft = services.version_create(actor=city_staff, catalogue=zz_catalogue.catalogue, label="2026版")
    services.rule_save(actor=city_staff, version=draft, clause=4, tier_code="C", criteria="学位为博士 且 年薪≥80")
    services.version_publish(actor=city_staff, version=draft)

    certification.refresh_from_db()
    zz_catalogue.refresh_from_db()
    assert certification.basis == basis and certification.version_id == zz_catalogue.pk
    assert certification.rule.criteria_text == "学位为博士 且 年薪≥50万元"  # the old clause is untouched
    assert zz_catalogue.status == CatalogueVersion.Status.SUPERSEDED
    assert selectors.calculator_result(zz_catalogue.catalogue.city, rules.facts_of(talent))["rule"].tier.code == "D"


def test_rule_errors_name_the_clause_and_problem(zz_catalogue, city_staff):
    draft = services.version_create(actor=city_staff, catalogue=zz_catalogue.catalogue, label="草稿")
    with pytest.raises(ApplicationError, match="不是以已知字段开头"):
        services.rule_save(actor=city_staff, version=draft, clause=9, tier_code="E", criteria="鞋码为42")
    with pytest.raises(ApplicationError, match="没有类别“Z”"):
        services.rule_save(actor=city_staff, version=draft, clause=9, tier_code="Z", criteria="学位为博士")
    with pytest.raises(ApplicationError, match="没有选项“院士”"):
        services.rule_save(actor=city_staff, version=draft, clause=9, tier_code="A",
                           criteria={"field": "degree", "op": "eq", "value": "院士"})


def test_only_the_city_talent_office_edits_the_catalogue(zz_catalogue, district_a_officer, other_city_staff):
    for actor in (district_a_officer, other_city_staff):
        with pytest.raises(PermissionDenied):
            services.version_create(actor=actor, catalogue=zz_catalogue.catalogue, label="越权")


def test_preview_counts_gains_and_losses_before_publishing(zz_catalogue, city_staff, registry):
    registry(person(1, 学位="博士", **{"年薪(万元)": "60"}), person(2, 学位="博士", **{"年薪(万元)": "90"}),
             person(3, 学历="大学本科", 学位="学士", 职称="工程师", **{"年薪(万元)": "20", "荣誉/奖项": ""}))
    services.classify_version(actor=city_staff, version=zz_catalogue)
    draft = services.version_create(actor=city_staff, catalogue=zz_catalogue.catalogue, label="2026版")
    services.rule_save(actor=city_staff, version=draft, clause=4, tier_code="C", criteria="学位为博士 且 年薪≥80")
    preview = selectors.version_preview(draft)
    assert preview["by_tier"]["C"]["lost"] == 1 and preview["by_tier"]["C"]["after"] == 1
    assert preview["changed"] == 1


# ---------------------------------------------------------------- classification


def test_classify_records_the_clause_and_changes_against_the_last_run(zz_catalogue, city_staff, registry):
    doctor, master = registry(person(1, 学位="博士", **{"年薪(万元)": "60", "荣誉/奖项": ""}),
                              person(2, 学历="硕士研究生", 学位="硕士", 出生日期="", 职称="",
                                     **{"年薪(万元)": "15", "荣誉/奖项": ""}))
    first = services.classify_version(actor=city_staff, version=zz_catalogue, today=date(2026, 11, 23))
    result = ClassificationResult.objects.get(run=first, talent=doctor)
    assert result.rule.explanation() == "C类:学位为博士 且 年薪≥50万元,2024版 第4条"
    assert first.counts.get("C") == 1
    from rencai.talents import services as talent_services

    talent_services.talent_update(actor=None, talent=doctor, annual_salary=30)
    second = services.classify_version(actor=city_staff, version=zz_catalogue, today=date(2026, 11, 23))
    assert second.changes["previous_run"] == first.pk
    assert second.changes["by_tier"]["C"]["lost"] == 1
    assert selectors.suggested_for(doctor)["rule"].tier.code != "C"
    assert AuditEntry.objects.filter(action="certification.classify").count() == 2


def test_exception_clause_excludes_government_staff(zz_catalogue, registry):
    official, engineer = registry(
        person(1, 学历="大学本科", 学位="学士", 职称="高级工程师", 统一社会信用代码="11430200006000000J",
               **{"年薪(万元)": "20", "荣誉/奖项": ""}),
        person(2, 学历="大学本科", 学位="学士", 职称="高级工程师", **{"年薪(万元)": "20", "荣誉/奖项": ""}))
    run = services.classify_version(actor=None, version=zz_catalogue)
    assert not ClassificationResult.objects.filter(run=run, talent=official).exists()
    assert ClassificationResult.objects.get(run=run, talent=engineer).rule.tier.code == "E"


EDU = [("博士研究生", "博士"), ("硕士研究生", "硕士"), ("大学本科", "学士"), ("大学专科", "")]
TITLES = ["正高级工程师", "高级工程师", "工程师", ""]
HONOURS = ["", "国家杰出青年科学基金获得者", "市优秀专家", "国务院政府特殊津贴专家"]
USCC = ["91110000600037341L", "11430200006000000J"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(EDU), st.sampled_from(TITLES), st.integers(5, 200),
                          st.sampled_from(HONOURS), st.sampled_from(USCC)), min_size=1, max_size=8))
def test_calculator_agrees_with_classify_on_the_same_facts(zz_catalogue, registry, people):
    from rencai.talents.models import Talent

    Talent.objects.all().delete()
    rows = [person(i, 学历=edu, 学位=deg, 职称=title, 统一社会信用代码=uscc, **{"年薪(万元)": str(salary), "荣誉/奖项": honour})
            for i, ((edu, deg), title, salary, honour, uscc) in enumerate(people)]
    talents = registry(*rows)
    today = timezone.localdate()
    run = services.classify_version(actor=None, version=zz_catalogue, today=today)
    sql = dict(ClassificationResult.objects.filter(run=run).values_list("talent_id", "rule_id"))
    for talent in talents:
        calc = selectors.calculator_result(zz_catalogue.catalogue.city, rules.facts_of(talent), today=today)
        assert (calc["rule"].pk if calc["rule"] else None) == sql.get(talent.pk), talent.pk


# ---------------------------------------------------------------- applications, review, publicity


def _application(actor, talent, tier="C"):
    application = services.application_create(actor=actor, talent=talent, requested_tier=tier)
    services.evidence_add(actor=actor, application=application, upload=make_upload(), kind="学位证书")
    return services.application_submit(actor=actor, application=application, now=at(date(2026, 11, 2)))


def _through_review(actor, talent, tier="C", *, district=None):
    application = _application(actor, talent, tier)
    from conftest import _make_user

    district = district or _make_user("t_hetang_rv", "district_officer", "ZZ-D01")
    application = services.application_review(actor=district, application=application, decision="approve",
                                              now=at(date(2026, 11, 3)))
    return services.application_review(actor=actor, application=application, decision="approve",
                                       now=at(date(2026, 11, 4)))


def test_application_is_prefilled_with_the_suggested_tier_and_why(zz_catalogue, talent_user, registry):
    (talent,) = registry(person(1, 学位="博士", **{"年薪(万元)": "60", "荣誉/奖项": ""}))
    found = services.talent_lookup_for_application(actor=talent_user, name="张三", id_number=person(1)["身份证号"])
    application = services.application_create(actor=talent_user, talent=found)
    assert application.suggested_tier == "C" and application.requested_tier == "C"
    assert application.suggestion_text == "C类:学位为博士 且 年薪≥50万元,2024版 第4条"
    assert application.facts["degree"] == "doctor"
    with pytest.raises(ApplicationError, match="证明材料"):
        services.application_submit(actor=talent_user, application=application)


def test_lookup_needs_name_and_id_together(zz_catalogue, talent_user, registry):
    registry(person(1))
    with pytest.raises(Exception, match="没有与该姓名和证件号一致"):
        services.talent_lookup_for_application(actor=talent_user, name="李四", id_number=person(1)["身份证号"])


def test_full_flow_with_return_objection_and_card(zz_catalogue, talent_user, district_a_officer, city_staff,
                                                  district_b_officer, registry):
    (talent,) = registry(person(1, 学位="博士", **{"年薪(万元)": "60", "荣誉/奖项": ""}))
    application = _application(talent_user, talent)
    assert services.current_level(application) == "district"

    with pytest.raises(PermissionDenied):  # another district cannot review
        services.application_review(actor=district_b_officer, application=application, decision="approve")
    with pytest.raises(PermissionDenied):  # nor the city before the district
        services.application_review(actor=city_staff, application=application, decision="approve")
    with pytest.raises(ApplicationError, match="理由"):
        services.application_review(actor=district_a_officer, application=application, decision="return")

    application = services.application_review(actor=district_a_officer, application=application, decision="return",
                                              reason="请补充近一年个税完税证明", now=at(date(2026, 11, 3)))
    assert application.status == Application.Status.RETURNED and "个税" in application.missing
    services.evidence_add(actor=talent_user, application=application, upload=make_upload("完税证明.pdf"),
                          kind="收入证明")
    application = services.application_submit(actor=talent_user, application=application, now=at(date(2026, 11, 4)))
    assert services.current_level(application) == "district"  # resumes where it was returned

    application = services.application_review(actor=district_a_officer, application=application,
                                              decision="approve", now=at(date(2026, 11, 5)))
    assert services.current_level(application) == "talent_office"
    with pytest.raises(Conflict):  # a second click on the same level is stale
        services.application_review(actor=district_a_officer, application=Application.objects.get(
            pk=application.pk), decision="approve", level="district")
    application = services.application_review(actor=city_staff, application=application, decision="approve",
                                              now=at(date(2026, 11, 6)))  # a Friday
    assert application.status == Application.Status.PUBLICITY
    assert application.publicity_end == date(2026, 11, 13)  # 5 working days, weekend skipped

    assert [r["name"] for r in selectors.publicity_list(today=date(2026, 11, 9))] == ["张*"]
    objection = services.objection_raise(application=application, text="该同志年薪证明存疑,请核实。",
                                         now=at(date(2026, 11, 9)))
    with pytest.raises(Conflict, match="未处理的公示异议"):
        services.publicity_close(actor=city_staff, application=application, now=at(date(2026, 11, 14)))
    services.objection_handle(actor=city_staff, objection=objection, upheld=False,
                              resolution="经核查个税记录,年薪属实。", now=at(date(2026, 11, 10)))
    with pytest.raises(Conflict, match="期满后"):
        services.publicity_close(actor=city_staff, application=application, now=at(date(2026, 11, 12)))
    certification = services.publicity_close(actor=city_staff, application=application, now=at(date(2026, 11, 16)))

    assert certification.tier == "C" and certification.certificate_no == "ZZ-2026-000001"
    card = certification.cards.get()
    assert card.status == Card.Status.ACTIVE
    decisions = list(application.steps.order_by("id").values_list("decision", flat=True))
    assert decisions == ["submit", "submit", "return", "submit", "approve", "approve", "objection", "certify"]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"certification.application.submit", "certification.application.return", "certification.objection.raise",
            "certification.objection.handle", "certification.certify", "certification.card.issue"} <= actions
    steps = selectors.application_progress(Application.objects.get(pk=application.pk))
    assert all(s["state"] == "done" for s in steps)


def test_upheld_objection_ends_the_application(zz_catalogue, city_staff, registry):
    (talent,) = registry(person(1, 学位="博士", **{"年薪(万元)": "60"}))
    application = _through_review(city_staff, talent)
    objection = services.objection_raise(application=application, text="学位证书系伪造,有举报材料。",
                                         now=at(date(2026, 11, 5)))
    services.objection_handle(actor=city_staff, objection=objection, upheld=True, resolution="经学信网核验,学位不实。")
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert Objection.objects.get().outcome == Objection.Outcome.UPHELD
    assert not Certification.objects.exists()


def test_evidence_is_sniffed_and_bounded(zz_catalogue, talent_user, registry):
    (talent,) = registry(person(1))
    application = services.application_create(actor=talent_user, talent=talent, requested_tier="C")
    with pytest.raises(ApplicationError, match="不是 PDF"):
        services.evidence_add(actor=talent_user, application=application,
                              upload=make_upload("证书.pdf", b"MZ\x90\x00 an executable"), kind="证书")


# ---------------------------------------------------------------- card token


def _certified(city_staff, registry, index=1):
    (talent,) = registry(person(index, 学位="博士", **{"年薪(万元)": "60"}))
    application = _through_review(city_staff, talent)
    return services.publicity_close(actor=city_staff, application=application,
                                    now=at(application.publicity_end + timedelta(days=1)))


def test_token_carries_no_personal_data_and_resists_forgery(zz_catalogue, city_staff, registry):
    certification = _certified(city_staff, registry)
    card = certification.cards.get()
    token = services.card_token(card)
    payload = signing.loads(token, salt=services.CARD_SALT)
    assert set(payload) == {"c", "e"}
    assert certification.talent.name not in token and certification.talent.id_masked[-4:] not in token
    assert services.card_token_read(token) == (card.public_id, "")
    forged = signing.dumps({"c": card.public_id, "e": 4102444800}, salt="someone-else", compress=False)
    assert services.card_token_read(forged)[0] is None
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert services.card_token_read(tampered)[0] is None
    assert services.card_token_read("not-a-token")[0] is None


def test_expired_token_and_revoked_card_are_refused(zz_catalogue, city_staff, registry):
    certification = _certified(city_staff, registry)
    card = certification.cards.get()
    old = signing.dumps({"c": card.public_id, "e": int(timezone.now().timestamp()) - 10}, salt=services.CARD_SALT,
                        compress=False)
    assert services.card_token_read(old) == (None, "人才卡已过期")
    services.certification_revoke(actor=city_staff, certification=certification, reason_kind="left_city")
    assert selectors.verify_card(card.public_id, services=None) == {"valid": False, "reason": "人才卡已注销"}


def test_verify_shows_only_the_minimum(zz_catalogue, city_staff, verifier, registry):
    from rencai.certification.models import ServiceProvider
    from rencai.orgs.models import OrgUnit

    ServiceProvider.objects.create(unit=OrgUnit.objects.get(code="ZZ-WJW"), services=["medical"])
    certification = _certified(city_staff, registry)
    card = certification.cards.get()
    public = selectors.verify_card(card.public_id, services=None)
    assert set(public) == {"valid", "reason", "tier", "tier_name", "holder", "id_hint", "valid_until"}
    assert public["holder"] == "张*" and public["id_hint"].endswith(certification.talent.id_masked[-4:])
    hospital = selectors.verify_card(card.public_id, services=selectors.verifier_services(verifier))
    assert hospital["services"] == ["医疗绿色通道"]


# ---------------------------------------------------------------- blacklist and revocation


def test_blacklist_suspends_a_live_card_at_once_and_blocks_applications(zz_catalogue, city_staff, registry):
    certification = _certified(city_staff, registry)
    card = certification.cards.get()
    entry = services.blacklist_add(actor=city_staff, talent=certification.talent, reason="骗取安家补贴",
                                   evidence="市财政局稽核报告〔2026〕12号", starts_on=timezone.localdate(),
                                   ends_on=timezone.localdate() + timedelta(days=365 * 3))
    card.refresh_from_db()
    assert card.status == Card.Status.SUSPENDED
    assert selectors.verify_card(card.public_id, services=None) == {"valid": False, "reason": "人才卡已暂停使用"}
    with pytest.raises(ApplicationError, match="黑名单"):
        services.application_create(actor=city_staff, talent=certification.talent)

    services.blacklist_appeal(actor=city_staff, entry=entry, text="补贴已全额退回,申请移出。")
    services.blacklist_close(actor=city_staff, entry=entry, delist=True, reason="已退回补贴,经研究同意移出。")
    card.refresh_from_db()
    entry.refresh_from_db()
    assert entry.status == BlacklistEntry.Status.DELISTED and card.status == Card.Status.ACTIVE
    assert {"certification.blacklist.add", "certification.blacklist.appeal", "certification.blacklist.delist"} <= set(
        AuditEntry.objects.values_list("action", flat=True))


def test_blacklist_needs_reason_evidence_and_the_city(zz_catalogue, city_staff, district_b_officer, registry):
    (talent,) = registry(person(1))
    with pytest.raises(ApplicationError, match="原因和证据"):
        services.blacklist_add(actor=city_staff, talent=talent, reason="", evidence="", starts_on=date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        services.blacklist_add(actor=district_b_officer, talent=talent, reason="x", evidence="y",
                               starts_on=date(2026, 1, 1))


def test_revocation_for_fraud_needs_the_facts(zz_catalogue, city_staff, registry):
    certification = _certified(city_staff, registry)
    with pytest.raises(ApplicationError, match="事实"):
        services.certification_revoke(actor=city_staff, certification=certification, reason_kind="fraud")
    services.certification_revoke(actor=city_staff, certification=certification, reason_kind="fraud",
                                  note="伪造学位证书")
    certification.refresh_from_db()
    assert certification.status == Certification.Status.REVOKED and "伪造" in certification.status_reason
    assert certification.cards.get().status == Card.Status.REVOKED


def test_working_days_skip_weekends_and_holidays(settings):
    settings.RENCAI_HOLIDAYS = ["2026-10-01", "2026-10-02"]
    settings.RENCAI_WORKDAYS = ["2026-10-10"]
    assert services.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 5)
    assert services.add_workdays(date(2026, 10, 9), 1) == date(2026, 10, 10)  # 调休 Saturday
