from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rencai.certification import rules

DOCTOR_50W = {"all": [{"field": "degree", "op": "eq", "value": "博士"},
                      {"field": "annual_salary", "op": "gte", "value": 50}]}


def test_describe_reads_like_the_catalogue():
    assert rules.describe(DOCTOR_50W) == "学位为博士 且 年薪≥50万元"
    assert rules.describe({"all": [{"any": [{"field": "degree", "op": "eq", "value": "博士"},
                                            {"field": "title_level", "op": "eq", "value": "正高级"}]},
                                   {"field": "age", "op": "lte", "value": 45}]}) == "(学位为博士 或 职称级别为正高级) 且 年龄≤45周岁"


@pytest.mark.parametrize(
    ("facts", "ok"),
    [({"degree": "博士", "annual_salary": 50}, True),  # boundary_case
     ({"degree": "博士", "annual_salary": 49.9}, False),  # below_case
     ({"degree": "硕士", "annual_salary": 80}, False),  # wrong degree_case
     ({"degree": "博士"}, False)],  # missing salary_case
)
def test_all_of(facts, ok):
    verdict, reasons = rules.evaluate(DOCTOR_50W, facts)
    assert verdict is ok
    assert reasons == (["学位为博士", "年薪≥50万元"] if ok else [])


def test_any_of_explains_the_branch_that_matched():
    node = {"any": [{"field": "honours", "op": "contains_any", "value": ["国家杰出青年科学基金"]},
                    {"field": "title_level", "op": "eq", "value": "正高级"}]}
    assert rules.evaluate(node, {"title_level": "正高级", "honours": ["省劳动模范"]}) == (True, ["职称级别为正高级"])


def test_exception_with_not():
    node = {"all": [{"field": "degree", "op": "eq", "value": "硕士"},
                    {"not": {"field": "employer_type", "op": "eq", "value": "党政机关"}}]}
    assert rules.evaluate(node, {"degree": "硕士", "employer_type": "企业"})[0] is True
    assert rules.evaluate(node, {"degree": "硕士", "employer_type": "党政机关"})[0] is False


def test_age_from_birth_date_on_the_day():
    node = {"field": "age", "op": "lte", "value": 45}
    today = date(2026, 11, 23)
    assert rules.evaluate(node, {"birth_date": date(1981, 11, 24)}, today=today)[0] is True  # still 44
    assert rules.evaluate(node, {"birth_date": date(1980, 11, 23)}, today=today)[0] is False  # 46 today


@pytest.mark.parametrize(
    ("node", "message"),
    [({"field": "shoe_size", "op": "eq", "value": "42"}, "未知字段"),
     ({"field": "degree", "op": "gte", "value": "博士"}, "不能使用运算"),
     ({"field": "degree", "op": "eq", "value": "院士"}, "没有选项“院士”"),
     ({"field": "annual_salary", "op": "gte", "value": "很多"}, "非负数字"),
     ({"all": []}, "至少需要一个条件"),
     ({"all": [{"any": [{"field": "degree", "op": "in", "value": []}]}]}, "/all[1]/any[1]")],
)
def test_validation_names_the_problem_and_place(node, message):
    errors = rules.validate(node)
    assert errors and message in errors[0]


def test_validation_bounds_depth():
    node = {"field": "degree", "op": "eq", "value": "博士"}
    for _ in range(20):
        node = {"not": node}
    assert any("嵌套层级" in e for e in rules.validate(node))


leaf = st.one_of(
    st.builds(lambda v: {"field": "degree", "op": "eq", "value": v}, st.sampled_from(["博士", "硕士", "学士"])),
    st.builds(lambda v: {"field": "annual_salary", "op": "gte", "value": v}, st.integers(0, 100)),
    st.builds(lambda v: {"field": "title_level", "op": "in", "value": v},
              st.lists(st.sampled_from(["正高级", "副高级", "中级"]), min_size=1, max_size=2, unique=True)),
)
trees = st.recursive(leaf, lambda kids: st.one_of(
    st.builds(lambda c: {"all": c}, st.lists(kids, min_size=1, max_size=3)),
    st.builds(lambda c: {"any": c}, st.lists(kids, min_size=1, max_size=3)),
    st.builds(lambda c: {"not": c}, kids)), max_leaves=8)
facts = st.fixed_dictionaries({"degree": st.sampled_from(["博士", "硕士", "学士", ""]),
                               "annual_salary": st.one_of(st.none(), st.integers(0, 120)),
                               "title_level": st.sampled_from(["正高级", "副高级", "中级", "无"])})


@given(trees, facts)
def test_generated_rules_are_valid_and_boolean_laws_hold(node, f):
    assert rules.validate(node) == []
    ok, reasons = rules.evaluate(node, f)
    assert rules.evaluate({"not": node}, f)[0] is (not ok)
    assert rules.evaluate({"all": [node, node]}, f)[0] is ok
    assert rules.evaluate({"any": [node, {"not": node}]}, f)[0] is True
    if ok and "not" not in str(node):
        assert reasons  # a positive verdict always says why
