"""Parser tests: seed examples, each unit style, targets and non-targets, cleaners, hostile inputs."""

import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rencai.policies.parser import ParseError, clean_text, parse_document, read_document
from rencai.policies.parser.cleaning import strip_pinyin
from rencai.policies.parser.evaluate import evaluate_dir
from rencai.policies.parser.numbers import chinese_to_int, to_number
from rencai.policies.parser.targets import find_targets
from rencai.policies.parser.units import find_units

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared (seeds and gold files) is not beside the repository")


@needs_shared
@pytest.mark.parametrize("folder", ["examples"])
def test_gold_examples_score_perfectly_on_tasks_and_units(folder):
    total = evaluate_dir(SHARED / folder)["total"]
    assert {f: total[f]["f1"] for f in ("tasks", "lead_unit", "units")} == {"tasks": 1.0, "lead_unit": 1.0, "units": 1.0}
    assert total["targets"]["f1"] >= 0.95


@needs_shared
def test_state_council_style_examples():
    total = evaluate_dir(SHARED / "examples" / "more")["total"]
    assert total["tasks"]["f1"] >= 0.95 and total["lead_unit"]["f1"] >= 0.95 and total["units"]["f1"] >= 0.95
    assert total["targets"]["f1"] >= 0.85


@needs_shared
def test_own_labelled_examples_in_other_styles():
    total = evaluate_dir(Path(__file__).parent / "fixtures" / "gold")["total"]
    assert total["tasks"]["f1"] == 1.0 and total["lead_unit"]["f1"] == 1.0 and total["units"]["f1"] == 1.0
    assert total["targets"]["f1"] >= 0.9


@needs_shared
def test_seed_002_thirty_tasks_with_the_stated_lead_rule():
    doc = parse_document(read_document((SHARED / "seeds" / "002_19ffc302811514d8.txt").read_bytes(), "002.txt").text)
    assert doc["lead_rule"] == "排第一的为牵头单位,其他为责任单位,下同"
    assert [t["number"] for t in doc["tasks"]] == list(range(1, 31))
    assert doc["tasks"][0]["title"] == "顶尖人才引领工程"
    assert doc["tasks"][0]["units"] == ["市科技局", "市科协", "市发改委", "市经信委", "市财政局"]
    assert doc["tasks"][4]["unit_groups"] == ["有关职业院校", "各县市区"]
    assert sum(len(t["targets"]) for t in doc["tasks"]) == 0
    assert "点击加载更多评论" not in json.dumps(doc, ensure_ascii=False)


@needs_shared
def test_seed_001_targets_in_sections():
    doc = parse_document(read_document((SHARED / "seeds" / "001_d7bcd28001f0ce2b.txt").read_bytes(), "001.txt").text)
    found = {(t["value"], t["unit"], t["period"]) for s in doc["sections"] + doc["tasks"] for t in s["targets"]}
    assert {(300, "家", "到2020年"), (5, "个", "到2020年"), (1000, "名", "到2020年")} <= found


@needs_shared
def test_seed_000_targets_with_qualifier():
    doc = parse_document((SHARED / "seeds" / "000_53fdfd07fde34779.txt").read_text())
    found = [(t["value"], t["qualifier"], t["period"]) for s in doc["tasks"] for t in s["targets"]]
    assert (1000, "以上", "到2018年") in found


@needs_shared
def test_seed_004_is_simplified_without_pinyin():
    doc = parse_document((SHARED / "seeds" / "004_c2585511f312847e.txt").read_text())
    text = json.dumps(doc, ensure_ascii=False)
    assert "監" not in text and "(jiān)" not in text and "监察" in text
    assert len(doc["sections"]) >= 5


@pytest.mark.parametrize(
    ("text", "lead", "units", "groups"),
    [
        ("做好工作。(市科技局、市科协、市发改委)", "市科技局", ["市科技局", "市科协", "市发改委"], []),  # trailing parentheses_case
        ("做好工作。(市委组织部、市社科联〔市社科院〕,市人才工作领导小组有关成员单位,各区〔市〕县人才工作领导小组)", "市委组织部",
         ["市委组织部", "市社科联〔市社科院〕"], ["市人才工作领导小组有关成员单位", "各区〔市〕县人才工作领导小组"]),  # nested_case
        ("做好工作。(牵头单位:市人社局;责任单位:市财政局、市教育局)", "市人社局", ["市人社局", "市财政局", "市教育局"], []),  # explicit_case
        ("做好工作。\n牵头单位:市人社局\n责任单位:市财政局、各区县", "市人社局", ["市人社局", "市财政局"], ["各区县"]),  # own lines_case
        ("做好工作,市科技局牵头,市财政局、市发改委配合。", "市科技局", ["市科技局", "市财政局", "市发改委"], []),  # X牵头Y配合_case
        ("做好工作。（海关总署、商务部等有关部门负责）", "海关总署", ["海关总署", "商务部"], ["有关部门"]),  # 等有关部门_case
        ("做好工作。（农业农村部、工业和信息化部牵头负责）", "农业农村部", ["农业农村部", "工业和信息化部"], []),  # co-leads_case
        ("做好工作。（各省级人民政府负责）", None, [], ["各省级人民政府"]),  # group only_case
    ],
)
def test_unit_styles(text, lead, units, groups):
    found = find_units(text)
    assert (found.lead or (found.units[0] if found.units else None), found.units, found.groups) == (lead, units, groups)


def test_parenthetical_aside_is_not_a_unit_list():
    assert find_units("组织“3+3+1”产业领域(轨道交通、通用航空、新能源汽车)高层次人才奖励申报") is None


def test_stated_lead_rule_is_quoted_and_removed_from_units():
    doc = parse_document("一、任务\n1.甲任务。(市科技局、市财政局,排第一的为牵头单位,其他为责任单位,下同)\n2.乙任务。(市财政局、市科技局)")
    assert doc["lead_rule"] == "排第一的为牵头单位,其他为责任单位,下同"
    assert [t["lead_unit"] for t in doc["tasks"]] == ["市科技局", "市财政局"]


def test_without_a_rule_first_unit_leads_and_rule_is_null():
    doc = parse_document("1.甲任务。(市科技局、市财政局)\n2.乙任务。(市财政局)")
    assert doc["lead_rule"] is None
    assert doc["tasks"][0]["lead_unit"] == "市科技局"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年引进扶持50名左右高层次人才", [(50, None, "名", "左右", "全年")]),
        ("新建5-8个市级技能大师工作室", [(5, 8, "个", None, None)]),
        ("全年完成专业技术人员培训10万人次", [(100000, None, "人次", None, "全年")]),
        ("到2020年,灌排机械动力达到1.2亿千瓦", [(120000000, None, "千瓦", None, "到2020年")]),
        ("力争三年内引进领军人才二十名以上", [(20, None, "名", "以上", "三年内")]),
    ],
)
def test_targets(text, expected):
    got = [(t["value"], t.get("value_max"), t["unit"], t["qualifier"], t["period"]) for t in find_targets(text)]
    assert got == expected


@pytest.mark.parametrize(
    "text",
    ["实施“产业基础人才开发5年行动计划”", "统筹卫生“135”人才工程", "围绕10个示范基地开展培训", "组织“千人计划”申报",
     "联系电话0731-28681234", "根据第12条规定办理", "2018年6月4日印发", "返还其上年度缴纳失业保险费的50%",
     "可申请最高不超过15万元的创业担保贷款", "遴选45岁以下的中青年骨干"],
)
def test_not_targets(text):
    assert find_targets(text) == []


@pytest.mark.parametrize(("text", "value"), [("一", 1), ("十五", 15), ("二十", 20), ("一百零五", 105), ("两千", 2000),
                                             ("三万", 30000), ("一亿二千万", 120000000)])
def test_chinese_numerals(text, value):
    assert chinese_to_int(text) == value


@settings(deadline=None)  # the first example pays cn2an's import time
@given(st.integers(min_value=0, max_value=99_999_999))
def test_number_reader_agrees_with_cn2an(n):
    import cn2an

    assert chinese_to_int(cn2an.an2cn(n)) == n
    assert to_number(str(n)) == n


@given(st.text(alphabet="监察测试系统(jiān)（chá）abc,。1 ", max_size=60))
def test_cleaning_is_idempotent(text):
    once = clean_text(text).text
    assert clean_text(once).text == once


@given(st.sampled_from(["監(jiān)察", "系統(tǒng)", "發(fā)展", "鄉(xiāng)村"]))
def test_pinyin_annotations_are_removed(word):
    assert "(" not in clean_text(word).text


def test_pinyin_removal_keeps_real_parentheses():
    assert strip_pinyin("市社科联(市社科院)和区(市)县") == "市社科联(市社科院)和区(市)县"


def test_boilerplate_dropped_but_content_mentioning_it_kept():
    text = "网站地图 | 设为首页\n1.做好网站地图和责任编辑制度建设工作。(市委宣传部)\n蜀ICP备05003368号\n责任编辑:张三"
    doc = parse_document(text)
    assert doc["tasks"][0]["title"] == "做好网站地图和责任编辑制度建设工作"
    assert "ICP" not in json.dumps(doc, ensure_ascii=False)


def test_mojibake_lines_are_reported_not_fatal():
    doc = parse_document("1.做好工作。(市科技局)\nå¸‚å§”ç»„ç»‡éƒ¨å¸‚å§”ç»„ç»‡\n2.做好工作。(市财政局)")
    assert len(doc["tasks"]) == 2
    assert any("乱码" in w for w in doc["warnings"])


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [(b"", "a.txt", "empty"), (b"   \n  ", "a.txt", "empty"), (bytes(range(256)) * 40, "a.txt", "binary"),
     (b"x" * 100, "a.exe", "unsupported"), (b"PK\x03\x04garbage", "a.docx", "bad_docx")],
)
def test_bad_input_gets_a_chinese_error(data, name, code):
    with pytest.raises(ParseError) as exc:
        parse_document(read_document(data, name).text)
    assert exc.value.code == code
    assert any("\u4e00" <= c <= "\u9fff" for c in exc.value.message)


def test_upload_bound_names_size_and_limit():
    with pytest.raises(ParseError, match="超过上限 20 MB"):
        read_document(b"x" * (21 * 1024 * 1024), "big.txt")


def test_zip_bomb_docx_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"0" * (300 * 1024 * 1024))
    with pytest.raises(ParseError) as exc:
        read_document(buf.getvalue(), "bomb.docx")
    assert exc.value.code == "zip_bomb"


def test_gb18030_text_is_decoded():
    text = "1.做好人才工作。(市人社局、市财政局)"
    assert read_document(text.encode("gb18030"), "a.txt").text == text
    assert read_document(b"\xef\xbb\xbf" + text.encode(), "a.txt").text == text


def test_docx_and_html_are_read():
    import docx

    d = docx.Document()
    d.add_paragraph("1.做好人才工作。(市人社局、市财政局)")
    buf = io.BytesIO()
    d.save(buf)
    assert parse_document(read_document(buf.getvalue(), "a.docx").text)["tasks"][0]["units"] == ["市人社局", "市财政局"]
    html = "<html><body><nav>网站导航</nav><p>1.做好人才工作。(市人社局)</p><script>x()</script></body></html>"
    assert parse_document(read_document(html.encode(), "a.html").text)["tasks"][0]["units"] == ["市人社局"]


def test_unclosed_and_deeply_nested_brackets_do_not_crash():
    parse_document("1.做好工作。(市科技局、市财政局\n2.另一项。(市人社局)")
    nested = "1.做好工作。" + "(" * 10000 + "市科技局" + ")" * 10000
    start = time.perf_counter()
    doc = parse_document(nested)
    assert time.perf_counter() - start < 30  # a guard against runaway recursion, not a performance test
    assert len(doc["tasks"]) == 1
