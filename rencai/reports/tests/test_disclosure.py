from hypothesis import given, settings
from hypothesis import strategies as st

from rencai.reports.disclosure import aggregate, suppress

DIMS = ["district", "industry"]


def test_primary_suppression_hides_small_cells_only():
    base = {("荷塘区", "制造业"): 12, ("荷塘区", "教育"): 3, ("芦淞区", "制造业"): 0}
    out = suppress(base, DIMS, [("district", "industry")])
    assert out[("district", "industry")] == {("芦淞区", "制造业"): 0, ("荷塘区", "制造业"): 12, ("荷塘区", "教育"): None}


def test_differencing_between_two_published_tables_is_blocked():
    # given: the district totals are published beside the district × industry table
    base = {("荷塘区", "制造业"): 7, ("荷塘区", "教育"): 3, ("芦淞区", "制造业"): 20, ("芦淞区", "教育"): 9}
    # when
    out = suppress(base, DIMS, [("district",), ("district", "industry")])
    # then: 荷塘区 10 − 制造业 7 would reveal 教育 3, so 制造业 is suppressed too
    assert out[("district",)] == {("芦淞区",): 29, ("荷塘区",): 10}
    assert out[("district", "industry")][("荷塘区", "教育")] is None
    assert out[("district", "industry")][("荷塘区", "制造业")] is None
    assert out[("district", "industry")][("芦淞区", "制造业")] == 20


def test_single_child_margin_suppresses_the_parent():
    base = {("荷塘区", "教育"): 2, ("芦淞区", "教育"): 30}
    out = suppress(base, DIMS, [("district",), ("district", "industry")])
    assert out[("district",)][("荷塘区",)] is None


def _recoverable(out, base, tables):
    """Can any suppressed cell be computed exactly from one published sum relation?"""
    for parent in tables:
        for child in tables:
            if len(child) != len(parent) + 1 or not set(parent) < set(child):
                continue
            drop = [i for i, d in enumerate(child) if d not in parent][0]
            groups = {}
            for key, value in out[child].items():
                groups.setdefault(key[:drop] + key[drop + 1:], []).append(value)
            for pkey, members in groups.items():
                if out[parent].get(pkey) is not None and sum(v is None for v in members) == 1:
                    return True
    return False


cells = st.dictionaries(st.tuples(st.sampled_from(["甲区", "乙区", "丙区"]), st.sampled_from(["制造业", "教育", "医疗", "金融"])),
                        st.integers(0, 30), min_size=1)


@settings(max_examples=200)
@given(cells)
def test_no_suppressed_cell_is_recoverable_and_totals_are_true(base):
    tables = [(), ("district",), ("industry",), ("district", "industry")]
    out = suppress(base, DIMS, tables)
    assert not _recoverable(out, base, tables)
    for t in tables:
        truth = aggregate(base, DIMS, t)
        for key, value in out[t].items():
            assert value is None or value == truth[key]
            if 0 < truth[key] < 5:
                assert value is None
