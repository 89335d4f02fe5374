"""The statistics snapshot and the leaders' dashboard against the hand-counted fixture, scoped per district."""

import datetime as dt

import pytest
from django.utils import timezone

from rencai.core.exceptions import NotFound, PermissionDenied
from rencai.reports import selectors, services

from . import factories as f

TODAY = dt.date(2022, 12, 31)


@pytest.fixture
def no_ledger(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "rencai.benefits.selectors", None)  # as before the ledger module existed


def test_city_dashboard_counts(world, leader, no_ledger):
    # when
    data = selectors.dashboard(actor=leader, city=world["zz"].pk, year=2022, today=TODAY)
    # then: 株洲 15 talents (the one without a date counts in the stock), 荷塘 8, 芦淞 7
    assert data["kpi"]["talents"] == 15
    assert data["kpi"]["introduced"] == 5 and data["kpi"]["introduced_prev"] == 6
    assert {r["name"]: r["n"] for r in data["by_area"]} == {"荷塘区": 8, "芦淞区": 7}
    assert {r["tier"]: r["n"] for r in data["by_tier"]} == {"": 1, "B": 4, "C": 2, "D": 7, "E": 1}
    assert {r["section"]: r["n"] for r in data["by_industry"]} == {"C": 7, "I": 3, "M": 1, "P": 4}
    flows = {r["year"]: r["introduced"] for r in data["flows"]}
    assert (flows[2019], flows[2020], flows[2021], flows[2022]) == (2, 1, 6, 5)
    assert data["funds"]["available"] is False and data["funds"]["message"] == "资金数据暂无"


def test_year_filter_counts_stock_up_to_that_year(world, leader):
    data = selectors.dashboard(actor=leader, city=world["zz"].pk, year=2020, today=TODAY)
    # 2019: 2, 2020: 1, plus the talent with no introduction date
    assert data["kpi"]["talents"] == 4


def test_district_officer_sees_only_their_district(world, district_a_officer):
    data = selectors.dashboard(actor=district_a_officer, year=2022, today=TODAY)
    assert data["kpi"]["talents"] == 8
    assert [c["name"] for c in data["cities"]] == []
    with pytest.raises(NotFound):
        selectors.dashboard(actor=district_a_officer, district=world["b"].pk, today=TODAY)


def test_unit_officer_may_not_open_the_dashboard(world, unit_officer):
    with pytest.raises(PermissionDenied):
        selectors.dashboard(actor=unit_officer, today=TODAY)


def test_move_between_districts_is_a_flow_for_districts_not_for_the_city(world, leader):
    # given: a talent moves from 荷塘区 to 芦淞区 in 2022 (recorded in the registry history)
    from rencai.talents.models import TalentHistory

    moved = world["t"]["a_e22"][0]
    TalentHistory.objects.create(talent=moved, changed_at=timezone.make_aware(dt.datetime(2022, 8, 1, 9)),
                                 changes={"region_id": {"old": str(world["a"].pk), "new": str(world["b"].pk)}})
    services.stats_refresh(actor=None)
    # when
    city = selectors.dashboard(actor=leader, city=world["zz"].pk, year=2022, today=TODAY)
    hetang = selectors.dashboard(actor=leader, district=world["a"].pk, year=2022, today=TODAY)
    lusong = selectors.dashboard(actor=leader, district=world["b"].pk, year=2022, today=TODAY)
    # then
    flow = lambda d: next(r for r in d["flows"] if r["year"] == 2022)
    assert (flow(city)["move_in"], flow(city)["move_out"]) == (0, 0)
    assert (flow(hetang)["move_in"], flow(hetang)["move_out"]) == (0, 1)
    assert (flow(lusong)["move_in"], flow(lusong)["move_out"]) == (1, 0)


def test_certifications_and_exits_by_year(world, leader):
    t = world["t"]
    f.certification(t["a_b19"][0], tier="B", certified_on="2020-03-01")
    f.certification(t["a_b19"][1], tier="B", certified_on="2021-05-01", status="revoked", changed_at="2022-06-01T10:00:00")
    f.certification(t["b_c21"][0], tier="C", certified_on="2022-03-01")
    services.stats_refresh(actor=None)
    data = selectors.dashboard(actor=leader, city=world["zz"].pk, year=2022, today=TODAY)
    flows = {r["year"]: (r["certified"], r["exits"]) for r in data["flows"]}
    assert (flows[2020], flows[2021], flows[2022]) == ((1, 0), (1, 0), (1, 1))
    assert data["kpi"]["certified"] == 2


def test_snapshot_rebuild_is_queued_when_the_registry_moves_on(world, leader, django_capture_on_commit_callbacks):
    # given: a snapshot, then a new talent
    selectors.dashboard(actor=leader, city=world["zz"].pk, year=2022, today=TODAY)
    f.talent(world["a"], tier="A", introduced="2022-05-05")
    # when: the next read notices (the test task backend runs the queued rebuild at once)
    from django.core.cache import cache

    cache.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        selectors.dashboard(actor=leader, city=world["zz"].pk, year=2022, today=TODAY)
    assert len(callbacks) == 1
    # then: the rebuilt snapshot is what the following read shows
    data = selectors.dashboard(actor=leader, city=world["zz"].pk, year=2022, today=TODAY)
    assert data["kpi"]["talents"] == 16


def test_task_lights_in_scope(world, leader):
    from rencai.supervision.models import Task

    target = f.target(world["zz"])
    Task.objects.filter(pk=target.task_id).update(status="red")
    f.target(world["cd"])  # 成都: not 株洲's
    data = selectors.dashboard(actor=leader, city=world["zz"].pk, year=2022, today=TODAY)
    assert data["tasks"] == {"green": 0, "yellow": 0, "red": 1, "done": 0}


def test_funds_paid_against_budget_from_the_ledger(world, leader, monkeypatch):
    # given: the ledger reports two funds of 株洲 for 2022 (元)
    import sys
    import types
    from decimal import Decimal

    rows = [{"fund_id": 1, "name": "株洲市本级", "year": 2022, "region_id": world["zz"].pk, "budget": Decimal(5000000),
             "paid": Decimal(1250000), "balance": Decimal(3750000)},
            {"fund_id": 2, "name": "荷塘区", "year": 2022, "region_id": world["a"].pk, "budget": Decimal(1000000),
             "paid": Decimal(600000), "balance": Decimal(400000)},
            {"fund_id": 3, "name": "成都市本级", "year": 2022, "region_id": world["cd"].pk, "budget": Decimal(9000000),
             "paid": Decimal(1), "balance": Decimal(8999999)}]
    fake = types.SimpleNamespace(paid_total=lambda **kw: Decimal(0), fund_summary=lambda **kw: rows)
    monkeypatch.setitem(sys.modules, "rencai.benefits.selectors", fake)
    services.stats_refresh(actor=None)
    # when
    data = selectors.dashboard(actor=leader, city=world["zz"].pk, year=2022, today=TODAY)
    # then: 万元
    assert data["funds"]["available"] is True
    assert (data["kpi"]["paid"], data["kpi"]["budget"]) == (185.0, 600.0)


def test_dashboard_page_and_api(world, leader, client_for):
    client = client_for(leader)
    page = client.get("/reports/", {"city": world["zz"].pk, "year": 2022})
    assert page.status_code == 200
    body = page.content.decode()
    assert "领导驾驶舱" in body and 'id="chart-flows"' in body and 'id="cockpit-data"' in body
    wall = client.get("/reports/", {"screen": "wall"})
    assert wall.status_code == 200 and 'class="wall"' in wall.content.decode()
    api = client.get("/api/reports/dashboard", {"city": world["zz"].pk, "year": 2022})
    assert api.status_code == 200 and api.json()["kpi"]["talents"] == 15


def test_dashboard_page_denied_to_unit_officer(world, unit_officer, client_for):
    assert client_for(unit_officer).get("/reports/").status_code == 403
