from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rencai.core.exceptions import ApplicationError, Conflict, PermissionDenied
from rencai.core.testing import assert_denied
from rencai.orgs.models import OrgUnit
from rencai.supervision import selectors, services
from rencai.supervision.models import (
    AssessmentScheme,
    Milestone,
    Notification,
    ProgressReport,
    StatusChange,
    SupervisionNotice,
    Task,
)

from .factories import make_policy, make_task


def at(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(10, 0)))


@pytest.fixture
def world(db):
    zz = OrgUnit.objects.get(code="ZZ")
    policy = make_policy(zz)
    t1 = make_task(policy, zz, 1, "ZZ-KJJ", ("ZZ-KX", "ZZ-D01"), title="顶尖人才引领工程",
                   targets=[("引进高层次人才", Decimal(50), "名", "全年")])
    t2 = make_task(policy, zz, 2, "ZZ-ZZB", ("ZZ-RSJ",), title="领军人才集聚工程")
    services.supervision_start(actor=None, policy=policy, cycle="quarterly", start=date(2018, 1, 1), end=date(2018, 12, 31))
    return {"zz": zz, "policy": policy, "t1": t1, "t2": t2}


def test_start_creates_quarterly_periods_and_target_milestones(world):
    periods = list(world["policy"].reporting_periods.values_list("label", "deadline"))
    assert periods == [("2018年第1季度", date(2018, 4, 10)), ("2018年第2季度", date(2018, 7, 10)),
                       ("2018年第3季度", date(2018, 10, 10)), ("2018年第4季度", date(2019, 1, 10))]
    m = Milestone.objects.get(task=world["t1"])
    assert (m.title, m.due_date, m.target_value) == ("完成“引进高层次人才”50名", date(2018, 12, 31), Decimal(50))


def test_lead_unit_sets_plan_and_stale_editor_gets_conflict(world, unit_officer):
    # given: two editors opened version 0
    task = world["t1"]
    rows = [{"title": "出台院士潜力人选引进培养办法", "due_date": date(2018, 6, 30), "deliverable": "document"}]
    services.plan_save(actor=unit_officer, task=task, expected_version=0, milestones=rows)
    # when: the second editor saves on top of the same version
    with pytest.raises(Conflict, match="已被他人修改") as exc:
        services.plan_save(actor=unit_officer, task=Task.objects.get(pk=task.pk), expected_version=0,
                           milestones=[{"title": "别的计划", "due_date": date(2018, 5, 1)}])
    # then: nothing was overwritten
    assert exc.value.status_code == 409
    assert list(Task.objects.get(pk=task.pk).milestones.values_list("title", flat=True)) == ["出台院士潜力人选引进培养办法"]
    assert Task.objects.get(pk=task.pk).plan_version == 1


def test_co_unit_cannot_edit_the_plan(world, district_a_officer):
    assert_denied(lambda: services.plan_save(actor=district_a_officer, task=world["t1"], expected_version=0, milestones=[]),
                  Milestone)


def test_plan_submit_and_return_then_approve(world, unit_officer, city_staff):
    task = services.plan_save(actor=unit_officer, task=world["t1"], expected_version=0,
                              milestones=[{"title": "办法", "due_date": date(2018, 6, 30)}])
    services.plan_submit(actor=unit_officer, task=task)
    with pytest.raises(ApplicationError, match="理由"):
        services.plan_review(actor=city_staff, task=task, approve=False)
    services.plan_review(actor=city_staff, task=task, approve=False, reason="节点过少")
    assert Task.objects.get(pk=task.pk).plan_status == "returned"
    with pytest.raises(PermissionDenied):
        services.plan_review(actor=unit_officer, task=task, approve=True)


def _period(world, n):
    return world["policy"].reporting_periods.order_by("start")[n - 1]


def test_report_versions_are_immutable_corrections(world, unit_officer, unit):
    kjj = unit("ZZ-KJJ")
    first = services.report_submit(actor=unit_officer, task=world["t1"], unit=kjj, period=_period(world, 1), text="已起草办法",
                                   percent=20, now=at(date(2018, 4, 2)))
    second = services.report_submit(actor=unit_officer, task=world["t1"], unit=kjj, period=_period(world, 1), text="更正:已印发",
                                    percent=30, now=at(date(2018, 4, 3)))
    assert (second.version, second.supersedes_id) == (2, first.pk)
    assert ProgressReport.objects.get(pk=first.pk).text == "已起草办法"
    assert Task.objects.get(pk=world["t1"].pk).progress == 30


def test_report_target_value_meets_target_milestone(world, unit_officer, unit):
    target = world["t1"].targets.get()
    services.report_submit(actor=unit_officer, task=world["t1"], unit=unit("ZZ-KJJ"), period=_period(world, 2),
                           text="引进52名", percent=60, target_values={target.pk: Decimal(52)}, now=at(date(2018, 7, 1)))
    assert Milestone.objects.get(target=target).done_on == date(2018, 7, 1)


def test_unit_cannot_report_for_a_task_it_is_not_on(world, district_b_officer, unit):
    assert_denied(lambda: services.report_submit(actor=district_b_officer, task=world["t1"], unit=unit("ZZ-D02"),
                                                 period=_period(world, 1), text="x", percent=1), ProgressReport)


def test_late_report_is_marked(world, district_a_officer, unit):
    report = services.report_submit(actor=district_a_officer, task=world["t1"], unit=unit("ZZ-D01"), period=_period(world, 1),
                                    text="迟报", percent=10, now=at(date(2018, 4, 20)))
    assert report.is_late


@pytest.mark.parametrize(
    ("content", "name", "ok"),
    [(b"%PDF-1.7 test", "evidence.pdf", True), (b"\x89PNG\r\n\x1a\nxxxx", "photo.png", True),
     (b"MZ\x90\x00 this is an exe", "evidence.pdf", False), (b"<html>", "x.jpg", False)],
)
def test_attachments_are_type_checked_by_content(world, unit_officer, unit, content, name, ok, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call = lambda: services.report_submit(actor=unit_officer, task=world["t1"], unit=unit("ZZ-KJJ"),  # noqa: E731
                                          period=_period(world, 1), text="附件", percent=5,
                                          files=[SimpleUploadedFile(name, content)])
    if ok:
        report = call()
        stored = report.attachments.get()
        assert str(tmp_path) in stored.stored_path
        assert open(stored.stored_path, "rb").read() == content
    else:
        with pytest.raises(ApplicationError, match="已拒绝"):
            call()
        assert not ProgressReport.objects.filter(text="附件").exists()


def test_status_turns_red_when_time_passes_and_history_is_kept(world, unit_officer):
    task = services.plan_save(actor=unit_officer, task=world["t1"], expected_version=0,
                              milestones=[{"title": "出台办法", "due_date": date(2018, 3, 31)}])
    services.status_recompute(today=date(2018, 3, 1), now=at(date(2018, 3, 1)))
    assert Task.objects.get(pk=task.pk).status == "green"
    services.status_recompute(today=date(2018, 4, 5), now=at(date(2018, 4, 5)))
    task = Task.objects.get(pk=task.pk)
    assert task.status == "red"
    assert "出台办法" in task.status_rule
    assert list(StatusChange.objects.filter(task=task).values_list("previous", "status")) == [("green", "red")]


def test_reminders_go_to_unit_officers_once(world, unit_officer):
    unit_officer.email = "kjj@example.gov.cn"
    unit_officer.save()
    services.plan_save(actor=unit_officer, task=world["t1"], expected_version=0,
                       milestones=[{"title": "出台办法", "due_date": date(2018, 6, 30)}])
    # when: the job runs 7 days before, twice
    first = services.reminders_run(today=date(2018, 6, 23), now=at(date(2018, 6, 23)))
    again = services.reminders_run(today=date(2018, 6, 23), now=at(date(2018, 6, 23)))
    # then
    assert first["milestone_reminders"] >= 1
    assert again.get("milestone_reminders", 0) == 0
    note = Notification.objects.get(recipient=unit_officer, dedupe_key__startswith="milestone:")
    assert "7 天后到期" in note.title
    assert any("kjj@example.gov.cn" in m.to for m in mail.outbox)


def test_notice_answered_and_escalated_when_ignored(world, city_staff, unit_officer, district_a_officer, unit):
    notice = services.notice_issue(actor=city_staff, task=world["t1"], unit=unit("ZZ-KJJ"), content="请加快出台办法",
                                   response_due=date(2018, 5, 10), now=at(date(2018, 5, 1)))
    ignored = services.notice_issue(actor=city_staff, task=world["t1"], unit=unit("ZZ-D01"), content="请报送数据",
                                    response_due=date(2018, 5, 10), now=at(date(2018, 5, 1)))
    assert notice.number.startswith("督办〔2018〕")
    services.notice_respond(actor=unit_officer, notice=notice, response="已于5月8日印发", now=at(date(2018, 5, 8)))
    assert services.notices_escalate(today=date(2018, 5, 14), now=at(date(2018, 5, 14))) == 1
    assert SupervisionNotice.objects.get(pk=ignored.pk).escalation_level == 1
    assert Notification.objects.filter(recipient=city_staff, kind="escalation").exists()
    with pytest.raises(PermissionDenied):
        services.notice_respond(actor=unit_officer, notice=ignored, response="x")


def test_assessment_scores_and_ranks_with_explanation(world, city_staff, unit_officer, unit):
    kjj, zzb = unit("ZZ-KJJ"), unit("ZZ-ZZB")
    for n in (1, 2, 3, 4):
        services.report_submit(actor=unit_officer, task=world["t1"], unit=kjj, period=_period(world, n), text="按时",
                               percent=25 * n, now=at(_period(world, n).deadline))
    scheme = services.scheme_create(actor=city_staff, region=world["zz"], year=2018)
    services.assessment_adjust(actor=city_staff, scheme=scheme, unit=zzb, points=Decimal("2"), reason="获省级表彰")
    results = {r.unit.code: r for r in services.assessment_close(actor=city_staff, scheme=scheme, today=date(2019, 1, 31))}
    kjj_result = results["ZZ-KJJ"]
    reporting = next(c for c in kjj_result.explanation["components"] if c["key"] == "on_time_reporting")
    assert reporting["rate"] == 1.0
    assert [i["what"] for i in reporting["items"]][0] == "2018年第1季度 按时报送"
    assert results["ZZ-ZZB"].explanation["adjustments"] == [{"points": 2.0, "reason": "获省级表彰"}]
    assert kjj_result.rank < results["ZZ-RSJ"].rank
    assert AssessmentScheme.objects.get(pk=scheme.pk).state == "closed"


def test_district_officer_sees_only_tasks_involving_their_district(world, district_a_officer, district_b_officer):
    assert [t.number for t in selectors.task_list(actor=district_a_officer)] == [1]
    assert list(selectors.task_list(actor=district_b_officer)) == []
