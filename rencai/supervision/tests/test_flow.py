"""Issue 4's full flow on seed 002, with the clock injected: publish → plan → reports → red → 催办 → 督办单 → 考核."""

from datetime import date, datetime, time
from pathlib import Path

import pytest
from django.utils import timezone

from rencai.orgs.models import OrgUnit
from rencai.policies import services as policy_services
from rencai.supervision import services
from rencai.supervision.models import Notification, Task

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seeds" / "002_19ffc302811514d8.txt"


def at(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(9, 30)))


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside the repository")
def test_full_supervision_year_on_seed_002(city_staff, unit_officer, district_a_officer):
    zz = OrgUnit.objects.get(code="ZZ")
    kjj, hetang = OrgUnit.objects.get(code="ZZ-KJJ"), OrgUnit.objects.get(code="ZZ-D01")
    # publish seed 002's 30 tasks
    document, _ = policy_services.policy_upload(actor=city_staff, region=zz, data=SEED.read_bytes(), filename="002.txt")
    assert len(policy_services.policy_publish(actor=city_staff, document=document, now=at(date(2018, 1, 2)))) == 30
    services.supervision_start(actor=city_staff, policy=document, cycle="quarterly", start=date(2018, 1, 1),
                               end=date(2018, 12, 31))
    task1 = Task.objects.get(policy=document, number=1)  # 顶尖人才引领工程, led by 市科技局
    task7 = Task.objects.get(policy=document, number=7)  # 柔性引才汇智工程: 市科技局 and 各县市区 share it
    # the lead unit (市科技局) sets milestones
    services.plan_save(actor=unit_officer, task=task1, expected_version=0, milestones=[
        {"title": "出台院士潜力人选引进培养办法", "due_date": date(2018, 5, 31), "deliverable": "document"},
        {"title": "引进重大创新团队", "due_date": date(2018, 11, 30), "deliverable": "project"}])
    # two units report for the first quarter (荷塘区 on task 7, 市科技局 on task 1)
    q1 = document.reporting_periods.order_by("start").first()
    services.report_submit(actor=unit_officer, task=task1, unit=kjj, period=q1, text="办法已起草", percent=20,
                           now=at(date(2018, 4, 8)))
    services.report_submit(actor=district_a_officer, task=task7, unit=hetang, period=q1, text="举办院士专家株洲行活动",
                           percent=25, now=at(date(2018, 4, 9)))
    # time passes: a reminder goes out a week before the milestone, then the milestone is missed
    sent = services.reminders_run(today=date(2018, 5, 24), now=at(date(2018, 5, 24)))
    assert sent["milestone_reminders"] >= 1
    assert Notification.objects.filter(recipient=unit_officer, kind="reminder", task=task1).exists()
    services.status_recompute(today=date(2018, 6, 5), now=at(date(2018, 6, 5)))
    task1.refresh_from_db()
    assert task1.status == "red"
    assert "出台院士潜力人选引进培养办法" in task1.status_rule
    # a notice goes out and is answered
    notice = services.notice_issue(actor=city_staff, task=task1, unit=kjj, content="请说明办法未按期出台的原因并限期完成",
                                   response_due=date(2018, 6, 15), now=at(date(2018, 6, 6)))
    assert Notification.objects.filter(recipient=unit_officer, kind="notice").exists()
    services.notice_respond(actor=unit_officer, notice=notice, response="办法已报市政府,6月底前印发", now=at(date(2018, 6, 12)))
    # the year closes and units are ranked, every number explained
    scheme = services.scheme_create(actor=city_staff, region=zz, year=2018)
    results = services.assessment_close(actor=city_staff, scheme=scheme, today=date(2019, 1, 31), now=at(date(2019, 1, 31)))
    assert [r.rank for r in results] == sorted(r.rank for r in results)
    by_unit = {r.unit.code: r for r in results}
    kjj_explained = {c["key"]: c for c in by_unit["ZZ-KJJ"].explanation["components"]}
    assert [i["what"] for i in kjj_explained["notices_answered"]["items"]] == [f"{notice.number} 按时答复"]
    assert kjj_explained["milestones_met"]["rate"] == 0.0
    assert any("2018年第1季度 按时报送" == i["what"] for i in kjj_explained["on_time_reporting"]["items"])
    for result in results:  # the total is exactly the sum of its explained parts
        parts = sum(c["points"] for c in result.explanation["components"]) + sum(a["points"] for a in result.explanation["adjustments"])
        assert float(result.total) == pytest.approx(parts, abs=0.01)
