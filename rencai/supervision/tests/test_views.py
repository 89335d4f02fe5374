from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from rencai.orgs.models import OrgUnit
from rencai.supervision import services
from rencai.supervision.models import AssessmentScheme, Task

from .factories import make_policy, make_task


@pytest.fixture
def world(db):
    zz = OrgUnit.objects.get(code="ZZ")
    policy = make_policy(zz)
    t1 = make_task(policy, zz, 1, "ZZ-KJJ", ("ZZ-D01",), title="=HYPERLINK(\"http://x\")顶尖人才引领工程")
    t2 = make_task(policy, zz, 2, "ZZ-ZZB", ("ZZ-RSJ",), title="领军人才集聚工程")
    services.supervision_start(actor=None, policy=policy, cycle="quarterly", start=date(2018, 1, 1), end=date(2018, 12, 31))
    return {"policy": policy, "t1": t1, "t2": t2}


def test_ledger_lists_scope_and_filters(world, city_staff, district_a_officer, district_b_officer, client_for):
    assert "领军人才集聚工程" in client_for(city_staff).get("/supervision/tasks/").content.decode()
    page_a = client_for(district_a_officer).get("/supervision/tasks/").content.decode()
    assert "顶尖人才引领工程" in page_a and "领军人才集聚工程" not in page_a
    assert "顶尖人才引领工程" not in client_for(district_b_officer).get("/supervision/tasks/").content.decode()
    filtered = client_for(city_staff).get("/supervision/tasks/", {"lead_unit": OrgUnit.objects.get(code="ZZ-ZZB").pk}).content.decode()
    assert "领军人才集聚工程" in filtered and "顶尖人才引领工程" not in filtered


def test_district_b_cannot_open_or_guess_task(world, district_b_officer, client_for):
    client = client_for(district_b_officer)
    assert client.get(f"/supervision/tasks/{world['t1'].pk}/").status_code == 404
    assert client.get(f"/api/supervision/tasks/{world['t1'].pk}").status_code == 404


def test_ledger_export_has_merged_headers_frozen_pane_and_no_formulas(world, city_staff, client_for):
    response = client_for(city_staff).get("/supervision/tasks/", {"export": "xlsx"})
    ws = load_workbook(BytesIO(response.content)).active
    assert "A1:D1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.freeze_panes == "A3"
    titles = [row[2] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert titles[0].startswith("'=HYPERLINK")


def test_task_page_shows_light_with_rule(world, city_staff, client_for):
    services.status_recompute(today=date(2019, 1, 5))
    page = client_for(city_staff).get(f"/supervision/tasks/{world['t2'].pk}/").content.decode()
    assert "light-red" in page
    assert "任务应于 2018-12-31 完成" in page


def test_plan_conflict_message_in_the_page(world, unit_officer, client_for):
    client = client_for(unit_officer)
    data = {"plan_version": 0, "m-TOTAL_FORMS": 1, "m-INITIAL_FORMS": 0, "m-0-title": "出台办法",
            "m-0-due_date": "2018-06-30", "m-0-deliverable": "document"}
    client.post(f"/supervision/tasks/{world['t1'].pk}/plan/", data)
    page = client.post(f"/supervision/tasks/{world['t1'].pk}/plan/", {**data, "m-0-title": "覆盖"}, follow=True).content.decode()
    assert "已被他人修改" in page
    assert list(Task.objects.get(pk=world["t1"].pk).milestones.values_list("title", flat=True)) == ["出台办法"]


def test_dashboard_renders_charts_data(world, leader, client_for):
    services.status_recompute(today=date(2019, 1, 5))
    response = client_for(leader).get("/supervision/dashboard/")
    assert response.status_code == 200
    assert 'id="dashboard-data"' in response.content.decode()
    data = client_for(leader).get("/api/supervision/dashboard").json()
    assert data["totals"]["red"] == 2


def test_unit_sees_own_assessment_result_only(world, city_staff, unit_officer, client_for):
    scheme = services.scheme_create(actor=city_staff, region=OrgUnit.objects.get(code="ZZ"), year=2018)
    services.assessment_close(actor=city_staff, scheme=scheme, today=date(2019, 1, 31))
    assert client_for(city_staff).get(f"/supervision/assessment/{scheme.pk}/").status_code == 200
    # a unit officer cannot open the whole ranking, but sees its own line
    assert client_for(unit_officer).get(f"/supervision/assessment/{scheme.pk}/").status_code == 404
    page = client_for(unit_officer).get("/supervision/assessment/").content.decode()
    assert "株洲市科学技术局" in page and "株洲市委组织部" not in page
    assert AssessmentScheme.objects.get(pk=scheme.pk).state == "closed"


def test_api_report_and_plan(world, unit_officer, client_for):
    client = client_for(unit_officer)
    plan = client.put(f"/api/supervision/tasks/{world['t1'].pk}/plan", {"expected_version": 0, "milestones": [
        {"title": "办法", "due_date": "2018-06-30"}]}, content_type="application/json")
    assert plan.status_code == 200 and plan.json()["plan_version"] == 1
    stale = client.put(f"/api/supervision/tasks/{world['t1'].pk}/plan", {"expected_version": 0, "milestones": []},
                       content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_plan"
    period = world["policy"].reporting_periods.order_by("start").first()
    kjj = OrgUnit.objects.get(code="ZZ-KJJ")
    report = client.post(f"/api/supervision/tasks/{world['t1'].pk}/reports",
                         {"unit_id": kjj.pk, "period_id": period.pk, "text": "进展", "percent": 40}, content_type="application/json")
    assert report.status_code == 201 and report.json()["version"] == 1


def test_lead_unit_splits_work_among_co_units(world, unit_officer, client_for):
    hetang = OrgUnit.objects.get(code="ZZ-D01")
    client_for(unit_officer).post(f"/supervision/tasks/{world['t1'].pk}/plan/", {
        "plan_version": 0, "m-TOTAL_FORMS": 1, "m-INITIAL_FORMS": 0, "m-0-title": "出台办法", "m-0-due_date": "2018-06-30",
        "m-0-deliverable": "document", f"share-{hetang.pk}": "负责辖区内院士专家对接"})
    assert world["t1"].assignments.get(unit=hetang).share == "负责辖区内院士专家对接"


def test_scheme_weights_are_configurable_and_validated(world, city_staff, client_for):
    zz = OrgUnit.objects.get(code="ZZ")
    bad = client_for(city_staff).post("/supervision/assessment/", {"action": "create", "region": zz.pk, "year": 2018,
                                                                   "w-on_time_reporting": 50, "w-milestones_met": 30,
                                                                   "w-targets_reached": 30, "w-notices_answered": 10}, follow=True)
    assert "权重之和应为 100" in bad.content.decode()
    client_for(city_staff).post("/supervision/assessment/", {"action": "create", "region": zz.pk, "year": 2018,
                                                             "w-on_time_reporting": 40, "w-milestones_met": 20,
                                                             "w-targets_reached": 30, "w-notices_answered": 10})
    assert AssessmentScheme.objects.get(region=zz, year=2018).weights["on_time_reporting"] == 40
