import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from rencai.talents.choices import IdType
from rencai.talents.validation import (
    CellError,
    parse_date,
    parse_decimal,
    parse_id_number,
    parse_industry,
    parse_mobile,
    parse_uscc,
)

AREAS = ["430202", "510104", "520102", "370202", "110101"]


def _id(area: str, birth: dt.date, seq: int) -> str:
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@settings(max_examples=300, deadline=None)
@given(area=st.sampled_from(AREAS), birth=st.dates(dt.date(1930, 1, 1), dt.date(2005, 12, 31)),
       seq=st.integers(0, 999))
def test_valid_ids_give_their_birth_date_and_sex(area, birth, seq):
    # given
    number = _id(area, birth, seq)
    # when
    id_type, normalised, got_birth, sex = parse_id_number(number)
    # then
    assert (id_type, normalised, got_birth, sex) == (IdType.RESIDENT, number, birth, "M" if seq % 2 else "F")


@settings(max_examples=300, deadline=None)
@given(area=st.sampled_from(AREAS), birth=st.dates(dt.date(1930, 1, 1), dt.date(2005, 12, 31)),
       seq=st.integers(0, 999), wrong=st.sampled_from("0123456789X"))
def test_any_other_check_digit_is_refused(area, birth, seq, wrong):
    number = _id(area, birth, seq)
    if wrong == number[-1]:
        return
    with pytest.raises(CellError, match="校验位错误"):
        parse_id_number(number[:-1] + wrong)


@settings(max_examples=200, deadline=None)
@given(area=st.sampled_from(AREAS), birth=st.dates(dt.date(1930, 1, 1), dt.date(2005, 12, 31)), seq=st.integers(0, 999))
def test_checksum_agrees_with_python_stdnum(area, birth, seq):
    number = _id(area, birth, seq)
    assert ric.calc_check_digit(number) == number[-1]


@pytest.mark.parametrize(("value", "message"), [
    ("43020219900101123", "应为 18 位,实际 17 位"),
    ("430202900101123", "15 位旧身份证号"),
    ("43020219901301123X", "校验位错误"),
    (5.10104199001011e17, "存成了数字"),
    ("5.10104E+17", "科学计数法"),
    ("!!!", "格式无法识别"),
], ids=["short_case", "old_15_case", "checksum_case", "float_case", "scientific_case", "garbage_case"])
def test_bad_id_numbers(value, message):
    with pytest.raises(CellError, match=message):
        parse_id_number(value)


def test_bad_birth_date_inside_a_checksum_valid_id():
    body = "43020219901332123"
    with pytest.raises(CellError, match="出生日期无效"):
        parse_id_number(body + ric.calc_check_digit(body + "0"))


def test_unknown_area_code():
    body = "99999919900101123"
    with pytest.raises(CellError, match="行政区划代码"):
        parse_id_number(body + ric.calc_check_digit(body + "0"))


@pytest.mark.parametrize(("value", "expected"), [
    ("E12345678", IdType.PASSPORT), ("H12345678", IdType.HK_MACAO), ("M1234567890", IdType.HK_MACAO),
    ("12345678", IdType.TAIWAN),
], ids=["passport_case", "hk_case", "macao_case", "taiwan_case"])
def test_foreign_and_compatriot_documents(value, expected):
    assert parse_id_number(value)[0] == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2020-01-31", dt.date(2020, 1, 31)), ("2020/1/31", dt.date(2020, 1, 31)), ("2020年1月31日", dt.date(2020, 1, 31)),
    ("20200131", dt.date(2020, 1, 31)), ("2020.01.31", dt.date(2020, 1, 31)), (43861, dt.date(2020, 1, 31)),
    ("43861", dt.date(2020, 1, 31)), (43861.0, dt.date(2020, 1, 31)), (dt.datetime(2020, 1, 31, 0, 0), dt.date(2020, 1, 31)),
    ("2020年1月", dt.date(2020, 1, 1)),
], ids=["iso", "slashes", "chinese", "compact", "dots", "serial_int", "serial_text", "serial_float", "datetime", "month"])
def test_dates_as_text_serials_and_dates(value, expected):
    assert parse_date(value)[0] == expected


def test_bad_dates():
    for value in ("2020-02-30", "明年", "2020-13-01"):
        with pytest.raises(CellError):
            parse_date(value)


def test_industry_codes_and_names():
    assert [parse_industry(v) for v in ("C39", "c3911", "39", "制造业", "软件和信息技术服务业", "I 65", 65)] == \
        ["C39", "C3911", "C39", "C", "I65", "I65", "I65"]
    with pytest.raises(CellError, match="不符"):
        parse_industry("I39")
    with pytest.raises(CellError, match="不存在"):
        parse_industry("99")


def test_mobile_and_credit_code_and_salary():
    assert parse_mobile("+86 138-1234-5678") == "13812345678"
    assert parse_mobile(13812345678) == "13812345678"
    with pytest.raises(CellError):
        parse_mobile("1234")
    assert parse_uscc("91110000600037341L") == "91110000600037341L"
    with pytest.raises(CellError, match="校验位错误"):
        parse_uscc("91110000600037341A")
    assert parse_decimal("30万", maximum=Decimal(10000)) == Decimal("30.00")
    with pytest.raises(CellError, match="元"):
        parse_decimal("350000", maximum=Decimal(10000))
