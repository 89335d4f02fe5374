import pytest

from rencai.orgs import demo, selectors
from rencai.orgs.models import OrgUnit

# Every unit named in seed 002 (株洲 任务分工方案) and seed 003 (成都 2014 人才工作要点), as written there.
SEED_002_UNITS = [
    "市科技局", "市科协", "市发改委", "市经信委", "市财政局", "市委组织部", "市人社局", "市地税局", "市编办", "市教育局",
    "市卫计委", "市文广新局", "市民政局", "市工商联", "市国资委", "市总工会", "市职教城管理办", "市农委", "市外侨旅游局",
    "市委统战部", "株洲高新区", "市金融证券办", "市房产局", "市公积金中心", "市委办", "市政府办", "市委政研室", "市委宣传部",
]
SEED_002_GROUPS = ["各县市区", "有关职业院校"]
SEED_003_UNITS = [
    "市委组织部", "市经信委", "市科技局", "市人社局", "市商务局", "市社科联〔市社科院〕", "市委编办", "市委目督办",
    "市政府目督办", "市委宣传部", "市委党校〔行政学院〕", "市投促委", "市外办", "市金融办", "市教育局", "市民政局", "市农委",
    "市文化局", "市卫生局", "团市委", "市国资委", "市总工会", "市妇联", "市医管局", "市委统战部", "市环保局", "市建委",
    "市规划局", "市城管局", "市交委", "市水务局", "市质监局", "市药监局",
]
SEED_003_GROUPS = ["市人才工作领导小组有关成员单位", "各区〔市〕县人才工作领导小组", "市人才工作领导小组协办单位"]


@pytest.mark.parametrize(("city_code", "names"), [("ZZ", SEED_002_UNITS), ("CD", SEED_003_UNITS)])
def test_every_unit_named_in_the_seeds_resolves(unit, city_code, names):
    city = unit(city_code)
    missing = [n for n in names if selectors.unit_resolve_name(city=city, name=n) is None]
    assert missing == []


@pytest.mark.parametrize(("city_code", "names"), [("ZZ", SEED_002_GROUPS), ("CD", SEED_003_GROUPS)])
def test_every_group_named_in_the_seeds_expands(unit, city_code, names):
    city = unit(city_code)
    for name in names:
        group = selectors.unit_group_resolve(city=city, name=name)
        assert group is not None, name
        assert len(selectors.unit_group_expand(group=group)) >= 3


def test_five_seed_cities_with_districts(db):
    cities = {u.name: u for u in OrgUnit.objects.filter(parent__isnull=True)}
    assert set(cities) == {"株洲市", "成都市", "贵阳市", "内蒙古和林格尔新区", "青岛市"}
    for city in cities.values():
        assert OrgUnit.objects.filter(parent=city, kind__in=["district", "new_area"]).count() >= 3


def test_demo_load_is_idempotent(db):
    before = OrgUnit.objects.count()
    assert demo.load() == {"units": 0, "users": 0}
    assert OrgUnit.objects.count() == before
