"""Each metric against the hand-counted fixture in conftest.world (counts worked out by hand in the docstrings)."""

import datetime as dt
import sys
import types
from decimal import Decimal

import pytest

from rencai.core.exceptions import ApplicationError
from rencai.reports import metrics

from . import factories as f


@pytest.mark.parametrize(("definition", "expected"), [
    # 株洲 all: 荷塘 2+1+3+1+1 = 8, 芦淞 1+2+4 = 7
    ({"metric": "talents_introduced", "scope": "ZZ"}, 15),
    # B in 株洲 2018–2020: 荷塘 2 (2019) + 芦淞 1 (2020-11-30)
    ({"metric": "talents_introduced", "scope": "ZZ", "tier": ["B"], "introduced_between": ["2018-01-01", "2020-12-31"]}, 3),
    # same in 荷塘区 only
    ({"metric": "talents_introduced", "scope": "ZZ-D01", "tier": ["B"], "introduced_between": ["2018-01-01", "2020-12-31"]}, 2),
    # 2021 in 株洲: 荷塘 1 B + 3 D, 芦淞 2 C (2021-12-31 is inside)
    ({"metric": "talents_introduced", "scope": "ZZ", "introduced_between": ["2021-01-01", "2021-12-31"]}, 6),
    # industry section C in 株洲: 荷塘 2 C39 + 1 C36 + 1 C39 + 1 C39 (no date), 芦淞 2 C39
    ({"metric": "talents_introduced", "scope": "ZZ", "industry": ["C"]}, 7),
    # division C39 only
    ({"metric": "talents_introduced", "scope": "ZZ", "industry": ["C39"]}, 6),
    # flexible introductions
    ({"metric": "talents_introduced", "scope": "ZZ", "mode": ["flexible"]}, 1),
    ({"metric": "talents_introduced", "scope": "ZZ", "education": ["doctorate"]}, 1),
    # 成都 is not 株洲
    ({"metric": "talents_introduced", "scope": "CD", "tier": ["B"]}, 1),
], ids=["all_case", "tier_dates_case", "district_case", "one_year_case", "section_case", "division_case", "mode_case",
        "education_case", "other_city_case"])
def test_talents_introduced(world, definition, expected):
    assert metrics.metric_compute(definition) == Decimal(expected)


@pytest.fixture
def certified(world):
    t = world["t"]
    return [
        f.certification(t["a_b19"][0], tier="B", certified_on="2020-03-01"),            # active
        f.certification(t["a_b19"][1], tier="B", certified_on="2020-05-01", status="revoked",
                        changed_at="2022-06-01T10:00:00"),                                # revoked mid-2022
        f.certification(t["a_b21"][0], tier="B", certified_on="2021-09-01"),            # active
        f.certification(t["a_d21"][0], tier="D", certified_on="2021-10-01"),            # active
        f.certification(t["b_b20"][0], tier="B", certified_on="2021-01-15", valid_until="2022-01-14",
                        status="expired", changed_at="2022-01-15T00:00:00"),            # expired
        f.certification(t["b_c21"][0], tier="C", certified_on="2022-03-01"),            # active
    ]


@pytest.mark.parametrize(("definition", "expected"), [
    # active now, tier B, 株洲: a_b19[0], a_b21[0]
    ({"metric": "certified_talents", "scope": "ZZ", "tier": ["B"]}, 2),
    # B introduced 2018–2020 (the example): only a_b19[0] is still active
    ({"metric": "certified_talents", "scope": "ZZ", "tier": ["B"], "introduced_between": ["2018-01-01", "2020-12-31"]}, 1),
    # in force on 2021-12-31: a_b19[0], a_b19[1] (revoked later), a_b21[0], b_b20 (valid until 2022-01-14)
    ({"metric": "certified_talents", "scope": "ZZ", "tier": ["B"], "as_of": "2021-12-31"}, 4),
    # in force on 2022-12-31: a_b19[0], a_b21[0]
    ({"metric": "certified_talents", "scope": "ZZ", "tier": ["B"], "as_of": "2022-12-31"}, 2),
    # any tier active in 芦淞区: b_c21[0]
    ({"metric": "certified_talents", "scope": "ZZ-D02"}, 1),
    # certified in 2021 and still active: a_b21[0], a_d21[0]
    ({"metric": "certified_talents", "scope": "ZZ", "certified_between": ["2021-01-01", "2021-12-31"]}, 2),
], ids=["active_case", "introduced_case", "as_of_2021_case", "as_of_2022_case", "district_case", "certified_in_case"])
def test_certified_talents(certified, definition, expected):
    assert metrics.metric_compute(definition) == Decimal(expected)


def test_trend_is_cumulative_at_each_year_end(world):
    # given: B+C+D+E in 株洲 introduced 2019–2022: 2019: 2, 2020: +1, 2021: +6, 2022: +5
    definition = {"metric": "talents_introduced", "scope": "ZZ", "introduced_between": ["2019-01-01", "2022-12-31"]}
    # when
    trend = metrics.metric_trend(definition, today=dt.date(2026, 6, 1))
    # then
    assert trend == [{"year": 2019, "value": 2.0}, {"year": 2020, "value": 3.0}, {"year": 2021, "value": 9.0},
                     {"year": 2022, "value": 14.0}]


def test_paid_total_without_the_ledger_says_no_fund_data(world, monkeypatch):
    monkeypatch.setitem(sys.modules, "rencai.benefits.selectors", None)  # import fails as if the module were absent
    with pytest.raises(metrics.MetricUnavailable, match="资金数据暂无"):
        metrics.metric_compute({"metric": "paid_total", "scope": "ZZ", "year": 2024})


def test_paid_total_sums_the_ledger_per_tier_and_year(world, monkeypatch):
    # given: a ledger paying 100 per (tier, year) in 荷塘区 and 7 elsewhere
    calls = []

    def paid_total(*, region_ids=None, year=None, tier=None):
        calls.append((year, tier))
        return Decimal(100) if region_ids == [world["a"].pk] else Decimal(7)

    monkeypatch.setitem(sys.modules, "rencai.benefits.selectors", types.SimpleNamespace(paid_total=paid_total))
    # when
    value = metrics.metric_compute({"metric": "paid_total", "scope": "ZZ-D01", "years": [2023, 2024], "tier": ["A", "B"],
                                    "unit": "元"})
    wan = metrics.metric_compute({"metric": "paid_total", "scope": "ZZ-D01", "year": 2024})
    # then
    assert value == Decimal(400)
    assert wan == Decimal("0.01")  # 100 元 in 万元 (default unit)
    assert sorted(calls, key=str) == [(2023, "A"), (2023, "B"), (2024, "A"), (2024, "B"), (2024, None)]


@pytest.mark.parametrize(("definition", "message"), [
    ({"metric": "incubators"}, "未知指标“incubators”"),
    ({"metric": "talents_introduced", "scope": "ZZ", "introduced_between": ["2020-13-01", "2020-12-31"]}, "不是日期"),
    ({"metric": "talents_introduced", "scope": "ZZ", "introduced_between": ["2021-01-01", "2020-12-31"]}, "晚于结束日期"),
    ({"metric": "talents_introduced", "scope": "ZZ", "tier": ["X"]}, "人才类别“X”无效"),
    ({"metric": "talents_introduced", "scope": "ZZ", "year": 2020}, "不支持“year”"),
    ({"metric": "talents_introduced", "scope": "ZZ-KJJ"}, "不是已登记的市、新区或区县机构编码"),
    ({"metric": "talents_introduced", "scope": "NOPE"}, "统计范围“NOPE”"),
    ({"metric": "talents_introduced", "scope": "ZZ", "industry": ["CC9"]}, "行业“CC9”无效"),
    ({"metric": "paid_total", "scope": "ZZ", "year": 2020, "years": [2020, 2021]}, "只能填一个"),
    ({"metric": "talents_introduced"}, "请填写统计范围"),
    (["talents_introduced"], "JSON 对象"),
], ids=["metric_case", "date_case", "range_case", "tier_case", "key_case", "not_region_case", "unknown_scope_case",
        "industry_case", "year_years_case", "no_scope_case", "not_object_case"])
def test_rejects_bad_definitions_in_chinese(db, definition, message):
    with pytest.raises(ApplicationError) as exc:
        metrics.definition_validate(definition)
    assert message in exc.value.message
