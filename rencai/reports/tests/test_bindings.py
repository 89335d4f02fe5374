"""Binding targets to metrics: computed progress, 报送数 fallback, permissions with nothing left behind."""

import pytest

from rencai.audit.models import AuditEntry
from rencai.core.exceptions import ApplicationError, PermissionDenied
from rencai.reports import selectors, services
from rencai.reports.models import MetricBinding

from . import factories as f

B_2018_2020 = {"metric": "talents_introduced", "tier": ["B"], "introduced_between": ["2018-01-01", "2020-12-31"]}


def test_bound_target_is_computed_and_audited(world, city_staff):
    # given: a 株洲 target of 10 with 4 reported
    target = f.target(world["zz"], value=10, reached=4)
    # when: bound without a scope (defaults to the task's region, 株洲)
    binding = services.metric_bind(actor=city_staff, target=target, definition=B_2018_2020)
    # then: 荷塘 2 + 芦淞 1 = 3, computed, not the reported 4
    assert binding.definition["scope"] == "ZZ" and binding.value == 3
    row = next(r for r in selectors.target_rows(actor=city_staff) if r["id"] == target.pk)
    assert (row["actual"], row["source_label"], row["ratio"]) == (3.0, "计算", 30.0)
    assert [p["year"] for p in row["trend"]] == [2018, 2019, 2020]
    entry = AuditEntry.objects.filter(action="reports.metric_bind").get()
    assert entry.changes["definition"]["new"]["scope"] == "ZZ"


def test_unbound_target_shows_the_reported_number(world, city_staff):
    target = f.target(world["zz"], value=50, reached=12)
    row = next(r for r in selectors.target_rows(actor=city_staff) if r["id"] == target.pk)
    assert (row["actual"], row["source"], row["source_label"]) == (12.0, "reported", "报送数")


def test_fund_metric_without_ledger_falls_back_to_reported(world, city_staff, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "rencai.benefits.selectors", None)
    target = f.target(world["zz"], value=500, reached=120)
    binding = services.metric_bind(actor=city_staff, target=target, definition={"metric": "paid_total", "year": 2024})
    assert binding.value is None and "资金数据暂无" in binding.error
    row = next(r for r in selectors.target_rows(actor=city_staff) if r["id"] == target.pk)
    assert (row["actual"], row["source_label"]) == (120.0, "报送数")


def test_district_officer_cannot_bind_a_city_target_and_nothing_changes(world, district_a_officer):
    target = f.target(world["zz"], value=10)
    with pytest.raises(PermissionDenied):
        services.metric_bind(actor=district_a_officer, target=target, definition=B_2018_2020)
    assert not MetricBinding.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="reports.").exists()


def test_scope_must_lie_in_the_task_region(world, city_staff):
    target = f.target(world["a"], value=10)  # a 荷塘区 task
    with pytest.raises(ApplicationError, match="不在任务所属地区"):
        services.metric_bind(actor=city_staff, target=target, definition={**B_2018_2020, "scope": "ZZ-D02"})
    assert not MetricBinding.objects.exists()


def test_unbind_returns_to_reported(world, city_staff):
    target = f.target(world["zz"], value=10, reached=4)
    services.metric_bind(actor=city_staff, target=target, definition=B_2018_2020)
    services.metric_unbind(actor=city_staff, target=target)
    assert not MetricBinding.objects.exists()
    assert AuditEntry.objects.filter(action="reports.metric_unbind").count() == 1


def test_bind_through_the_page_shows_chinese_errors(world, city_staff, client_for):
    target = f.target(world["zz"], value=10)
    client = client_for(city_staff)
    bad = client.post(f"/reports/targets/{target.pk}/bind/", {"definition": '{"metric": "talents_introduced", '
                                                                        '"introduced_between": ["2021-01-01", "2020-01-01"]}'},
                      follow=True)
    assert "晚于结束日期" in bad.content.decode()
    ok = client.post(f"/reports/targets/{target.pk}/bind/", {"definition": '{"metric": "talents_introduced", "tier": ["B"]}'},
                     follow=True)
    assert "已设置指标口径" in ok.content.decode()
    assert MetricBinding.objects.get(target=target).value == 4  # B in 株洲: 2 + 1 + 1


def test_bind_through_the_api(world, city_staff, client_for):
    target = f.target(world["zz"], value=10)
    response = client_for(city_staff).put(f"/api/reports/targets/{target.pk}/metric",
                                          data={"definition": {"metric": "talents_introduced", "scope": "ZZ-D02"}},
                                          content_type="application/json")
    assert response.status_code == 200 and response.json()["value"] == 7.0
    bad = client_for(city_staff).put(f"/api/reports/targets/{target.pk}/metric",
                                     data={"definition": {"metric": "nope"}}, content_type="application/json")
    assert bad.status_code == 400 and "未知指标" in bad.json()["message"]
