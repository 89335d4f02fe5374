from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rencai.supervision import scoring, status
from rencai.supervision.status import MilestoneFact, TaskFacts

TODAY = date(2018, 9, 1)


@pytest.mark.parametrize(
    ("facts", "expected", "rule_part"),
    [
        (TaskFacts(date(2018, 1, 1), date(2018, 12, 31), 100), status.DONE, "已完成"),  # done_case
        (TaskFacts(date(2018, 1, 1), date(2018, 12, 31), 60,
                   (MilestoneFact("出台办法", date(2018, 6, 30)),)), status.RED, "出台办法"),  # overdue milestone_case
        (TaskFacts(date(2018, 1, 1), date(2018, 8, 31), 90), status.RED, "2018-08-31"),  # overdue task_case
        (TaskFacts(date(2018, 1, 1), date(2018, 12, 31), 70, missing_report_deadlines=(date(2018, 8, 10),)),
         status.RED, "逾期超过"),  # long-missing report_case
        (TaskFacts(date(2018, 1, 1), date(2018, 12, 31), 70, missing_report_deadlines=(date(2018, 8, 28),)),
         status.YELLOW, "尚未提交"),  # late report_case
        (TaskFacts(date(2018, 1, 1), date(2018, 12, 31), 40), status.YELLOW, "落后"),  # behind schedule_case
        (TaskFacts(date(2018, 1, 1), date(2018, 12, 31), 70,
                   (MilestoneFact("平台上线", date(2018, 9, 5)),)), status.YELLOW, "4 天内"),  # milestone soon_case
        (TaskFacts(date(2018, 1, 1), date(2018, 12, 31), 70), status.GREEN, "正常推进"),  # on track_case
        (TaskFacts(date(2018, 1, 1), date(2018, 12, 31), 70,
                   (MilestoneFact("引进人才", date(2018, 6, 30), target=50, reached=30),)), status.RED, "目标 50,已报 30"),
    ],
)
def test_light_and_the_rule_that_decided_it(facts, expected, rule_part):
    light = status.compute(facts, TODAY)
    assert light.status == expected
    assert rule_part in light.rule


def test_target_milestone_met_by_number_reached():
    facts = TaskFacts(date(2018, 1, 1), date(2018, 12, 31), 70,
                      (MilestoneFact("引进人才", date(2018, 6, 30), target=50, reached=52),))
    assert status.compute(facts, TODAY).status == status.GREEN


@given(st.integers(0, 100), st.integers(-400, 400))
def test_light_is_always_one_of_four_with_a_rule(progress, offset):
    from datetime import timedelta

    facts = TaskFacts(date(2018, 1, 1), date(2018, 12, 31), progress)
    light = status.compute(facts, date(2018, 6, 1) + timedelta(days=offset))
    assert light.status in status.LABELS
    assert light.rule


def _facts(unit, reporting, milestones, targets=(), notices=(), adjustments=()):
    return scoring.UnitFacts(unit, {
        "on_time_reporting": [scoring.Item("任务1", f"第{i}期", c) for i, c in enumerate(reporting, 1)],
        "milestones_met": [scoring.Item("任务1", f"节点{i}", c) for i, c in enumerate(milestones, 1)],
        "targets_reached": [scoring.Item("任务2", f"目标{i}", c) for i, c in enumerate(targets, 1)],
        "notices_answered": [scoring.Item("任务1", f"督办单{i}", c) for i, c in enumerate(notices, 1)],
    }, list(adjustments))


def test_score_is_weighted_and_explained():
    s = scoring.score_unit(_facts("市科技局", [1, 1, 0, 1], [1, 0], [0.6], [1]))
    by_key = {c.key: c for c in s.components}
    assert by_key["on_time_reporting"].rate == 0.75
    assert by_key["on_time_reporting"].points == 22.5
    assert by_key["milestones_met"].points == 15.0
    assert by_key["targets_reached"].points == 18.0
    assert by_key["notices_answered"].points == 10.0
    assert s.total == 65.5
    assert [i.what for i in by_key["on_time_reporting"].items if i.credit == 0] == ["第3期"]


def test_missing_component_weight_is_shared_out_and_adjustment_applied():
    s = scoring.score_unit(_facts("市编办", [1, 1], [1], adjustments=[(-2, "材料弄虚作假扣分")]))
    assert s.total == 98.0
    assert [c.rate for c in s.components if c.key == "notices_answered"] == [None]


def test_ranking_shares_ties():
    ranked = scoring.rank([scoring.UnitScore("甲", 90, [], []), scoring.UnitScore("乙", 95, [], []),
                           scoring.UnitScore("丙", 90, [], []), scoring.UnitScore("丁", 80, [], [])])
    assert [(s.unit, s.rank) for s in ranked] == [("乙", 1), ("丙", 2), ("甲", 2), ("丁", 4)]


def test_weights_must_sum_to_100():
    assert scoring.validate_weights({"on_time_reporting": 50, "milestones_met": 40}) == ["各项权重之和应为 100,现为 90"]
    assert scoring.validate_weights(scoring.DEFAULT_WEIGHTS) == []
