"""Reading numbers as Chinese policy documents write them: 50, 1.2, 3万, 10亿, 一百, 十五, 两千."""

from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
ARABIC = r"\d+(?:\.\d+)?"


def chinese_to_int(text: str) -> int:
    """一百二十 -> 120, 十五 -> 15, 两千 -> 2000, 三万 -> 30000. Raises ValueError on anything else."""
    if not text or any(c not in CN_NUMERAL for c in text):
        raise ValueError(text)
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            total = (total + section) * BIG_UNITS[ch] if ch == "亿" else total + section * BIG_UNITS[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def ordinal_value(text: str) -> int | None:
    """The number of an ordinal marker: "十五" -> 15, "12" -> 12, "(三)" -> 3; None if not a number."""
    core = text.strip("()（）〔〕、.．:：第条 ")
    if core.isdigit():
        return int(core)
    try:
        return chinese_to_int(core)
    except ValueError:
        return None


def to_number(digits: str, multiplier: str = "") -> float | int:
    """"3" + "万" -> 30000; "1.2" + "亿" -> 120000000; Chinese numerals too. Integers stay integers."""
    if re.fullmatch(ARABIC, digits):
        value = float(digits) if "." in digits else int(digits)
    else:
        value = chinese_to_int(digits)
    for ch in multiplier:
        value = value * BIG_UNITS.get(ch, SMALL_UNITS.get(ch, 1))
    if isinstance(value, float):
        rounded = round(value, 6)
        return int(rounded) if rounded.is_integer() else rounded
    return value
