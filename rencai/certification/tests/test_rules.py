from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rencai.certification import rules

DOCTOR_50W = {"all": [{"field": "degree", "op": "eq", "value": "doctor"},
                      {"field": "annual_salary", "op": "gte", "value": 50}]}


def test_describe_reads_like_the_catalogue():
    assert rules.describe(DOCTOR_50W) == "学位为博士 且 年薪≥50万元"
    assert rules.describe({"all": [{"any": [{"field": "degree", "op": "eq", "value": "doctor"},
                                            {"field": "title_level", "op": "eq", "value": "senior"}]},
                                   {"field": "age", "op": "lte", "value": 45}]}) == "(学位为博士 或 职称级别为正高级) 且 年龄≤45周岁"


@pytest.mark.parametrize(
    ("facts", "ok"),
    [({"degree": "doctor", "annual_salary": 50}, True),  # boundary_case
     ({"degree": "doctor", "annual_salary": 49.9}, False),  # below_case
     ({"degree": "master", "annual_salary": 80}, False),  # wrong degree_case
     ({"degree": "doctor"}, False)],  # missing salary_case
)
def test_all_of(facts, ok):
    verdict, reasons = rules.evaluate(DOCTOR_50W, facts)
    assert verdict is ok
    assert reasons == (["学位为博士", "年薪≥50万元"] if ok else [])


def test_any_of_explains_the_branch_that_matched():
    node = {"any": [{"field": "honours", "op": "contains_any", "value": ["国家杰出青年科学基金"]},
                    {"field": "title_level", "op": "eq", "value": "senior"}]}
    assert rules.evaluate(node, {"title_level": "senior", "honours": "省劳动模范"}) == (True, ["职称级别为正高级"])


def test_exception_with_not():
    node = {"all": [{"field": "degree", "op": "eq", "value": "master"},
                    {"not": {"field": "employer_type", "op": "eq", "value": "government"}}]}
    assert rules.evaluate(node, {"degree": "master", "employer_type": "enterprise"})[0] is True
    assert rules.evaluate(node, {"degree": "master", "employer_type": "government"})[0] is False


def test_age_from_birth_date_on_the_day():
    node = {"field": "age", "op": "lte", "value": 45}
    today = date(2026, 11, 23)
    assert rules.evaluate(node, {"birth_date": date(1981, 11, 24)}, today=today)[0] is True  # still 44
    assert rules.evaluate(node, {"birth_date": date(1980, 11, 23)}, today=today)[0] is False  # 46 today


@pytest.mark.parametrize(
    ("node", "message"),
    [({"field": "shoe_size", "op": "eq", "value": "42"}, "未知字段"),
     ({"field": "degree", "op": "gte", "value": "doctor"}, "不能使用运算"),
     ({"field": "degree", "op": "eq", "value": "院士"}, "没有选项“院士”"),
     ({"field": "annual_salary", "op": "gte", "value": "很多"}, "非负数字"),
     ({"all": []}, "至少需要一个条件"),
     ({"all": [{"any": [{"field": "degree", "op": "in", "value": []}]}]}, "/all[1]/any[1]")],
)
def test_validation_names_the_problem_and_place(node, message):
    errors = rules.validate(node)
    assert errors and message in errors[0]


def test_validation_bounds_depth():
    node = {"field": "degree", "op": "eq", "value": "doctor"}
    for _ in range(20):
        node = {"not": node}
    assert any("嵌套层级" in e for e in rules.validate(node))


leaf = st.one_of(
    st.builds(lambda v: {"field": "degree", "op": "eq", "value": v}, st.sampled_from(["doctor", "master", "bachelor"])),
    st.builds(lambda v: {"field": "annual_salary", "op": "gte", "value": v}, st.integers(0, 100)),
    st.builds(lambda v: {"field": "title_level", "op": "in", "value": v},
              st.lists(st.sampled_from(["senior", "sub_senior", "intermediate"]), min_size=1, max_size=2, unique=True)),
)
trees = st.recursive(leaf, lambda kids: st.one_of(
    st.builds(lambda c: {"all": c}, st.lists(kids, min_size=1, max_size=3)),
    st.builds(lambda c: {"any": c}, st.lists(kids, min_size=1, max_size=3)),
    st.builds(lambda c: {"not": c}, kids)), max_leaves=8)
facts = st.fixed_dictionaries({"degree": st.sampled_from(["doctor", "master", "bachelor", ""]),
                               "annual_salary": st.one_of(st.none(), st.integers(0, 120)),
                               "title_level": st.sampled_from(["senior", "sub_senior", "intermediate", "ungraded"])})


@given(trees, facts)
def test_generated_rules_are_valid_and_boolean_laws_hold(node, f):
    assert rules.validate(node) == []
    ok, reasons = rules.evaluate(node, f)
    assert rules.evaluate({"not": node}, f)[0] is (not ok)
    assert rules.evaluate({"all": [node, node]}, f)[0] is ok
    assert rules.evaluate({"any": [node, {"not": node}]}, f)[0] is True
    if ok and "not" not in str(node):
        assert reasons  # a positive verdict always says why


def test_labels_typed_by_a_person_become_stored_values():
    node = rules.normalize({"all": [{"field": "degree", "op": "eq", "value": "博士"},
                                    {"field": "annual_salary", "op": "gte", "value": "50"},
                                    {"field": "honours", "op": "contains_any", "value": "国家杰出青年科学基金、长江学者"}]})
    assert node == {"all": [{"field": "degree", "op": "eq", "value": "doctor"},
                            {"field": "annual_salary", "op": "gte", "value": 50},
                            {"field": "honours", "op": "contains_any", "value": ["国家杰出青年科学基金", "长江学者"]}]}
    assert rules.validate(node) == []


def test_honours_match_inside_the_written_title():
    node = {"field": "honours", "op": "contains_any", "value": ["国家杰出青年科学基金"]}
    assert rules.evaluate(node, {"honours": "市优秀专家、国家杰出青年科学基金获得者"}) == (True, ["荣誉/奖项含国家杰出青年科学基金之一"])
    assert rules.evaluate(node, {"honours": ""})[0] is False


def test_employer_type_is_read_from_the_credit_code():
    assert rules.employer_type_of("91430200MA4L00000L") == "enterprise"
    assert rules.employer_type_of("12430200445000000Y") == "institution"
    assert rules.employer_type_of("11430200006000000J") == "government"
    assert rules.employer_type_of("") == ""


@pytest.mark.parametrize("text", [
    "学位为博士 且 年薪≥50万元",
    "(学位为博士 或 职称级别为正高级) 且 年龄≤45周岁",
    "荣誉/奖项含国家杰出青年科学基金、长江学者特聘教授之一 且 非(用人单位类型为党政机关)",
    "学历为博士研究生、硕士研究生之一 且 行业代码属C39",
])
def test_the_editing_syntax_is_what_describe_prints(text):
    node = rules.parse_text(text)
    assert rules.validate(node) == []
    assert rules.describe(node) == text


@pytest.mark.parametrize(("text", "message"), [
    ("", "条件为空"),
    ("鞋码为42", "不是以已知字段开头"),
    ("年薪很多", "缺少比较符号"),
    ("年薪≥五十", "不是数字"),
    ("(学位为博士 且 年薪≥50", "缺少右括号"),
    ("学位为博士)", "多余的"),
])
def test_the_editing_syntax_reports_what_and_where(text, message):
    with pytest.raises(rules.RuleError, match=message):
        rules.parse_text(text)


@given(trees)
def test_parse_of_describe_round_trips(node):
    again = rules.parse_text(rules.describe(node))
    f = {"degree": "doctor", "annual_salary": 60, "title_level": "senior"}
    assert rules.evaluate(again, f)[0] is rules.evaluate(node, f)[0]
    assert rules.describe(again) == rules.describe(node)
