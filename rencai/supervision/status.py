"""The traffic light of a task (红黄绿灯), computed from facts, never typed in, with the rule that decided it.

Pure functions over plain data, so the same rule runs for one task on its page and for 10,000 tasks in a batch
recomputation, and the text shown next to every light is the rule that fired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

GREEN, YELLOW, RED, DONE = "green", "yellow", "red", "done"
LABELS = {GREEN: "绿(正常推进)", YELLOW: "黄(存在风险)", RED: "红(已逾期)", DONE: "完成"}

# Thresholds of the rule; shown in the rule text so a unit can check the computation itself.
AT_RISK_DAYS = 7  # a milestone due within this many days and not yet done is at risk when behind schedule
BEHIND_POINTS = 20  # reported progress this many points behind the time elapsed is at risk
LATE_REPORT_GRACE_DAYS = 10  # a report missing this long after its deadline turns the task red


@dataclass(frozen=True)
class MilestoneFact:
    title: str
    due: date
    done_on: date | None = None
    target: float | None = None  # a number to reach (from a parsed quantitative target)
    reached: float | None = None


@dataclass(frozen=True)
class TaskFacts:
    start: date | None
    due: date | None
    progress: int  # latest reported percent complete, 0-100
    milestones: tuple[MilestoneFact, ...] = ()
    # deadlines of reporting periods that have no submitted report (per responsible unit, earliest first)
    missing_report_deadlines: tuple[date, ...] = ()
    completed: bool = False  # the lead unit declared completion and the talent office accepted it
    open_notice_deadlines: tuple[date, ...] = field(default_factory=tuple)  # 督办单 awaiting a response


@dataclass(frozen=True)
class Light:
    status: str
    rule: str

    @property
    def label(self) -> str:
        return LABELS[self.status]


def _milestone_met(m: MilestoneFact) -> bool:
    if m.target is not None:
        return m.reached is not None and m.reached >= m.target
    return m.done_on is not None


def expected_progress(facts: TaskFacts, today: date) -> int | None:
    """Share of the task's time that has passed, in percent (None without dates)."""
    if not facts.start or not facts.due or facts.due <= facts.start:
        return None
    elapsed = (today - facts.start).days / (facts.due - facts.start).days
    return max(0, min(100, round(elapsed * 100)))


def compute(facts: TaskFacts, today: date) -> Light:
    """Apply the rule in order: done, then red conditions, then yellow, else green."""
    if facts.completed or (facts.progress >= 100 and all(_milestone_met(m) for m in facts.milestones)):
        return Light(DONE, "已完成:进度 100% 且全部节点已达成")
    for m in sorted(facts.milestones, key=lambda m: m.due):
        if m.due < today and not _milestone_met(m):
            what = f"目标 {m.target:g},已报 {m.reached:g}" if m.target is not None and m.reached is not None else "未完成"
            return Light(RED, f"节点“{m.title}”应于 {m.due:%Y-%m-%d} 完成,{what}")
    if facts.due and facts.due < today:
        return Light(RED, f"任务应于 {facts.due:%Y-%m-%d} 完成,当前进度 {facts.progress}%")
    for deadline in facts.missing_report_deadlines:
        if deadline + timedelta(days=LATE_REPORT_GRACE_DAYS) < today:
            return Light(RED, f"{deadline:%Y-%m-%d} 截止的进度报告逾期超过 {LATE_REPORT_GRACE_DAYS} 天未报")
    for deadline in facts.open_notice_deadlines:
        if deadline < today:
            return Light(RED, f"督办单要求 {deadline:%Y-%m-%d} 前答复,至今未答复")
    for deadline in facts.missing_report_deadlines:
        if deadline < today:
            return Light(YELLOW, f"{deadline:%Y-%m-%d} 截止的进度报告尚未提交")
    expected = expected_progress(facts, today)
    if expected is not None and expected - facts.progress >= BEHIND_POINTS:
        return Light(YELLOW, f"时间已过 {expected}%,进度仅 {facts.progress}%(落后 {expected - facts.progress} 个百分点,阈值 {BEHIND_POINTS})")
    for m in sorted(facts.milestones, key=lambda m: m.due):
        if today <= m.due <= today + timedelta(days=AT_RISK_DAYS) and not _milestone_met(m):
            return Light(YELLOW, f"节点“{m.title}”将于 {m.due:%Y-%m-%d} 到期({(m.due - today).days} 天内),尚未达成")
    if expected is None:
        return Light(GREEN, f"正常推进:进度 {facts.progress}%,无逾期节点")
    return Light(GREEN, f"正常推进:时间已过 {expected}%,进度 {facts.progress}%,无逾期节点")


RULE_SUMMARY = (
    "完成:进度 100% 且全部节点达成;"
    "红:有节点过期未达成,或任务过期未完成,或进度报告逾期超过 "
    f"{LATE_REPORT_GRACE_DAYS} 天,或督办单过期未答复;"
    f"黄:进度报告已过截止日未提交,或进度落后时间 {BEHIND_POINTS} 个百分点以上,或节点 {AT_RISK_DAYS} 天内到期未达成;"
    "绿:其余情况。"
)
