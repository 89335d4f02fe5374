"""Clean-up before parsing: traditional -> simplified, pinyin annotations out, widths, web boilerplate, mojibake.

Brackets and punctuation keep the document's own width in the output (unit names and section numbers come out as
written); the parser's patterns accept both widths, and the evaluation compares width-normalised text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# 監(jiān)察 -> 监察: latin letters with tone marks (or plain pinyin with a tone digit) right after a CJK character.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（]\s*[a-zA-Z" + _TONED + r"]*[" + _TONED + r"][a-zA-Z" + _TONED + r"]*\s*[)）]")
PINYIN_DIGIT = re.compile(r"(?<=[\u4e00-\u9fff])[(（]\s*[a-z]{1,6}[1-5]\s*[)）]")

BOILERPLATE = re.compile(
    r"^(网站地图|设为首页|加入收藏|网站调查|当前位置|您现在的位置|首页\s*[>》]|责任编辑|编辑推荐|温馨提示|点击加载更多|"
    r"浏览(量|次数)|阅读(量|次数)|分享到|打印本页|关闭窗口|【打印】|【关闭】|版权所有|主办单位|承办单位|技术支持|"
    r"网站标识码|联系我们|上一篇|下一篇|相关阅读|扫一扫|来源[:：]|发布时间[:：]|字号[:：])"
)
BOILERPLATE_ANYWHERE = re.compile(r"(ICP备|ICP证|公网安备|网站标识码|版权所有\s*[©(]|Copyright|邮政编码[:：]\s*\d{6})", re.I)
# A line that is only a navigation trail or a counter: short and made of these fragments.
NAV_TRAIL = re.compile(r"^(当前位置|您的位置)[:：].*(>>|>|》).*$")


@dataclass
class CleanResult:
    text: str
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def strip_pinyin(text: str) -> str:
    return PINYIN_DIGIT.sub("", PINYIN.sub("", text))


_WIDTH_TABLE = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for r in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for c in range(*r)}
    | {"\u3000": " ", "\xa0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": "", "\ufeff": ""}
)
_ODD = re.compile(r"[\u00c0-\u00ff\u2500-\u259f]")


def normalise_width(text: str) -> str:
    """Full-width digits and letters to ASCII; odd spaces to plain spaces. Brackets keep their width."""
    return text.translate(_WIDTH_TABLE)


def canonical(text: str) -> str:
    """Width-folded form for comparisons (evaluation, matching names): （一） == (一), ， == ,."""
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def is_mojibake(line: str) -> bool:
    if "\ufffd" in line:
        return True
    if len(line) < 6:
        return False
    # Latin-1 read of UTF-8 bytes ("å¸‚å§”") or box-drawing/odd symbol runs.
    return len(_ODD.findall(line)) / len(line) > 0.3


def is_boilerplate(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if BOILERPLATE.match(s) or NAV_TRAIL.match(s):
        return True
    # Footer lines carry a registration number or copyright; content lines rarely do, and are long prose.
    return bool(BOILERPLATE_ANYWHERE.search(s)) and len(s) < 200


def clean_text(text: str) -> CleanResult:
    """Traditional -> simplified, pinyin out, widths normalised, boilerplate and mojibake lines dropped (reported)."""
    warnings: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = normalise_width(strip_pinyin(to_simplified(text)))
    text = re.sub(r"(\d)[ \t]+(年|月|日|号|名|个|家|人|项|%)", r"\1\2", text)  # "2020 年" as scraped pages write it
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip()
        if is_mojibake(line):
            warnings.append(f"第 {number} 行疑似乱码,已跳过:{line.strip()[:20]}…")
            continue
        if is_boilerplate(line):
            continue
        out.append(line.strip())
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
    return CleanResult(cleaned, warnings)
