"""Words of the demo population: people's names, the lanes of Nanhua West, estates,
shops, companies and jobs.

Names are drawn from Faker's zh_CN tables (surnames with their frequencies, men's and
women's given names) with the street's own seeded `random.Random`: the same names
Faker would give, at a fraction of the cost of 60,000 calls through Faker's proxy.
Cantonese surnames (陈, 黄, 梁, …) weigh more for the registered population, as they
do in an old Guangzhou neighbourhood.
"""

import random
from bisect import bisect
from functools import cache
from itertools import accumulate

from faker.providers.company.zh_CN import Provider as CompanyProvider
from faker.providers.person.en_US import Provider as EnglishNames
from faker.providers.person.zh_CN import Provider as ChineseNames

CANTONESE_SURNAMES = {
    "陈": 3.0, "黄": 3.0, "梁": 4.0, "李": 1.2, "林": 2.0, "张": 1.0, "何": 3.0,
    "罗": 2.0, "郭": 1.5, "吴": 1.5, "邓": 2.5, "冯": 2.5, "麦": 8.0, "区": 8.0,
    "谭": 3.0, "卢": 2.0, "关": 3.0, "钟": 2.0, "蔡": 1.5, "潘": 2.0, "霍": 5.0,
    "伍": 4.0, "容": 6.0, "苏": 1.5, "杨": 1.0, "叶": 2.0, "谢": 1.5, "曾": 2.0,
}  # fmt: skip


class NameMaker:
    """Chinese names by sex; children take the father's surname."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        surnames = list(ChineseNames.last_names)
        weights = list(ChineseNames.last_names.values())
        self._surnames = surnames
        self._plain = list(accumulate(weights))
        local = [w * CANTONESE_SURNAMES.get(s, 1.0) for s, w in zip(surnames, weights, strict=True)]
        self._local = list(accumulate(local))
        self._given = {
            True: list(ChineseNames.first_names_male),
            False: list(ChineseNames.first_names_female),
        }
        self._single = {
            sex: [g for g in given if len(g) == 1] for sex, given in self._given.items()
        }

    def surname(self, local: bool = True) -> str:
        cum = self._local if local else self._plain
        return self._surnames[bisect(cum, self.rng.random() * cum[-1])]

    def given(self, male: bool) -> str:
        """One of Faker's given names, or (more often, as in real life) two of its
        one-character names put together."""
        rng = self.rng
        if rng.random() < 0.45:
            return rng.choice(self._given[male])
        first, second = rng.choice(self._single[male]), rng.choice(self._single[male])
        return first + second if first != second else first

    def full(self, male: bool, surname: str | None = None, local: bool = True) -> str:
        return (surname or self.surname(local)) + self.given(male)

    def foreign(self, male: bool) -> str:
        """A foreigner's name as written on a passport: SURNAME GIVEN."""
        given = EnglishNames.first_names_male if male else EnglishNames.first_names_female
        surnames = list(EnglishNames.last_names)
        return f"{self.rng.choice(surnames).upper()} {self.rng.choice(list(given)).upper()}"


@cache
def company_prefixes() -> tuple[str, ...]:
    return tuple(CompanyProvider.company_prefixes)


# Main roads cross the street; lanes (里, 巷, 街) belong to a community. Keyed by the
# community's own 3-digit number, so copies of the street (`--scale`) reuse them.
MAIN_ROADS = ("南华西路", "洪德路", "同福西路", "宝岗大道", "厚德路", "南华中路")
LANES: dict[str, tuple[str, ...]] = {
    "101": ("鳌洲外街", "鳌洲正街", "鳌洲大街", "鳌洲二巷"),
    "102": ("福安街", "福安里", "同福西路福安巷"),
    "103": ("敬和里", "敬和大街", "永庆坊"),
    "105": ("龙武里", "龙庆北", "龙武西街", "龙导尾"),
    "106": ("兆龙里", "兆龙新街", "福场路"),
    "108": ("海天四望", "海天大街", "海天坊"),
    "109": ("洲头咀", "洲头咀大街", "洲头咀横街"),
    "110": ("德和新街", "德和里", "蒙圣里"),
    "111": ("后乐园街", "后乐园二巷", "乐园坊"),
    "112": ("厚德里", "厚德大街", "周家巷"),
    "113": ("永兴街", "永兴里", "永胜坊"),
    "114": ("聚龙村", "聚龙大街", "聚龙南约"),
}
OTHER_LANES = ("同庆里", "怀德里", "大基头", "歧兴里", "三圣里")

ESTATES = (
    "珠江嘉苑", "南华名苑", "海天花园", "鳌洲雅苑", "龙武新苑", "厚德花园", "宝岗华庭",
    "同福广场", "洲头咀公园一号", "南华西大厦", "洪德大厦", "江湾新城", "海富花园", "福安雅居",
)  # fmt: skip
PROPERTY_COMPANIES = (
    "广州市海珠区南华物业管理有限公司",
    "广州珠江物业酒店管理有限公司",
    "广州市城建物业管理有限公司",
    "广州越秀物业发展有限公司",
    "广州市海珠区房地产物业管理公司",
)

SHOP_KINDS = (
    ("茶餐厅", 6), ("肠粉店", 5), ("粥粉面店", 6), ("便利店", 8), ("士多", 6), ("五金店", 4),
    ("理发店", 6), ("药店", 3), ("水果店", 5), ("烧腊店", 4), ("糖水铺", 3), ("干洗店", 2),
    ("手机维修店", 3), ("快递驿站", 3), ("米铺", 2), ("杂货店", 4), ("裁缝店", 1),
    ("文具店", 1), ("面包店", 2), ("奶茶店", 3), ("凉茶铺", 2), ("海味干货店", 3),
    ("茶叶店", 3), ("灯饰店", 1), ("布艺店", 2), ("诊所", 2), ("牙科诊所", 1),
)  # fmt: skip
INDUSTRIES = (
    "贸易", "物流", "餐饮管理", "科技", "文化传播", "建筑装饰", "家政服务", "物业管理",
    "电子商务", "服装", "茶叶", "海产品", "广告", "教育咨询", "旅行社", "印刷",
)  # fmt: skip

JOBS_LOCAL = (
    ("公司职员", 20), ("个体经营者", 10), ("教师", 4), ("医生", 2), ("护士", 2),
    ("公务员", 2), ("事业单位职工", 4), ("工人", 8), ("司机", 5), ("保安", 4),
    ("厨师", 3), ("销售人员", 8), ("自由职业者", 5), ("会计", 3), ("无业", 6),
)  # fmt: skip
JOBS_FLOATING = (
    ("餐饮服务员", 10), ("快递员", 8), ("外卖骑手", 8), ("建筑工人", 6), ("个体经营者", 8),
    ("销售人员", 10), ("家政服务员", 5), ("保安", 5), ("厨师", 5), ("理发师", 3),
    ("工厂工人", 6), ("司机", 5), ("装修工人", 5), ("公司职员", 12), ("无业", 3),
)  # fmt: skip

HOMETOWNS = (
    # Prefectures the floating population of Haizhu comes from, with rough weights.
    ("4305", 10), ("4304", 6), ("4310", 5), ("4309", 4), ("4312", 4), ("4311", 4),
    ("3604", 3), ("3607", 5), ("3609", 2), ("4509", 5), ("4508", 3), ("4501", 2),
    ("5101", 2), ("5113", 3), ("4211", 4), ("4113", 3), ("4115", 3), ("3412", 3),
    ("4408", 6), ("4409", 6), ("4414", 5), ("4415", 4), ("4452", 4), ("4453", 3),
)  # fmt: skip
GUANGDONG_PREFECTURES = ("4406", "4414", "4408", "4409", "4452", "4405", "4407", "4413")
GUANGZHOU_DISTRICTS = ("440103", "440104", "440106", "440111", "440112", "440113", "440114")

OVERSEAS_ORIGINS = (
    # (origin, document type, sex-neutral share)
    ("香港特别行政区", "hk_macao", 40),
    ("澳门特别行政区", "hk_macao", 10),
    ("台湾地区", "taiwan", 6),
    ("韩国", "passport", 10),
    ("美国", "passport", 8),
    ("日本", "passport", 6),
    ("越南", "passport", 6),
    ("尼日利亚", "passport", 6),
    ("英国", "passport", 4),
    ("马来西亚", "passport", 4),
)

DISABILITY_KINDS = (
    ("视力残疾", 12), ("听力残疾", 15), ("言语残疾", 2), ("肢体残疾", 48), ("智力残疾", 8),
    ("精神残疾", 10), ("多重残疾", 5),
)  # fmt: skip
DISABILITY_GRADES = (("一级", 12), ("二级", 25), ("三级", 28), ("四级", 35))
CORRECTION_KINDS = (("缓刑", 80), ("假释", 8), ("管制", 4), ("暂予监外执行", 8))


def weighted(rng: random.Random, table):
    """One item of a ((item, weight), …) table."""
    items, cumulative = _prepared(table)
    return items[bisect(cumulative, rng.random() * cumulative[-1])]


@cache
def _prepared(table) -> tuple[tuple, tuple[float, ...]]:
    return tuple(item for item, _w in table), tuple(accumulate(w for _i, w in table))
