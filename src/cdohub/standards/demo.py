"""National data standards as a provincial data bureau maintains them: code sets from the GB/T
code standards, data elements for the identifiers, names, dates and codes every department holds,
and the province's population and enterprise resources linked to them. 茂名's bureau is drafting a
local element of its own.
"""

from cdohub.accounts.demo import DemoAccounts
from cdohub.catalog.models import InformationItem
from cdohub.org.models import Unit

from . import services

GENDER = [("0", "未知的性别"), ("1", "男性"), ("2", "女性"), ("9", "未说明的性别")]
ETHNIC_GROUPS = (  # GB/T 3304 codes 01–56, in order
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族",
    "傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族",
    "布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族",
    "保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族",
)
ETHNIC_NAMES = [name for line in ETHNIC_GROUPS for name in line.split(" ")]
ETHNIC = [(f"{n:02d}", name) for n, name in enumerate(ETHNIC_NAMES, start=1)] + [
    ("97", "其他"),
    ("98", "外国血统中国籍人士"),
]
MARITAL = [
    ("10", "未婚", ""),
    ("20", "已婚", ""),
    ("21", "初婚", "20"),
    ("22", "再婚", "20"),
    ("23", "复婚", "20"),
    ("30", "丧偶", ""),
    ("40", "离婚", ""),
    ("90", "未说明的婚姻状况", ""),
]
EDUCATION = [
    ("10", "研究生教育", ""),
    ("11", "博士研究生毕业", "10"),
    ("14", "硕士研究生毕业", "10"),
    ("20", "大学本科教育", ""),
    ("21", "大学本科毕业", "20"),
    ("22", "大学本科结业", "20"),
    ("23", "大学本科肄业", "20"),
    ("30", "大学专科教育", ""),
    ("31", "大学专科毕业", "30"),
    ("40", "中等职业教育", ""),
    ("41", "中等专科毕业", "40"),
    ("44", "职业高中毕业", "40"),
    ("47", "技工学校毕业", "40"),
    ("60", "普通高级中学教育", ""),
    ("61", "普通高中毕业", "60"),
    ("70", "初级中学教育", ""),
    ("71", "初中毕业", "70"),
    ("80", "小学教育", ""),
    ("81", "小学毕业", "80"),
    ("90", "其他", ""),
]
CODE_SETS = [
    # identifier, name, standard, values
    ("XBDM", "人的性别代码", "GB/T 2261.1-2003", [(c, n, "") for c, n in GENDER]),
    ("MZDM", "中国各民族名称的罗马字母拼写法和代码", "GB/T 3304-1991", [(c, n, "") for c, n in ETHNIC]),
    ("HYZKDM", "婚姻状况代码", "GB/T 2261.2-2003", MARITAL),
    ("XLDM", "学历代码", "GB/T 4658-2006", EDUCATION),
]
ELEMENTS = [
    # identifier, name, definition, type, max length, format, code set, validator, standard
    (
        "DE00001",
        "公民身份号码",
        "赋码机关为每个公民给出的唯一的、终身不变的法定号码",
        "C",
        18,
        "an18",
        "",
        "resident_id",
        "GB 11643-1999",
    ),
    (
        "DE00002",
        "姓名",
        "在户籍管理部门正式登记注册、人事档案中正式记载的姓氏名称",
        "C",
        50,
        "c..50",
        "",
        "",
        "GA/T 543.1-2011",
    ),
    ("DE00003", "性别代码", "人的性别的代码", "C", 1, "n1", "XBDM", "", "GB/T 2261.1-2003"),
    ("DE00004", "民族代码", "人的民族的代码", "C", 2, "n2", "MZDM", "", "GB/T 3304-1991"),
    (
        "DE00005",
        "出生日期",
        "人出生证明上记载的出生公元纪年日期",
        "D",
        8,
        "YYYYMMDD",
        "",
        "",
        "GA/T 543.1-2011",
    ),
    ("DE00006", "婚姻状况代码", "人当前婚姻状况的代码", "C", 2, "n2", "HYZKDM", "", "GB/T 2261.2-2003"),
    ("DE00007", "学历代码", "人受教育程度的代码", "C", 2, "n2", "XLDM", "", "GB/T 4658-2006"),
    (
        "DE00008",
        "统一社会信用代码",
        "依法登记的法人和其他组织的唯一、终身不变的身份识别代码",
        "C",
        18,
        "an18",
        "",
        "uscc",
        "GB 32100-2015",
    ),
    (
        "DE00009",
        "组织机构代码",
        "依法登记的机关、企事业单位和社会团体的组织机构代码",
        "C",
        10,
        "c9..10",
        "",
        "org_code",
        "GB 11714-1997",
    ),
    (
        "DE00010",
        "手机号码",
        "移动电话号码，11位数字",
        "C",
        11,
        "n11",
        "",
        "mobile",
        "电信网编号计划（2017年版）",
    ),
    ("DE00011", "固定电话号码", "固定电话号码，可带区号", "C", 20, "c..20", "", "landline", ""),
    ("DE00012", "邮政编码", "邮政编码，6位数字", "C", 6, "n6", "", "postal_code", ""),
    ("DE00013", "电子邮箱", "电子邮件地址", "C", 100, "c..100", "", "email", ""),
    (
        "DE00014",
        "行政区划代码",
        "县级及县级以上行政区划的代码",
        "C",
        6,
        "n6",
        "",
        "region_code",
        "GB/T 2260-2007",
    ),
    (
        "DE00015",
        "地址",
        "省、市、县、乡镇、街路巷和门牌号组成的详细地址",
        "C",
        200,
        "c..200",
        "",
        "",
        "GA/T 543.1-2011",
    ),
    ("DE00016", "单位名称", "机关、企事业单位和社会团体在登记机关登记的名称", "C", 200, "c..200", "", "", ""),
    ("DE00017", "日期", "公元纪年日期", "D", 8, "YYYYMMDD", "", "", "GB/T 7408-2005"),
]
# (provider unit, resource name, item name) → element identifier
LINKS = [
    ("440000-GA", "人口基础信息", "姓名", "DE00002"),
    ("440000-GA", "人口基础信息", "公民身份号码", "DE00001"),
    ("440000-GA", "人口基础信息", "性别", "DE00003"),
    ("440000-GA", "人口基础信息", "出生日期", "DE00005"),
    ("440000-GA", "人口基础信息", "民族", "DE00004"),
    ("440000-GA", "人口基础信息", "户籍地址", "DE00015"),
    ("440000-RS", "社会保险参保信息", "公民身份号码", "DE00001"),
    ("440000-RS", "社会保险参保信息", "姓名", "DE00002"),
    ("440000-SJ", "企业法人登记信息", "统一社会信用代码", "DE00008"),
    ("440000-SJ", "企业法人登记信息", "单位名称", "DE00016"),
]


def _values(rows) -> list[dict]:
    return [{"code": c, "name": n, "parent": p} for c, n, p in rows]


def load(admin) -> None:
    accounts = DemoAccounts(admin)
    province = Unit.objects.get(code="440000")
    bureau = accounts.bureau(province)
    owner = Unit.objects.get(code="440000-SJJ")
    code_sets = {}
    for identifier, name, standard, values in CODE_SETS:
        code_set = services.create_code_set(
            bureau, owner=owner, identifier=identifier, name=name, standard=standard, values=_values(values)
        )
        code_sets[identifier] = services.publish_code_set(bureau, code_set)
    elements = {}
    for identifier, name, definition, data_type, length, fmt, code_set, validator, standard in ELEMENTS:
        element = services.create_element(
            bureau,
            owner=owner,
            identifier=identifier,
            name=name,
            definition=definition,
            data_type=data_type,
            max_length=length,
            format=fmt,
            code_set=code_sets.get(code_set),
            validator=validator,
            standard=standard,
        )
        elements[identifier] = services.publish_element(bureau, element)
    for unit_code, resource_name, item_name, identifier in LINKS:
        unit = Unit.objects.get(code=unit_code)
        item = InformationItem.objects.filter(
            resource__unit=unit, resource__name=resource_name, resource__status="published", name=item_name
        ).first()
        if item is not None:
            services.link_item(accounts.specialist(unit), item, elements[identifier])
    maoming = accounts.bureau(Unit.objects.get(code="440900"))
    services.create_element(
        maoming,
        owner=Unit.objects.get(code="440900-SJJ"),
        identifier="MM-DE-0001",
        name="茂名市民卡卡号",
        definition="茂名市民卡发卡机构为持卡人编制的卡号（草案，待市数据局审定）",
        data_type="C",
        max_length=19,
        format="n19",
    )


def logins() -> list[tuple[str, str, str]]:
    return []
