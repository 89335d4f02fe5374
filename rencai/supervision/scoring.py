"""Yearly assessment of units (目标考核): a weighted score from facts, every point explained down to tasks.

Pure functions: the caller gathers per-unit facts (which reports were due and when they came, which milestones
were due and met, targets and numbers reached, notices and answers); this module turns them into a score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_WEIGHTS = {"on_time_reporting": 30, "milestones_met": 30, "targets_reached": 30, "notices_answered": 10}
COMPONENT_LABELS = {
    "on_time_reporting": "按时报送",
    "milestones_met": "节点按期达成",
    "targets_reached": "量化目标完成",
    "notices_answered": "督办按时答复",
}


@dataclass(frozen=True)
class Item:
    """One fact counted in a component: which task, what it was, and its credit between 0 and 1."""

    task: str
    what: str
    credit: float


@dataclass
class UnitFacts:
    unit: str
    items: dict[str, list[Item]] = field(default_factory=dict)  # component -> items
    adjustments: list[tuple[float, str]] = field(default_factory=list)  # (points, reason)


@dataclass
class ComponentScore:
    key: str
    label: str
    weight: float
    rate: float | None  # None: nothing to assess; the weight is redistributed
    points: float
    items: list[Item]


@dataclass
class UnitScore:
    unit: str
    total: float
    components: list[ComponentScore]
    adjustments: list[tuple[float, str]]
    rank: int = 0


def _round(x: float) -> float:
    return float(Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def validate_weights(weights: dict[str, float]) -> list[str]:
    errors = [f"未知考核项“{k}”" for k in weights if k not in COMPONENT_LABELS]
    errors += [f"“{COMPONENT_LABELS[k]}”的权重不能为负" for k, w in weights.items() if k in COMPONENT_LABELS and w < 0]
    if not errors and abs(sum(weights.values()) - 100) > 1e-9:
        errors.append(f"各项权重之和应为 100,现为 {sum(weights.values()):g}")
    return errors


def score_unit(facts: UnitFacts, weights: dict[str, float] | None = None) -> UnitScore:
    """Score = Σ weight × rate over components that have facts (weights of empty components are shared out
    proportionally, so a unit with no notices is not punished or rewarded for it) + manual adjustments."""
    weights = weights or DEFAULT_WEIGHTS
    rates = {}
    for key in COMPONENT_LABELS:
        items = facts.items.get(key, [])
        rates[key] = (sum(i.credit for i in items) / len(items)) if items else None
    active = {k: w for k, w in weights.items() if rates.get(k) is not None}
    scale = (100 / sum(active.values())) if active and sum(active.values()) else 0
    components = []
    for key, label in COMPONENT_LABELS.items():
        weight = weights.get(key, 0)
        rate = rates[key]
        points = _round(weight * scale * rate) if rate is not None else 0.0
        components.append(ComponentScore(key, label, weight, None if rate is None else _round(rate), points,
                                         facts.items.get(key, [])))
    total = _round(sum(c.points for c in components) + sum(p for p, _ in facts.adjustments))
    return UnitScore(facts.unit, total, components, list(facts.adjustments))


def rank(scores: list[UnitScore]) -> list[UnitScore]:
    """Competition ranking (1, 2, 2, 4): equal totals share a rank."""
    ordered = sorted(scores, key=lambda s: (-s.total, s.unit))
    previous, position = None, 0
    for index, s in enumerate(ordered, start=1):
        if s.total != previous:
            position, previous = index, s.total
        s.rank = position
    return ordered
