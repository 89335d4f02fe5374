import csv
import io

import pytest
from openpyxl import Workbook

from rencai.talents.constants import COLUMNS
from rencai.talents.demo_data import synthetic_id


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def person(index: int = 0, **overrides) -> dict:
    """A valid template row (synthetic ID, district 荷塘区), with overrides by column name."""
    id_number = synthetic_id(900_000 + index)
    row = {
        "姓名": "张三", "身份证号": id_number, "性别": "男" if int(id_number[16]) % 2 else "女",
        "出生日期": f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}", "手机号": "13812345678",
        "学历": "博士研究生", "学位": "博士", "毕业院校": "中南大学", "专业": "材料科学与工程", "职称": "正高级工程师",
        "职业资格/技能等级": "", "工作单位": "株洲示例科技有限公司", "统一社会信用代码": "91110000600037341L",
        "所属区县": "荷塘区", "所属行业": "C39", "引进方式(全职/柔性)": "全职", "引进日期": "2020-03-01",
        "年薪(万元)": "50", "荣誉/奖项": "省级人才计划", "人才类别": "C类",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], header: list[str] | None = None, encoding: str = "utf-8") -> io.BytesIO:
    header = header or COLUMNS
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in header])
    return io.BytesIO(buf.getvalue().encode(encoding))


def xlsx_bytes(rows: list[list], *, hidden_first: bool = False, merges: list[str] = ()) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    if hidden_first:
        ws.title = "说明"
        ws.append(["这是隐藏的说明页"])
        ws.sheet_state = "hidden"
        ws = wb.create_sheet("人才信息")
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


@pytest.fixture
def make_person():
    return person
