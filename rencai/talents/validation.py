"""Cell-level parsing and checks for talent records: pure functions, no database, raising CellError in Chinese.

Identity follows GB 11643-1999 (公民身份号码): 6-digit area code, 8-digit birth date, 3-digit sequence (odd for
men, even for women), ISO 7064 MOD 11-2 check digit. python-stdnum's cn.ric supplies the check digit, the birth
date and the area-code table.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from .choices import IdType
from .constants import INDUSTRY_BY_NAME, INDUSTRY_DIVISIONS, INDUSTRY_SECTIONS


class CellError(ValueError):
    """A bad cell; `message` is Chinese and never contains the personal value itself."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00a0\u3000\t\r\n"), " ")
EXCEL_EPOCH = dt.date(1899, 12, 30)
MIN_DATE = dt.date(1900, 1, 1)


def text(value) -> str:
    """A cell as the clerk sees it: numbers without ".0", dates as YYYY-MM-DD, invisible spaces removed."""
    if value.__class__ is str and (not value or (value[0] > " " and value[-1] > " " and value.isascii())):
        return value
    if value is None:
        return ""
    if isinstance(value, str):
        if value.isascii():
            return value.strip()
        return value.translate(_INVISIBLE).strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# ---------------------------------------------------------------- identity documents

@lru_cache(maxsize=8192)
def _area_known(area: str) -> bool:
    if area[:2] in ("81", "82", "83"):  # 港澳台居民居住证 use 810000 / 820000 / 830000
        return area in ("810000", "820000", "830000")
    from stdnum import numdb

    return any("county" in props for _, props in numdb.get("cn/loc").info(area))


def _today() -> dt.date:
    return _today_cached(int(time.time() // 3600))


@lru_cache(maxsize=2)
def _today_cached(hour: int) -> dt.date:
    return dt.date.today()


@lru_cache(maxsize=65536)
def _birth_from_digits(digits: str) -> dt.date | None:
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def resident_id_facts(number: str) -> tuple[dt.date, str]:
    """Validate an 18-digit resident ID (or HK/Macao/Taiwan residence permit); return (birth date, sex).

    The area code must exist in python-stdnum's GB/T 2260 table, whatever the year it was assigned: people
    born before a code existed (or registered late) carry it legitimately, so stdnum's year check is not applied."""
    if len(number) == 15 and number.isdigit():
        raise CellError("这是 15 位旧身份证号,请换成 18 位身份证号")
    if len(number) != 18:
        raise CellError(f"身份证号应为 18 位,实际 {len(number)} 位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise CellError("身份证号格式错误:前 17 位应为数字,最后一位为数字或 X")
    if ric.calc_check_digit(number) != number[17]:
        raise CellError("身份证号校验位错误,请核对号码(可能有数字录入错误)")
    birth = _birth_from_digits(number[6:14])
    if birth is None:
        raise CellError("身份证号中的出生日期无效")
    if birth < MIN_DATE or birth > _today():
        raise CellError("身份证号中的出生日期不在合理范围")
    if not _area_known(number[:6]):
        raise CellError("身份证号前 6 位不是有效的行政区划代码")
    return birth, ("M" if int(number[16]) % 2 else "F")


ID_TYPE_LABELS = {
    "身份证": IdType.RESIDENT, "居民身份证": IdType.RESIDENT, "二代身份证": IdType.RESIDENT,
    "港澳台居民居住证": IdType.RESIDENT, "港澳居民居住证": IdType.RESIDENT, "台湾居民居住证": IdType.RESIDENT,
    "护照": IdType.PASSPORT, "外国护照": IdType.PASSPORT, "中国护照": IdType.PASSPORT,
    "港澳居民来往内地通行证": IdType.HK_MACAO, "港澳通行证": IdType.HK_MACAO, "回乡证": IdType.HK_MACAO,
    "台湾居民来往大陆通行证": IdType.TAIWAN, "台胞证": IdType.TAIWAN, "台湾通行证": IdType.TAIWAN,
}
_HK_MACAO = re.compile(r"^[HM]\d{8}(\d{2})?$")
_TAIWAN = re.compile(r"^\d{8}(\d{2})?$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_ID_SEPARATORS = str.maketrans("", "", " -_")


def parse_id_number(value, type_hint: str = "") -> tuple[str, str, dt.date | None, str]:
    """-> (id type, normalised number, birth date or None, sex or ""). Never echoes the number in errors."""
    if value.__class__ is str and len(value) == 18 and not type_hint and value[:17].isdigit():
        # the common case, a plain 18-digit resident ID
        number = value if value[17] != "x" else value[:17] + "X"
        birth, sex = resident_id_facts(number)
        return IdType.RESIDENT, number, birth, sex
    if isinstance(value, float) or (isinstance(value, int) and len(str(abs(value))) >= 16):
        raise CellError("证件号被 Excel 存成了数字,后几位已丢失:请把该列设为“文本”格式后重新填写")
    raw = text(value)
    if re.fullmatch(r"\d(\.\d+)?[Ee]\+?\d+", raw):
        raise CellError("证件号被 Excel 显示成科学计数法,后几位已丢失:请把该列设为“文本”格式后重新填写")
    number = raw.translate(_ID_SEPARATORS).upper().replace("X", "X")
    if not number:
        raise CellError("不能为空")
    hint = ""
    if type_hint:
        hint = ID_TYPE_LABELS.get(type_hint.strip())
        if hint is None:
            raise CellError("证件类型应为:身份证、护照、港澳居民来往内地通行证、台湾居民来往大陆通行证")
    if hint == IdType.RESIDENT or (not hint and (number[:17].isdigit() and len(number) >= 15 and len(number) != 8)):
        birth, sex = resident_id_facts(number)
        return IdType.RESIDENT, number, birth, sex
    if hint == IdType.HK_MACAO or (not hint and _HK_MACAO.match(number)):
        if not _HK_MACAO.match(number):
            raise CellError("港澳居民来往内地通行证号码应为 H 或 M 开头加 8 位(或 10 位)数字")
        return IdType.HK_MACAO, number, None, ""
    if hint == IdType.TAIWAN or (not hint and _TAIWAN.match(number)):
        if not _TAIWAN.match(number):
            raise CellError("台湾居民来往大陆通行证号码应为 8 位(或 10 位)数字")
        return IdType.TAIWAN, number, None, ""
    if _PASSPORT.match(number) and not number.isdigit():
        return IdType.PASSPORT, number, None, ""
    if number.isdigit():
        raise CellError(f"身份证号应为 18 位,实际 {len(number)} 位")
    raise CellError("证件号格式无法识别:应为 18 位身份证号,或护照、港澳、台湾通行证号码")


# ---------------------------------------------------------------- dates and numbers

_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?)?\s*(?:月)?(?:\s+\d{1,2}:\d{2}(:\d{2})?)?$")


def parse_date(value) -> tuple[dt.date, bool]:
    """A date from a real Excel date, an Excel serial number (43831), or text (2020-01-01, 2020/1/1, 2020年1月1日,
    20200101, 2020.01, 2020年1月). Returns (date, day_known)."""
    if isinstance(value, dt.datetime):
        return value.date(), True
    if isinstance(value, dt.date):
        return value, True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(value), True
    return _parse_date_text(text(value))


@lru_cache(maxsize=65536)
def _parse_date_text(raw: str) -> tuple[dt.date, bool]:
    if raw.isdigit():
        if len(raw) == 8:
            try:
                return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:])), True
            except ValueError:
                raise CellError("日期无效") from None
        if len(raw) == 6 and raw[:2] in ("19", "20"):
            return _ymd(int(raw[:4]), int(raw[4:]), None)
        if 1 <= len(raw) <= 5:
            return _from_serial(int(raw)), True
    m = _DATE_TEXT.match(raw)
    if not m:
        raise CellError("日期格式无法识别,请写成 2020-01-31")
    return _ymd(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)


def _ymd(year: int, month: int, day: int | None) -> tuple[dt.date, bool]:
    try:
        return dt.date(year, month, day or 1), day is not None
    except ValueError:
        raise CellError("日期无效(月份或日期超出范围)") from None


def _from_serial(number: float) -> dt.date:
    if not 1 <= number <= 2958465:
        raise CellError("日期数值超出范围")
    # Excel counts 1900-02-29 (which never existed); serials before it are one day early, as in Excel itself.
    days = int(number) + (1 if number < 61 else 0)
    return EXCEL_EPOCH + dt.timedelta(days=days)


def parse_decimal(value, *, maximum: Decimal) -> Decimal:
    if isinstance(value, bool):
        raise CellError("应为数字")
    if isinstance(value, (int, float)):
        return _decimal(str(value), maximum)
    return _decimal(text(value), maximum)


@lru_cache(maxsize=65536)
def _decimal(raw: str, maximum: Decimal) -> Decimal:
    raw = raw.replace(",", "").replace(",", "").removesuffix("元").removesuffix("万")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError("应为数字(单位:万元)") from None
    if not number.is_finite() or number < 0:
        raise CellError("不能为负数")
    if number > maximum:
        raise CellError(f"超过 {maximum} 万元,疑似按“元”填写(本列单位为万元)")
    return number.quantize(Decimal("0.01"))


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_INTL = re.compile(r"^\+\d{6,15}$")


def parse_mobile(value) -> str:
    raw = text(value).replace(" ", "").replace("-", "")
    if raw.startswith("+86"):
        raw = raw[3:]
    elif raw.startswith("86") and len(raw) == 13:
        raw = raw[2:]
    if _MOBILE.match(raw) or _INTL.match(raw):
        return raw
    raise CellError("手机号应为 11 位数字,以 1 开头(境外号码请写成 +国家码号码)")


def parse_uscc(value) -> str:
    return _uscc(text(value))


@lru_cache(maxsize=65536)
def _uscc(raw: str) -> str:
    try:
        return uscc.validate(raw)
    except StdnumError as exc:
        reason = {"InvalidLength": "应为 18 位", "InvalidFormat": "含有不允许的字符(不含 I、O、Z、S、V)",
                  "InvalidChecksum": "校验位错误"}.get(type(exc).__name__, "无效")
        raise CellError(f"统一社会信用代码{reason}") from None


_INDUSTRY = re.compile(r"^([A-T])?\s*(\d{2,4})?$")


def parse_industry(value) -> str:
    """GB/T 4754-2017 code or name -> canonical code: "C", "C39", "C391", "C3911"; names of sections or divisions."""
    return _industry(text(value))


@lru_cache(maxsize=4096)
def _industry(value: str) -> str:
    raw = value.upper()
    if raw in INDUSTRY_BY_NAME:
        return INDUSTRY_BY_NAME[raw]
    m = _INDUSTRY.match(raw.replace(" ", ""))
    if not m:  # "C39 计算机、通信和其他电子设备制造业": the code before the name
        m = _INDUSTRY.match(raw.split()[0] if raw.split() else "")
    if not m or not (m.group(1) or m.group(2)):
        name = text(value)
        if name in INDUSTRY_BY_NAME:
            return INDUSTRY_BY_NAME[name]
        raise CellError("无法识别的行业:请填写国民经济行业分类代码(如 C39)或门类/大类名称")
    section, digits = m.group(1), m.group(2) or ""
    if not digits:
        return section
    division = INDUSTRY_DIVISIONS.get(digits[:2])
    if division is None:
        raise CellError(f"行业大类代码 {digits[:2]} 不存在(应为 01–97)")
    if section and section != division[0]:
        raise CellError(f"行业代码门类 {section} 与大类 {digits[:2]}({division[1]})不符,应为 {division[0]}")
    if section and section not in INDUSTRY_SECTIONS:  # pragma: no cover - regex allows A-T only
        raise CellError("行业门类应为 A–T")
    return division[0] + digits
