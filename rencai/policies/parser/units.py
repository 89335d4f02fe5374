"""Responsible units of a task: trailing bracket lists, explicit 牵头单位/责任单位 markers, "X牵头,Y配合"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OPEN, CLOSE = "(（", ")）"
SEPARATORS = "、，,；;"
# The document's own lead rule: 排第一的为牵头单位 / 列第一位者为牵头单位 / 排在第一位的部门为牵头部门
LEAD_RULE = re.compile(r"(?:排|列)(?:在)?第一(?:位)?(?:的|者)?(?:单位|部门)?(?:为|是)牵头(?:单位|部门)[^)）]*")
UNIT_SUFFIX = re.compile(
    r"(部|委|局|办|厅|署|会|院|校|中心|政府|行|联|协|团市委|团委|室|处|所|组|站|馆|社|公司|集团|区|县|市|旗|镇|乡|街道|"
    r"管委|党校|中专|职中|中学|小学|学校|幼儿园|研究院|研究所|法院|检察院|银行|总队|支队|大队|监狱|台|报社|协会|学会|联合会|商会|基金|办公室|领导小组|委员会|管理局|"
    r"管理办|管理处|指挥部|集团公司|大学|学院|医院|园区|新区|高新区|开发区|口岸|海关)$"
)
GROUP_START = re.compile(r"^(各|有关|相关|其他|其它|其余|全体|所属)")
GROUP_END = re.compile(r"(成员单位|协办单位|配合单位|有关部门|有关单位|相关部门|相关单位|各部门|各单位)$")
TRAILING = re.compile(r"(按职责分工负责|按职责负责|分别负责|共同负责|牵头负责|负责落实|负责|配合|参与|落实)$")
EXPLICIT = re.compile(r"(牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位)\s*[:：]\s*")


@dataclass
class UnitList:
    units: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    lead: str | None = None
    lead_rule: str | None = None
    explicit_lead: bool = False
    span: tuple[int, int] | None = None  # where the list sits in the task text (to cut it from the body)


def split_top(text: str) -> list[str]:
    """Split on list separators that are not inside brackets (市社科联〔市社科院〕 stays whole)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "(（〔[【":
            depth += 1
        elif ch in ")）〕]】":
            depth = max(0, depth - 1)
        elif ch in SEPARATORS and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def is_group(name: str) -> bool:
    return bool(GROUP_START.search(name) or GROUP_END.search(name) or "有关" in name)


def looks_like_unit(name: str) -> bool:
    core = re.sub(r"[〔(（][^〔〕()（）]*[〕)）]$", "", name)  # 市社科联〔市社科院〕 -> 市社科联
    return 2 <= len(name) <= 40 and bool(re.search(r"[\u4e00-\u9fff]", name)) and bool(UNIT_SUFFIX.search(core))


def _classify(items: list[str], out: UnitList) -> int:
    """Add items to units/groups; returns how many looked like neither (evidence the list is not a unit list)."""
    strange = 0
    for raw in items:
        raw = raw.strip("。. ")
        co_lead = bool(re.search(r"牵头(负责)?$", raw))
        name = TRAILING.sub("", raw).removesuffix("牵头").strip()
        if "等" in name:
            head, _, tail = name.partition("等")
            # 海关总署、商务部等有关部门 -> unit 商务部 + group 有关部门; "X等" -> X
            if head and looks_like_unit(head):
                _add_unit(out, head, co_lead)
                if tail and is_group(tail):
                    out.groups.append(tail)
                continue
        if not name:
            continue
        if is_group(name):
            out.groups.append(name)
        elif looks_like_unit(name):
            _add_unit(out, name, co_lead)
        else:
            strange += 1
    return strange


def _add_unit(out: UnitList, name: str, co_lead: bool) -> None:
    if name not in out.units:
        out.units.append(name)
    if co_lead and not out.explicit_lead:
        # "A、B牵头负责": every unit listed up to here leads; the first is the lead unit
        out.lead = out.lead or out.units[0]


def parse_list(content: str) -> UnitList | None:
    """The inside of a trailing bracket: units, groups and a stated lead rule, or None if it is no unit list."""
    out = UnitList()
    rule = LEAD_RULE.search(content)
    if rule:
        out.lead_rule = rule.group(0).strip(" ,，。;；")
        content = content[: rule.start()]
    explicit = list(EXPLICIT.finditer(content))
    if explicit:
        for i, m in enumerate(explicit):
            end = explicit[i + 1].start() if i + 1 < len(explicit) else len(content)
            items = split_top(content[m.end():end].strip(" ;；。"))
            before = len(out.units)
            _classify(items, out)
            if m.group(1).startswith("牵头") and len(out.units) > before:
                out.lead, out.explicit_lead = out.units[before], True
        return out if (out.units or out.groups) else None
    # "X牵头,Y、Z配合"
    m = re.search(r"^(.+?)牵头[,，、;；]\s*(.+?)(配合|参与|协同|协助)?$", content.strip(" 。"))
    if m and looks_like_unit(TRAILING.sub("", m.group(1)).split("、")[0]):
        _classify(split_top(m.group(1)), out)
        if out.units:
            out.lead, out.explicit_lead = out.units[0], True
        _classify(split_top(m.group(2)), out)
        return out if out.units else None
    items = split_top(content.strip(" 。"))
    if not items:
        return None
    strange = _classify(items, out)
    if not (out.units or out.groups) or strange > max(1, len(items) // 3):
        return None
    return out


def trailing_bracket(text: str) -> tuple[int, int] | None:
    """(start, end) of a bracket group closing the text, matching nested brackets; None if the text ends otherwise."""
    stripped = text.rstrip(" 。.;；\n")
    if not stripped or stripped[-1] not in CLOSE:
        return None
    depth = 0
    for i in range(len(stripped) - 1, -1, -1):
        ch = stripped[i]
        if ch in CLOSE:
            depth += 1
        elif ch in OPEN:
            depth -= 1
            if depth == 0:
                return i, len(stripped)
    return None  # unclosed: not a list


def find_units(text: str) -> UnitList | None:
    """Units of one task's text: explicit marker lines first, then the trailing bracket, then "X牵头,Y配合"."""
    lines = text.rstrip().split("\n")
    block: list[str] = []
    while lines and EXPLICIT.match(lines[-1].strip().lstrip("(（")):
        block.insert(0, lines.pop().strip().strip("()（） "))
    if block:
        parsed = parse_list("；".join(block))
        if parsed:
            start = len("\n".join(lines)) + (1 if lines else 0)
            parsed.span = (start, len(text.rstrip()))
            return parsed
    # the list closes the task's text, or closes one of its paragraphs (closing remarks, a signature or
    # "(此件公开发布)" may follow the last task of a document)
    offset = len(text)
    for line in reversed(text.split("\n")):
        offset -= len(line)
        span = trailing_bracket(line)
        if span:
            parsed = parse_list(line[span[0] + 1: span[1] - 1])
            if parsed:
                parsed.span = (offset + span[0], offset + span[1])
                return parsed
        offset -= 1  # the newline
    m = re.search(r"([^，,。;；\n]*?牵头[,，][^。;；\n]*?(?:配合|参与|协同|协助))", text)
    if m:
        parsed = parse_list(m.group(1))
        if parsed and parsed.explicit_lead:
            start = text.rfind(m.group(1))
            parsed.span = (start, start + len(m.group(1)))
            return parsed
    return None
