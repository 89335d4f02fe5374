"""Reference data the registry validates against: template columns, GB/T 4754-2017 industries, label aliases."""

from __future__ import annotations

from functools import lru_cache

from .choices import Degree, Education, IntroductionMode, Tier, TitleLevel

# 人才信息导入模板 (PRODUCT.md): the order of the Chinese header row, kept exactly.
COLUMNS = [
    "姓名", "身份证号", "性别", "出生日期", "手机号", "学历", "学位", "毕业院校", "专业", "职称",
    "职业资格/技能等级", "工作单位", "统一社会信用代码", "所属区县", "所属行业", "引进方式(全职/柔性)", "引进日期",
    "年薪(万元)", "荣誉/奖项", "人才类别",
]
# Optional columns a file may add after the template ones.
OPTIONAL_COLUMNS = ["证件类型", "标签"]
# Columns our own error report adds; ignored when the fixed report is uploaded again.
REPORT_COLUMNS = ["原行号", "错误说明"]
REQUIRED_COLUMNS = ["姓名", "身份证号", "所属区县"]

HEADER_ALIASES = {
    "身份证号码": "身份证号", "证件号码": "身份证号", "证件号": "身份证号", "身份证": "身份证号", "公民身份号码": "身份证号",
    "身份证件号码": "身份证号",
    "出生年月": "出生日期", "生日": "出生日期",
    "手机": "手机号", "手机号码": "手机号", "联系电话": "手机号", "移动电话": "手机号",
    "最高学历": "学历", "最高学位": "学位", "毕业学校": "毕业院校", "所学专业": "专业",
    "专业技术职称": "职称", "专业技术职务": "职称",
    "职业资格": "职业资格/技能等级", "技能等级": "职业资格/技能等级", "职业资格或技能等级": "职业资格/技能等级",
    "单位名称": "工作单位", "用人单位": "工作单位", "现工作单位": "工作单位",
    "单位统一社会信用代码": "统一社会信用代码", "信用代码": "统一社会信用代码",
    "区县": "所属区县", "所属区(县)": "所属区县", "所属区(市、县)": "所属区县", "所在区县": "所属区县", "区(县、市)": "所属区县",
    "行业": "所属行业", "行业代码": "所属行业", "所属行业(国民经济行业分类)": "所属行业",
    "引进方式": "引进方式(全职/柔性)", "引进类型": "引进方式(全职/柔性)",
    "引进时间": "引进日期",
    "年薪": "年薪(万元)", "年薪(万)": "年薪(万元)", "年收入(万元)": "年薪(万元)",
    "荣誉": "荣誉/奖项", "奖项": "荣誉/奖项", "荣誉奖项": "荣誉/奖项", "荣誉及奖项": "荣誉/奖项",
    "人才类型": "人才类别", "人才层次": "人才类别", "人才等级": "人才类别",
    "人才标签": "标签",
}


def normalise_header(value: str) -> str:
    text = value.replace("(", "(").replace(")", ")").replace("/", "/").replace("*", "").replace("＊", "")
    return HEADER_ALIASES.get(text, text)


EMPTY_MARKERS = {"", "-", "—", "--", "/", "无", "null", "NULL", "None"}

SEX_LABELS = {"男": "M", "女": "F", "M": "M", "F": "F", "男性": "M", "女性": "F", "m": "M", "f": "F"}

EDUCATION_LABELS = {
    "中专/高中及以下": Education.SECONDARY,
    "博士": Education.DOCTORATE, "博士研究生": Education.DOCTORATE, "研究生(博士)": Education.DOCTORATE,
    "硕士": Education.MASTER, "研究生": Education.MASTER, "硕士研究生": Education.MASTER, "研究生(硕士)": Education.MASTER,
    "本科": Education.BACHELOR, "大学本科": Education.BACHELOR, "大学": Education.BACHELOR,
    "专科": Education.JUNIOR_COLLEGE, "大专": Education.JUNIOR_COLLEGE, "大学专科": Education.JUNIOR_COLLEGE,
    "高职": Education.JUNIOR_COLLEGE,
    "中专": Education.SECONDARY, "高中": Education.SECONDARY, "技校": Education.SECONDARY, "职高": Education.SECONDARY,
    "初中": Education.SECONDARY, "中专及以下": Education.SECONDARY, "高中及以下": Education.SECONDARY,
}
DEGREE_LABELS = {
    "博士": Degree.DOCTOR, "硕士": Degree.MASTER, "学士": Degree.BACHELOR, "无": Degree.NONE,
    "博士学位": Degree.DOCTOR, "硕士学位": Degree.MASTER, "学士学位": Degree.BACHELOR, "无学位": Degree.NONE,
}
MODE_LABELS = {
    "全职": IntroductionMode.FULL_TIME, "全职引进": IntroductionMode.FULL_TIME,
    "柔性": IntroductionMode.FLEXIBLE, "柔性引进": IntroductionMode.FLEXIBLE, "兼职": IntroductionMode.FLEXIBLE,
}
TIER_LABELS = {
    "A": Tier.A, "A类": Tier.A, "顶尖人才": Tier.A, "顶尖": Tier.A, "国内外顶尖人才": Tier.A,
    "B": Tier.B, "B类": Tier.B, "国家级领军人才": Tier.B, "领军人才": Tier.B, "领军": Tier.B,
    "C": Tier.C, "C类": Tier.C, "省级领军人才": Tier.C, "地方领军人才": Tier.C, "拔尖人才": Tier.C, "拔尖": Tier.C,
    "D": Tier.D, "D类": Tier.D, "市级领军人才": Tier.D, "高级人才": Tier.D, "骨干人才": Tier.D, "骨干": Tier.D,
    "E": Tier.E, "E类": Tier.E, "基础人才": Tier.E, "青年人才": Tier.E, "后备人才": Tier.E, "高层次后备人才": Tier.E,
}

# Professional titles (职称) as written -> level; the first matching keyword wins, so longer ones come first.
TITLE_KEYWORDS = [
    ("正高级", TitleLevel.SENIOR), ("副高级", TitleLevel.SUB_SENIOR),
    ("副教授", TitleLevel.SUB_SENIOR), ("副研究员", TitleLevel.SUB_SENIOR), ("副主任", TitleLevel.SUB_SENIOR),
    ("副编审", TitleLevel.SUB_SENIOR), ("副译审", TitleLevel.SUB_SENIOR),
    ("教授", TitleLevel.SENIOR), ("研究员", TitleLevel.SENIOR), ("主任医师", TitleLevel.SENIOR),
    ("主任药师", TitleLevel.SENIOR), ("主任护师", TitleLevel.SENIOR), ("主任技师", TitleLevel.SENIOR),
    ("编审", TitleLevel.SENIOR), ("译审", TitleLevel.SENIOR), ("高级记者", TitleLevel.SENIOR), ("高级编辑", TitleLevel.SENIOR),
    ("主任记者", TitleLevel.SUB_SENIOR), ("主任编辑", TitleLevel.SUB_SENIOR),
    ("助理研究员", TitleLevel.INTERMEDIATE), ("助理工程师", TitleLevel.JUNIOR), ("助理", TitleLevel.JUNIOR),
    ("高级", TitleLevel.SUB_SENIOR), ("主治医师", TitleLevel.INTERMEDIATE), ("主管", TitleLevel.INTERMEDIATE),
    ("中级", TitleLevel.INTERMEDIATE), ("讲师", TitleLevel.INTERMEDIATE), ("一级教师", TitleLevel.INTERMEDIATE),
    ("工程师", TitleLevel.INTERMEDIATE), ("经济师", TitleLevel.INTERMEDIATE), ("会计师", TitleLevel.INTERMEDIATE),
    ("统计师", TitleLevel.INTERMEDIATE), ("审计师", TitleLevel.INTERMEDIATE), ("农艺师", TitleLevel.INTERMEDIATE),
    ("初级", TitleLevel.JUNIOR), ("助教", TitleLevel.JUNIOR), ("技术员", TitleLevel.JUNIOR), ("医士", TitleLevel.JUNIOR),
    ("医师", TitleLevel.JUNIOR), ("二级教师", TitleLevel.JUNIOR), ("员", TitleLevel.JUNIOR),
]


@lru_cache(maxsize=4096)
def title_level_for(title: str) -> str:
    if not title:
        return TitleLevel.UNGRADED
    for keyword, level in TITLE_KEYWORDS:
        if keyword in title:
            return level
    return TitleLevel.UNGRADED


# 国民经济行业分类 GB/T 4754-2017: sections (门类) and divisions (大类).
INDUSTRY_SECTIONS = {
    "A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业", "D": "电力、热力、燃气及水生产和供应业", "E": "建筑业",
    "F": "批发和零售业", "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业", "I": "信息传输、软件和信息技术服务业",
    "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业", "M": "科学研究和技术服务业", "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业", "P": "教育", "Q": "卫生和社会工作", "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织", "T": "国际组织",
}
_DIVISIONS = {
    "A": ["农业", "林业", "畜牧业", "渔业", "农、林、牧、渔专业及辅助性活动"],
    "B": ["煤炭开采和洗选业", "石油和天然气开采业", "黑色金属矿采选业", "有色金属矿采选业", "非金属矿采选业",
          "开采专业及辅助性活动", "其他采矿业"],
    "C": ["农副食品加工业", "食品制造业", "酒、饮料和精制茶制造业", "烟草制品业", "纺织业", "纺织服装、服饰业",
          "皮革、毛皮、羽毛及其制品和制鞋业", "木材加工和木、竹、藤、棕、草制品业", "家具制造业", "造纸和纸制品业",
          "印刷和记录媒介复制业", "文教、工美、体育和娱乐用品制造业", "石油、煤炭及其他燃料加工业", "化学原料和化学制品制造业",
          "医药制造业", "化学纤维制造业", "橡胶和塑料制品业", "非金属矿物制品业", "黑色金属冶炼和压延加工业",
          "有色金属冶炼和压延加工业", "金属制品业", "通用设备制造业", "专用设备制造业", "汽车制造业",
          "铁路、船舶、航空航天和其他运输设备制造业", "电气机械和器材制造业", "计算机、通信和其他电子设备制造业",
          "仪器仪表制造业", "其他制造业", "废弃资源综合利用业", "金属制品、机械和设备修理业"],
    "D": ["电力、热力生产和供应业", "燃气生产和供应业", "水的生产和供应业"],
    "E": ["房屋建筑业", "土木工程建筑业", "建筑安装业", "建筑装饰、装修和其他建筑业"],
    "F": ["批发业", "零售业"],
    "G": ["铁路运输业", "道路运输业", "水上运输业", "航空运输业", "管道运输业", "多式联运和运输代理业", "装卸搬运和仓储业", "邮政业"],
    "H": ["住宿业", "餐饮业"],
    "I": ["电信、广播电视和卫星传输服务", "互联网和相关服务", "软件和信息技术服务业"],
    "J": ["货币金融服务", "资本市场服务", "保险业", "其他金融业"],
    "K": ["房地产业"],
    "L": ["租赁业", "商务服务业"],
    "M": ["研究和试验发展", "专业技术服务业", "科技推广和应用服务业"],
    "N": ["水利管理业", "生态保护和环境治理业", "公共设施管理业", "土地管理业"],
    "O": ["居民服务业", "机动车、电子产品和日用产品修理业", "其他服务业"],
    "P": ["教育"],
    "Q": ["卫生", "社会工作"],
    "R": ["新闻和出版业", "广播、电视、电影和录音制作业", "文化艺术业", "体育", "娱乐业"],
    "S": ["中国共产党机关", "国家机构", "人民政协、民主党派", "社会保障", "群众团体、社会团体和其他成员组织",
          "基层群众自治组织及其他组织"],
    "T": ["国际组织"],
}


def _number_divisions() -> dict[str, tuple[str, str]]:
    divisions, number = {}, 1
    for section, names in _DIVISIONS.items():
        for name in names:
            divisions[f"{number:02d}"] = (section, name)
            number += 1
    return divisions


# "39" -> ("C", "计算机、通信和其他电子设备制造业"); 97 divisions, 01-97.
INDUSTRY_DIVISIONS = _number_divisions()
assert len(INDUSTRY_DIVISIONS) == 97
# Names (section or division) -> canonical code ("C" or "C39"). Divisions win over a same-named section (教育, 房地产业).
INDUSTRY_BY_NAME = {name: section for section, name in INDUSTRY_SECTIONS.items()} | {
    name: f"{section}{number}" for number, (section, name) in INDUSTRY_DIVISIONS.items()
}


def industry_label(code: str) -> str:
    if not code:
        return ""
    if len(code) == 1:
        return INDUSTRY_SECTIONS.get(code, code)
    division = INDUSTRY_DIVISIONS.get(code[1:3])
    return f"{division[1]}" if division else code
