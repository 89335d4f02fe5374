"""Quantitative targets in a task's text: 全年引进扶持50名左右高层次人才 -> metric, 50, 名, 左右, 全年.

A number is a target when it counts something the task must achieve: a target verb or a qualifier stands beside
it, or it continues a list of targets in the same sentence. Years, ages, durations, ordinals, programme names in
quotes (“135”工程), policy parameters (补贴50%、最高15万元) and descriptions (围绕10个示范基地) are not targets.
"""

from __future__ import annotations

import re

from .numbers import to_number

CN = "零〇一二两三四五六七八九十百千"
NUM = rf"(?:\d+(?:\.\d+)?|[{CN}]+)"
UNITS = ["个百分点", "人次", "万元", "亿元", "千瓦", "平方米", "公里", "户次", "家次", "名", "人", "个", "家", "项", "门",
         "所", "支", "期", "场", "次", "户", "套", "台", "亩", "件", "批", "座", "篇", "部", "条", "元", "%", "％"]
TARGET = re.compile(
    rf"(?P<num>{NUM})(?P<mult>[万亿]?)(?:\s*(?:-|－|—|–|~|～|至|到)\s*(?P<num2>{NUM})(?P<mult2>[万亿]?))?"
    rf"\s*(?P<unit>{'|'.join(map(re.escape, UNITS))})(?P<qa>左右|以上|以内|以下|上下)?"
)
NOT_AFTER = re.compile(r"^(月|年|日|号|岁|周岁|天|倍|小时|工作日|届|把手|站式|带一路)")
NOT_BEFORE = re.compile(r"(第|前|围绕|依托|通过|按照|根据|对|在|以|的|每|近|共|各类|这|该|其中|有关)$")
QUAL_BEFORE = re.compile(r"(不少于|不低于|不超过|不高于|超过|至少|力争|确保|累计|突破|约|逾|近)$")
VERBS = ("引进", "建立", "促成", "争取", "服务", "建成运营", "培育引进", "引育", "扶持", "培育", "培养", "培训", "新建", "建设", "建成", "创建", "打造", "选派", "完成", "达到", "超过",
         "遴选", "资助", "认定", "招聘", "招录", "吸引", "集聚", "聚集", "促进", "新增", "增加", "发展", "提高", "提升", "突破",
         "力争", "确保", "培植", "组建", "设立", "认证", "评选", "选拔", "举办", "开展", "实现", "带动", "孵化", "稳定在",
         "控制在", "就业", "创业", "签约", "落地", "落户", "入驻", "储备", "申报", "支持", "奖励")
PARAMETER = re.compile(r"(补贴|补助|奖补|资助标准|最高|每人|每户|每年每|返还|贴息|担保贷款|缴纳|标准为|费率|比例|工资|报酬|申领)")
# conditions of a policy ("符合…条件的", "可申请…") state who qualifies, not what must be achieved
ELIGIBILITY = re.compile(r"(符合[^。；]{0,30}条件|可申请|可按|可享受|申请条件|给予|返还|最高不超过|每人|每户)")
PERIOD = re.compile(
    r"(全年|每年|年均|当年|到20\d\d年底?|至20\d\d年底?|20\d\d年底前?|20\d\d年前|20\d\d-20\d\d年|20\d\d年"
    r"|[一二三四五两\d]+年内|今后[一二三四五两\d]+年)"
)
QUOTED = re.compile(r"“[^”]{0,60}”|\"[^\"]{0,60}\"|《[^》]{0,80}》|「[^」]{0,60}」|‘[^’]{0,60}’")
CLAUSE_BREAK = "，,；;。：:！!？?\n"
LIST_BREAK = CLAUSE_BREAK + "、"


def _period_before(text: str, pos: int) -> str | None:
    sentence_start = max(text.rfind(c, 0, pos) for c in "。；;！!？?\n") + 1
    found = None
    for m in PERIOD.finditer(text, sentence_start, pos):
        found = m.group(1)
    return found


def _clause_start(text: str, pos: int, breaks: str = CLAUSE_BREAK) -> int:
    return max(text.rfind(c, 0, pos) for c in breaks) + 1


def _strip_metric(left: str) -> str:
    left = PERIOD.sub("", left)
    left = re.sub(r"^(并|和|及|以及|同时|其中|力争|确保|争取|要|将|共|累计|全市|全区|全县)+", "", left)
    left = re.sub(r"(均|分别|总体|总数|总量)?(达到|超过|不少于|不低于|突破|稳定在|控制在|提高到|提升至|增至|至少|约|达)$", "", left)
    left = re.sub(r"(均|分别|总体)$", "", left)
    return left.strip(" 、,，")


def find_targets(text: str) -> list[dict]:
    masked = QUOTED.sub(lambda m: "\u0000" * len(m.group(0)), text)
    found: list[dict] = []
    last_end, last_sentence, last_verb, last_right = -1, -1, "", 0
    for m in TARGET.finditer(masked):
        start, end = m.span()
        if start < last_end:
            continue  # already read as part of "分别达到X和Y"
        num, num2 = m.group("num"), m.group("num2")
        unit = "%" if m.group("unit") == "％" else m.group("unit")
        before = masked[max(0, start - 6):start]
        after = masked[end:end + 4]
        if "\u0000" in masked[start:end] or NOT_AFTER.match(after) or NOT_BEFORE.search(before):
            continue
        if unit in ("个", "次") and after[:1] in ("月", "年", "日", "工"):
            continue
        if start > 0 and (masked[start - 1].isdigit() or masked[start - 1] in ".．" or masked[start - 1] in CN):
            continue  # inside a longer number or a date
        chinese = not num[0].isdigit()
        try:
            value = to_number(num, m.group("mult"))
            value_max = to_number(num2, m.group("mult2")) if num2 else None
        except ValueError:
            continue
        sentence = max(masked.rfind(c, 0, start) for c in "。；;！!？?\n") + 1
        clause = _clause_start(masked, start)
        left_full = masked[clause:start]
        qualifier = m.group("qa")
        qb = QUAL_BEFORE.search(left_full)
        if not qualifier and qb:
            qualifier = qb.group(1) if qb.group(1) not in ("力争", "确保", "累计") else None
        verb_near = any(v in left_full[-14:] for v in VERBS)
        gap = masked[last_end:start].strip(" ")
        continues = last_sentence == sentence and 0 <= start - last_end <= 30 and (
            gap[:1] in ("、", "和", "及", "，", ",") or gap[-1:] in ("、", "和", "及") or not gap)
        if chinese and not ((qualifier or any(v in left_full[-4:] for v in VERBS)) and value >= 2):
            continue
        if not (qualifier or verb_near or continues):
            continue
        if PARAMETER.search(masked[sentence:end + 6]) and not verb_near:
            continue
        if PARAMETER.search(left_full[-8:]) or ELIGIBILITY.search(masked[sentence:start]):
            continue
        # metric: what stands before the number in this list item, and what follows the unit up to a break
        item_start = max(_clause_start(masked, start, LIST_BREAK), last_right if last_sentence == sentence else 0)
        left = _strip_metric(masked[item_start:start].replace("\u0000", "").lstrip("和及、 "))
        next_number = re.compile(rf"[和及]\s*{NUM}").search(masked, end)
        right_end = min([i for i in (masked.find(c, end) for c in LIST_BREAK) if i != -1]
                        + ([next_number.start()] if next_number else []) or [len(masked)])
        right = re.sub(r"^(左右|以上|以内|以下)", "", text[end:right_end]).strip()
        verb = next((v for v in VERBS if left.startswith(v) or v in left[:6]), "")
        if not left and continues and last_verb:
            left = last_verb
        metric = (left + right).strip() or left_full.strip()
        period = _period_before(text, start)
        subject = left_full
        values = [value]
        multi = re.search(r"分别(?:达到|为|是)?$", _strip_period(left_full))
        if multi:
            tail = re.match(rf"^(?:\s*[和及、]\s*(?P<n>{NUM})(?P<m>[万亿]?)\s*(?:{re.escape(m.group('unit'))}))+", masked[end:])
            if tail:
                values += [to_number(x.group(1), x.group(2)) for x in re.finditer(rf"({NUM})([万亿]?)", tail.group(0))]
                end += tail.end()
        text_span = text[clause:max(end, right_end if not multi else end)].strip(" ,，、")
        parts = _distributed_subjects(_strip_metric(subject.replace("\u0000", "")))
        if parts and (multi or re.search(r"均(?:达到|为)?$", _strip_period(left_full))):
            pairs = list(zip(parts, values)) if multi and len(values) == len(parts) else [(p, values[0]) for p in parts]
        else:
            pairs = [(metric, values[0])]
        for metric_i, value_i in pairs:
            target = {"text": text_span, "metric": metric_i, "value": value_i, "unit": unit,
                      "qualifier": qualifier, "period": period}
            if value_max is not None:
                target["value_max"] = value_max
            found.append(target)
        last_end, last_sentence, last_right = end, sentence, max(end, right_end)
        last_verb = verb or last_verb
    return found


def _strip_period(text: str) -> str:
    return PERIOD.sub("", text).strip()


def _distributed_subjects(subject: str) -> list[str]:
    """马铃薯种植、收获机械化率 -> [马铃薯种植机械化率, 马铃薯收获机械化率] (for 均/分别 statements)."""
    items = subject.split("、")
    if len(items) < 2:
        return []
    first, last = items[0], items[-1]
    size = len(items[1]) if len(items) > 2 else 2
    if len(first) < size or len(last) <= size:
        return []
    prefix, suffix = first[:-size], last[size:]
    middle = [first[-size:], *items[1:-1], last[:size]]
    return [prefix + m + suffix for m in middle]
