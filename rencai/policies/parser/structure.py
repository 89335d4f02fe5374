"""Document structure: title, numbered headings at every level, which level holds the tasks, and the sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .numbers import ordinal_value
from .targets import find_targets
from .units import LEAD_RULE, find_units

CN_ORD = "一二三四五六七八九十百零〇两"
# (style, pattern); the number group is what the document writes as the item's number
STYLES = [
    ("chapter", re.compile(rf"^第([{CN_ORD}\d]+)(?:章|部分|篇)\s*")),
    ("article", re.compile(rf"^第([{CN_ORD}\d]+)条\s*")),
    ("column", re.compile(rf"^专栏\s*([{CN_ORD}\d]+)\s*")),
    ("cn", re.compile(rf"^([{CN_ORD}]+)\s*[、．.]\s*")),
    ("pcn", re.compile(rf"^([(（]\s*[{CN_ORD}]+\s*[)）])\s*")),
    ("ar", re.compile(r"^(\d{1,3})\s*(?:[、．.](?!\d)|\s(?=[\u4e00-\u9fff]))\s*")),
    ("par", re.compile(r"^([(（]\s*\d{1,3}\s*[)）])\s*")),
    ("circ", re.compile(r"^([①-⑳])\s*")),
]


@dataclass
class Item:
    line: int
    style: str
    written: str  # as the document writes the number: "一", "(一)", "1"
    ordinal: int
    head: str  # rest of the heading line
    body_lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join([self.head, *self.body_lines]).strip()


def number_label(style: str, written: str) -> str:
    if style in ("chapter", "article"):
        return f"第{written}{'条' if style == 'article' else '章'}"
    if style == "column":
        return f"专栏{written}"
    return written.replace(" ", "")


def scan(lines: list[str]) -> tuple[list[str], list[Item]]:
    """Split lines into the preamble and numbered items (a heading line and the lines until the next heading)."""
    items: list[Item] = []
    preamble: list[str] = []
    for i, line in enumerate(lines):
        item = None
        for style, pattern in STYLES:
            m = pattern.match(line)
            if not m:
                continue
            rest = line[m.end():].strip()
            if style == "ar" and not re.match(r"[.．、]", line[len(m.group(1)):].lstrip()):
                # "1 建立…" (number and a space) only as a short heading line
                if len(line) > 40 or "。" in line:
                    continue
            if not rest and style not in ("column",):
                continue
            ordinal = ordinal_value(m.group(1))
            if ordinal is None:
                continue
            item = Item(i, style, number_label(style, m.group(1)), ordinal, rest)
            break
        if item:
            items.append(item)
        elif items:
            items[-1].body_lines.append(line)
        else:
            preamble.append(line)
    return preamble, items


def style_levels(items: list[Item]) -> dict[str, int]:
    """The level of each numbering style is the order in which styles first appear (一、 before (一) before 1.)."""
    levels: dict[str, int] = {}
    for item in items:
        levels.setdefault(item.style, len(levels) + 1)
    return levels


def _first_sentence(text: str) -> tuple[str, str]:
    m = re.search(r"[。！？!?]", text)
    if not m:
        return text.strip(), ""
    return text[: m.start()].strip(), text[m.end():].strip()


def title_of(preamble: list[str], all_lines: list[str]) -> str:
    lines = [ln for ln in preamble if ln]
    joined = "\n".join(all_lines)
    m = re.search(r"印发\s*[《<]([^》>]{4,80})[》>]", joined)
    if m:
        name = m.group(1)
        for ln in all_lines:
            if ln.strip("《》 ") == name:
                return name
    for i, ln in enumerate(lines[:8]):
        if len(ln) > 80 or ln.endswith(("：", ":")) or "。" in ln:
            continue
        if re.fullmatch(r"[\d\s年月日:：.-]+", ln) or re.search(r"〔\d{4}〕\d+号$", ln):
            continue
        title = ln
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if nxt and len(nxt) <= 30 and not re.search(r"[，,。：:〔\d]", nxt) and len(ln) + len(nxt) <= 80 and not re.search(r"(通知|方案|意见|要点|办法|规定|措施|规划)$", ln):
            title += nxt
        return title
    return lines[0][:80] if lines else ""


def build(text: str) -> dict:
    lines = [ln.strip() for ln in text.split("\n")]
    preamble, items = scan(lines)
    levels = style_levels(items)
    analysed = []
    for item in items:
        units = find_units(item.text)
        analysed.append((item, units))
    # The task level is the numbering style whose items carry unit lists; without any, the deepest style used.
    counts: dict[str, int] = {}
    for item, units in analysed:
        if units is not None:
            counts[item.style] = counts.get(item.style, 0) + 1
    if counts:
        task_style = max(counts, key=lambda s: (counts[s], levels[s]))
    else:
        multi = [s for s in levels if sum(1 for it in items if it.style == s) >= 2]
        task_style = max(multi or levels or ["ar"], key=lambda s: levels.get(s, 0))
    task_level = levels.get(task_style, 99)
    lead_rule = None
    m = LEAD_RULE.search(text)
    if m:
        lead_rule = m.group(0).strip(" ,，。;；")

    sections, tasks, stack = [], [], []  # stack of (level, section dict)
    pending: list[tuple[int, dict, Item]] = []  # sections above the task level wait until they prove to hold tasks
    seen_numbers: list[int] = []
    for index, (item, units) in enumerate(analysed):
        level = levels[item.style]
        if level > task_level:
            # deeper than tasks: folded into the task's text below; under a section with no task yet, its
            # targets belong to that section ("发展目标" items)
            if stack and (not tasks or tasks[-1]["_index"] < stack[-1][1]["_index"]):
                stack[-1][1]["targets"].extend(find_targets(item.text))
            continue
        if level < task_level:
            while stack and stack[-1][0] >= level:
                stack.pop()
            title, _ = _first_sentence(item.head)
            section = {"number": item.written, "title": title.rstrip("。;；:："), "level": level,
                       "parent": stack[-1][1]["number"] if stack else None, "targets": find_targets(item.text),
                       "_index": index}
            stack.append((level, section))
            if level == 1:
                sections.append(section)
            else:
                pending.append((level, section, item))
            continue
        # a task — unless a unit-less item restarts the numbering (the 要求 paragraphs after the task list)
        if units is None and seen_numbers and item.ordinal <= seen_numbers[-1] and counts:
            continue
        path = [s["number"] for _, s in stack]
        for lvl, section, _ in list(pending):
            if section["number"] in path and section not in sections:
                sections.append(section)
        deeper = []
        for later, _ in analysed[index + 1:]:
            if levels[later.style] <= task_level:
                break
            deeper.append(later.written + ("、" if later.style == "cn" else ". " if later.style == "ar" else " ") + later.text)
        body_text = "\n".join([item.text, *deeper]) if deeper else item.text
        if deeper:
            units = find_units(body_text) or units
        if units is not None and units.span:
            body_text = (body_text[: units.span[0]] + body_text[units.span[1]:]).strip()
        title, rest = _first_sentence(body_text.split("\n")[0])
        body = "\n".join([rest, *body_text.split("\n")[1:]]).strip()
        if not title:
            title = body_text[:40]
        unit_names = list(units.units) if units else []
        lead = None
        if units and unit_names:
            lead = units.lead or unit_names[0]
            if lead in unit_names:
                unit_names.remove(lead)
            unit_names.insert(0, lead)
        seen_numbers.append(item.ordinal)
        tasks.append({
            "_index": index,
            "number": item.ordinal,
            "section": path[-1] if path else None,
            "section_path": path,
            "title": title.rstrip("。;；:："),
            "body": body,
            "lead_unit": lead,
            "units": unit_names,
            "unit_groups": list(units.groups) if units else [],
            "targets": find_targets(body_text),
        })
    # Keep sections in document order.
    order = {id(s): i for i, s in enumerate(s for _, s, _ in pending)}
    top = [s for s in sections if s["level"] == 1]
    ordered = []
    for t in top:
        ordered.append(t)
        ordered.extend(sorted((s for s in sections if s["level"] > 1 and _under(s, t, sections)), key=lambda s: order.get(id(s), 0)))
    ordered.extend(s for s in sections if s not in ordered)
    # Numbering that restarts (1–5 under each section) is renumbered in document order so numbers stay unique.
    if len(set(seen_numbers)) != len(seen_numbers):
        for i, task in enumerate(tasks, start=1):
            task["written_number"] = task["number"]
            task["number"] = i
    for entry in (*ordered, *tasks):
        entry.pop("_index", None)
    return {"title": title_of(preamble, lines), "lead_rule": lead_rule, "sections": ordered, "tasks": tasks,
            "task_level": task_style}


def _under(section: dict, top: dict, sections: list[dict]) -> bool:
    parent = section["parent"]
    while parent is not None:
        if parent == top["number"]:
            return True
        parent = next((s["parent"] for s in sections if s["number"] == parent), None)
    return False
