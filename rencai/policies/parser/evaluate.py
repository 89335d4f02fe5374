"""Precision, recall and F1 of the parser against hand-labelled gold files (the matching rules are in docs/parser.md)."""

from __future__ import annotations

import json
from pathlib import Path

from .cleaning import canonical
from .reading import read_document

FIELDS = ("tasks", "lead_unit", "units", "unit_groups", "targets")


def _norm(text) -> str:
    return canonical(str(text or "")).rstrip("。.;;")


def _value(v) -> float:
    return round(float(v), 6)


def _items(doc: dict) -> dict[str, set]:
    sets: dict[str, set] = {f: set() for f in FIELDS}
    for t in doc.get("tasks", []):
        n = int(t["number"])
        sets["tasks"].add((n, _norm(t.get("title"))))
        if t.get("lead_unit"):
            sets["lead_unit"].add((n, _norm(t["lead_unit"])))
        sets["units"].update((n, _norm(u)) for u in t.get("units", []))
        sets["unit_groups"].update((n, _norm(g)) for g in t.get("unit_groups", []))
        for g in t.get("targets", []):
            sets["targets"].add((n, _value(g["value"]), _value(g.get("value_max") or g["value"]), _norm(g.get("unit")),
                                 _norm(g.get("metric")) if False else ""))
    return sets


def _target_multiset(doc: dict) -> list[tuple]:
    out = []
    for t in doc.get("tasks", []):
        for g in t.get("targets", []):
            out.append((int(t["number"]), _value(g["value"]), _value(g.get("value_max") or g["value"]), _norm(g.get("unit"))))
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else (1.0 if not n_pred else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "pred": n_pred, "gold": n_gold, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def compare(predicted: dict, gold: dict) -> dict:
    pred, truth = _items(predicted), _items(gold)
    scores = {}
    for f in ("tasks", "lead_unit", "units", "unit_groups"):
        scores[f] = _prf(len(pred[f] & truth[f]), len(pred[f]), len(truth[f]))
    # targets are a multiset (one sentence may state the same number twice): match greedily
    remaining = list(_target_multiset(gold))
    predicted_targets = _target_multiset(predicted)
    tp = 0
    for t in predicted_targets:
        if t in remaining:
            remaining.remove(t)
            tp += 1
    scores["targets"] = _prf(tp, len(predicted_targets), len(_target_multiset(gold)))
    return scores


def _sum(reports: list[dict]) -> dict:
    total = {}
    for f in FIELDS:
        tp = sum(r[f]["tp"] for r in reports)
        total[f] = _prf(tp, sum(r[f]["pred"] for r in reports), sum(r[f]["gold"] for r in reports))
    tp = sum(total[f]["tp"] for f in FIELDS)
    total["overall"] = _prf(tp, sum(total[f]["pred"] for f in FIELDS), sum(total[f]["gold"] for f in FIELDS))
    return total


def evaluate_dir(gold_dir: str | Path) -> dict:
    from . import parse_document

    gold_dir = Path(gold_dir)
    files = {}
    for gold_path in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        stem = gold_path.name[: -len(".gold.json")]
        candidates = [gold_dir / f"{stem}.txt"]
        if gold.get("source"):
            candidates.insert(0, gold_dir / gold["source"])
            candidates.append(gold_dir / Path(gold["source"]).name)
        source = next((c for c in candidates if c.exists()), None)
        if source is None:
            txts = sorted(gold_dir.glob(f"{stem.split('_')[0]}_*.txt"))
            source = txts[0] if len(txts) == 1 else None
        if source is None:
            files[gold_path.name] = {"error": "找不到对应的原文文件"}
            continue
        read = read_document(source.read_bytes(), source.name)
        files[gold_path.name] = compare(parse_document(read.text), gold)
    scored = [r for r in files.values() if "error" not in r]
    return {"files": files, "total": _sum(scored) if scored else None}


def format_report(report: dict) -> str:
    lines = []
    header = f"{'字段 field':16s}{'precision':>10s}{'recall':>10s}{'F1':>8s}{'  (tp/pred/gold)'}"
    for name, scores in report["files"].items():
        lines.append(f"== {name}")
        if "error" in scores:
            lines.append(f"   {scores['error']}")
            continue
        lines.append(header)
        for f in FIELDS:
            s = scores[f]
            lines.append(f"{f:16s}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>8.3f}  ({s['tp']}/{s['pred']}/{s['gold']})")
    if report.get("total"):
        lines.append("== 合计 total (micro-averaged)")
        lines.append(header)
        for f in (*FIELDS, "overall"):
            s = report["total"][f]
            lines.append(f"{f:16s}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>8.3f}  ({s['tp']}/{s['pred']}/{s['gold']})")
    return "\n".join(lines)
