"""The enumerations of base data, with their Chinese labels (GB/T 3304 for ethnicity)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdKind(models.TextChoices):
    REGISTERED = "registered", _("户籍户")
    FLOATING = "floating", _("流动户")
    MIXED = "mixed", _("混合户")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO = "hk_macao", _("港澳居民居住证/通行证")
    TAIWAN = "taiwan", _("台湾居民居住证/通行证")
    FOREIGNER_PERMIT = "foreigner_permit", _("外国人永久居留身份证")
    NONE = "none", _("无证件")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母/外祖父母")
    GRANDCHILD = "grandchild", _("孙子女/外孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
    TENANT = "tenant", _("租住人员")
    OTHER = "other", _("其他")


class Registration(models.TextChoices):
    REGISTERED = "registered", _("户籍人口")
    FLOATING = "floating", _("流动人口")
    OVERSEAS = "overseas", _("境外人员")


class Education(models.TextChoices):
    NONE = "none", _("未上学")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class ResidentStatus(models.TextChoices):
    LIVING = "living", _("在住")
    MOVED_OUT = "moved_out", _("已迁出")
    DECEASED = "deceased", _("已死亡")


class OrganizationKind(models.TextChoices):
    COMPANY = "company", _("企业")
    SHOP = "shop", _("个体商户")
    SCHOOL = "school", _("学校")
    AGENCY = "agency", _("机关事业单位")
    SOCIAL = "social", _("社会组织")
    MEDICAL = "medical", _("医疗机构")
    OTHER = "other", _("其他")


class FireSafetyLevel(models.TextChoices):
    KEY = "key", _("消防安全重点单位")
    GENERAL = "general", _("一般单位")
    SMALL = "small", _("九小场所")


class Sensitivity(models.TextChoices):
    ORDINARY = "ordinary", _("一般")
    SENSITIVE = "sensitive", _("敏感")


# GB/T 3304: the 56 ethnic groups by code.
ETHNICITIES = {
    "01": "汉族",
    "02": "蒙古族",
    "03": "回族",
    "04": "藏族",
    "05": "维吾尔族",
    "06": "苗族",
    "07": "彝族",
    "08": "壮族",
    "09": "布依族",
    "10": "朝鲜族",
    "11": "满族",
    "12": "侗族",
    "13": "瑶族",
    "14": "白族",
    "15": "土家族",
    "16": "哈尼族",
    "17": "哈萨克族",
    "18": "傣族",
    "19": "黎族",
    "20": "傈僳族",
    "21": "佤族",
    "22": "畲族",
    "23": "高山族",
    "24": "拉祜族",
    "25": "水族",
    "26": "东乡族",
    "27": "纳西族",
    "28": "景颇族",
    "29": "柯尔克孜族",
    "30": "土族",
    "31": "达斡尔族",
    "32": "仫佬族",
    "33": "羌族",
    "34": "布朗族",
    "35": "撒拉族",
    "36": "毛南族",
    "37": "仡佬族",
    "38": "锡伯族",
    "39": "阿昌族",
    "40": "普米族",
    "41": "塔吉克族",
    "42": "怒族",
    "43": "乌孜别克族",
    "44": "俄罗斯族",
    "45": "鄂温克族",
    "46": "德昂族",
    "47": "保安族",
    "48": "裕固族",
    "49": "京族",
    "50": "塔塔尔族",
    "51": "独龙族",
    "52": "鄂伦春族",
    "53": "赫哲族",
    "54": "门巴族",
    "55": "珞巴族",
    "56": "基诺族",
}
ETHNICITY_CHOICES = list(ETHNICITIES.items())
