"""A generated, realistic-looking talent registry for demos, tests and benchmarks — never a real person's data.

Names come from Faker zh_CN pools, ID numbers are synthetic (real area codes, valid GB 11643 check digits, unique
by construction), employers are invented. Distributions (education, titles, tiers, industries by city, districts
weighted towards the urban core) are plausible for the five seed cities.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from stdnum.cn import ric, uscc

from rencai.orgs.demo_data import CITIES

from .constants import COLUMNS
from .validation import _area_known

# Birthplace area codes (GB/T 2260) around the seed cities and a few elsewhere; filtered against python-stdnum.
_AREAS = [a for a in (
    "430202", "430203", "430204", "430211", "430221", "430223", "430224", "430225", "430281",  # 株洲
    "510104", "510105", "510106", "510107", "510108", "510112", "510113", "510114", "510124", "510181",  # 成都
    "520102", "520103", "520111", "520112", "520113", "520181",  # 贵阳
    "150102", "150103", "150123",  # 呼和浩特 / 和林格尔
    "370202", "370203", "370211", "370212", "370213", "370214", "370281", "370283",  # 青岛
    "110101", "110105", "310101", "310104", "420102", "430102", "440104", "320102", "610102", "500103",
) if _area_known(a)]
_DAYS = 15_000  # birth dates 1960-01-01 .. 2001-01-26
_BIRTH0 = dt.date(1960, 1, 1)
_SPACE = len(_AREAS) * _DAYS * 1000
_STEP = 1_000_003  # prime, coprime with the space: i -> i * STEP mod SPACE is a bijection (unique IDs)

CITY_WEIGHTS = {"ZZ": 30, "CD": 35, "GY": 12, "QD": 18, "HLGE": 5}
CITY_INDUSTRIES = {
    "ZZ": [("C37", 14), ("C38", 10), ("C36", 6), ("C39", 6), ("C26", 5), ("C32", 4), ("M73", 6), ("P83", 8),
           ("Q84", 7), ("I65", 5), ("C34", 5), ("E48", 3), ("J66", 3), ("F51", 3), ("A01", 2), ("G53", 5)],
    "CD": [("I65", 16), ("C39", 12), ("I64", 8), ("M73", 9), ("C27", 5), ("P83", 9), ("Q84", 8), ("J67", 4),
           ("C37", 4), ("R88", 3), ("L72", 6), ("F52", 3), ("M74", 5), ("K70", 3), ("H62", 2)],
    "GY": [("I65", 18), ("I64", 12), ("I63", 6), ("C39", 6), ("C27", 6), ("P83", 9), ("Q84", 8), ("M73", 6),
           ("B06", 3), ("D44", 4), ("L72", 4)],
    "QD": [("C36", 8), ("C38", 10), ("C39", 7), ("G55", 8), ("C13", 5), ("C26", 5), ("M73", 8), ("P83", 8),
           ("Q84", 8), ("I65", 9), ("C35", 6), ("A04", 3), ("J66", 4)],
    "HLGE": [("I65", 20), ("I64", 15), ("I63", 10), ("D44", 12), ("M73", 8), ("L72", 6), ("C39", 5), ("A03", 4)],
}
EDUCATION = [("博士研究生", 6), ("硕士研究生", 26), ("大学本科", 48), ("大学专科", 15), ("中专/高中及以下", 5)]
DEGREE_FOR = {"博士研究生": "博士", "硕士研究生": "硕士", "大学本科": "学士", "大学专科": "", "中专/高中及以下": ""}
TITLES = [("正高级工程师", 3), ("教授", 2), ("研究员", 1), ("主任医师", 1), ("高级工程师", 12), ("副教授", 4),
          ("副主任医师", 2), ("高级经济师", 2), ("工程师", 22), ("讲师", 5), ("主治医师", 4), ("经济师", 3),
          ("助理工程师", 10), ("", 29)]
SKILLS = [("", 80), ("高级技师", 4), ("技师", 6), ("高级工", 7), ("一级/高级技师", 1), ("注册会计师", 2)]
TIERS = [("A类", 1), ("B类", 3), ("C类", 9), ("D类", 20), ("E类", 37), ("", 30)]
SALARY = {"A类": (150, 500), "B类": (80, 220), "C类": (40, 110), "D类": (25, 60), "E类": (12, 35), "": (8, 30)}
HONOURS = ["国家杰出青年科学基金获得者", "国务院政府特殊津贴专家", "省“百人计划”入选者", "省芙蓉人才行动计划",
           "全国五一劳动奖章", "省技术能手", "市优秀专家", "市青年科技奖", "国家科技进步二等奖", "全国技术能手",
           "省级重点人才工程入选者", "市高层次人才"]
SCHOOLS = ["清华大学", "北京大学", "浙江大学", "上海交通大学", "中南大学", "湖南大学", "四川大学", "电子科技大学",
           "西南交通大学", "贵州大学", "中国海洋大学", "山东大学", "内蒙古大学", "武汉大学", "华中科技大学", "湘潭大学",
           "湖南工业大学", "成都理工大学", "青岛大学", "哈尔滨工业大学", "西安交通大学", "同济大学", "南京大学",
           "湖南铁道职业技术学院", "湖南汽车工程职业学院", "成都职业技术学院", "贵州轻工职业技术学院"]
MAJORS = ["机械工程", "材料科学与工程", "电气工程及其自动化", "计算机科学与技术", "软件工程", "车辆工程",
          "化学工程与工艺", "临床医学", "工商管理", "金融学", "控制科学与工程", "数据科学与大数据技术", "交通运输",
          "生物医学工程", "土木工程", "会计学", "汉语言文学", "应用化学", "电子信息工程", "人工智能"]
EMPLOYER_TAILS = ["科技有限公司", "股份有限公司", "集团有限公司", "智能装备有限公司", "电子有限公司", "新材料有限公司",
                  "信息技术有限公司", "研究院", "人民医院", "职业技术学院", "大学", "轨道交通装备有限公司", "数据服务有限公司"]


def _weighted(pairs):
    values, weights = zip(*pairs)
    return list(values), list(weights)


def synthetic_id(index: int) -> str:
    """The index-th synthetic resident ID: real area code, valid date and check digit, unique for any index."""
    j = (index * _STEP + 7) % _SPACE
    seq, j = j % 1000, j // 1000
    day, area = j % _DAYS, j // _DAYS
    body = f"{_AREAS[area]}{(_BIRTH0 + dt.timedelta(days=day)):%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def synthetic_uscc(rng: random.Random, area: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + area + "".join(rng.choice("0123456789") for _ in range(8)) + rng.choice(alphabet)
    return body + uscc.calc_check_digit(body + "0")


class Generator:
    """Yields template rows ({column: value}) — the same shape a clerk's file has."""

    def __init__(self, seed: int = 2026):
        from faker import Faker

        self.rng = random.Random(seed)
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        self.names = [fake.name() for _ in range(4000)]
        self.company_words = list({fake.company_prefix() for _ in range(600)})
        self.cities = [c for c in CITIES if c["code"] in CITY_WEIGHTS]
        self.city_weights = [CITY_WEIGHTS[c["code"]] for c in self.cities]
        self.districts = {c["code"]: (c["districts"], [1 / (i + 1) ** 0.6 for i in range(len(c["districts"]))])
                          for c in self.cities}
        self.industries = {code: _weighted(pairs) for code, pairs in CITY_INDUSTRIES.items()}
        self.education, self.titles, self.skills, self.tiers = (
            _weighted(EDUCATION), _weighted(TITLES), _weighted(SKILLS), _weighted(TIERS))
        self.employers: dict[str, list[tuple[str, str]]] = {}
        for city in self.cities:
            short = city["short"]
            area = {"ZZ": "430200", "CD": "510100", "GY": "520100", "QD": "370200", "HLGE": "150100"}[city["code"]]
            self.employers[city["code"]] = [
                (f"{short}{self.rng.choice(self.company_words)}{self.rng.choice(EMPLOYER_TAILS)}",
                 synthetic_uscc(self.rng, area)) for _ in range(300)]

    def row(self, index: int) -> dict:
        rng = self.rng
        city = rng.choices(self.cities, self.city_weights)[0]
        code = city["code"]
        names, weights = self.districts[code]
        id_number = synthetic_id(index)
        birth = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        education = rng.choices(*self.education)[0]
        tier = rng.choices(*self.tiers)[0]
        title = rng.choices(*self.titles)[0]
        low, high = SALARY[tier]
        earliest = max(birth.replace(year=birth.year + 22) if not (birth.month == 2 and birth.day == 29)
                       else dt.date(birth.year + 22, 3, 1), dt.date(2010, 1, 1))
        span = (dt.date(2026, 10, 31) - earliest).days
        introduced = earliest + dt.timedelta(days=int(span * rng.random() ** 0.7)) if span > 0 else None
        employer, credit = rng.choice(self.employers[code])
        return {
            "姓名": rng.choice(self.names),
            "身份证号": id_number,
            "性别": "男" if int(id_number[16]) % 2 else "女",
            "出生日期": birth.isoformat(),
            "手机号": f"1{rng.choice('356789')}{rng.randrange(10**9):09d}" if rng.random() < 0.7 else "",
            "学历": education,
            "学位": DEGREE_FOR[education],
            "毕业院校": rng.choice(SCHOOLS),
            "专业": rng.choice(MAJORS),
            "职称": title,
            "职业资格/技能等级": rng.choices(*self.skills)[0],
            "工作单位": employer,
            "统一社会信用代码": credit,
            "所属区县": rng.choices(names, weights)[0],
            "所属行业": rng.choices(*self.industries[code])[0],
            "引进方式(全职/柔性)": "全职" if rng.random() < 0.8 else "柔性",
            "引进日期": introduced.isoformat() if introduced else "",
            "年薪(万元)": str(round(rng.uniform(low, high), 1)),
            "荣誉/奖项": "、".join(rng.sample(HONOURS, 1 + (tier in ("A类", "B类")))) if tier in ("A类", "B类", "C类") else "",
            "人才类别": tier,
            "标签": f"在外{city['short']}籍" if rng.random() < 0.03 else "",
        }

    def rows(self, count: int, start: int = 0) -> Iterator[dict]:
        for i in range(start, start + count):
            yield self.row(i)


def write_csv(path, count: int, *, start: int = 0, seed: int = 2026, encoding: str = "utf-8-sig") -> None:
    import csv

    gen = Generator(seed)
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in gen.rows(count, start):
            writer.writerow([row[c] for c in COLUMNS])


def write_xlsx(path, count: int, *, start: int = 0, seed: int = 2026) -> None:
    from openpyxl import Workbook

    gen = Generator(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("人才信息")
    ws.append(COLUMNS)
    for row in gen.rows(count, start):
        ws.append([row[c] for c in COLUMNS])
    wb.save(path)
