"""The words of the demo's grid workers: what a visit found, what the diary records,
what residents ask for and what they are told. Plain demo data (like the names in
`demo.names`), not interface text: it is stored as a worker would have typed it."""

from gridgov.fieldwork.choices import DiaryItemKind, ServiceKind, VisitKind

FINDINGS = {
    VisitKind.ROUTINE: (
        "家庭成员信息核对无误，居住情况正常。",
        "核对户内人员情况，与档案一致。",
        "入户了解家庭近况，家中水电气使用正常。",
        "宣传垃圾分类和防诈骗知识，发放宣传资料。",
        "了解家庭生活情况，居民对社区服务总体满意。",
        "核实户籍与实住人员，已更新联系方式。",
        "检查家中用电用气安全，提醒出门关闭燃气阀。",
    ),
    VisitKind.ELDERLY_ALONE: (
        "老人身体状况良好，生活能够自理。",
        "老人精神状态不错，家中整洁，已提醒按时服药。",
        "老人近期血压偏高，已提醒复诊并告知其子女。",
        "老人反映腿脚不便，已联系社区长者饭堂送餐。",
        "检查燃气和电器使用安全，提醒睡前关好门窗。",
        "天气转凉，提醒老人添衣保暖，留下联系电话。",
        "老人独自在家，陪同聊天了解生活需要。",
    ),
    VisitKind.FOCUS_CARE: (
        "了解家庭近况和生活困难，情况稳定。",
        "核对帮扶政策落实情况，补贴已按时发放。",
        "家属反映照护压力较大，已介绍社区服务。",
        "上门了解近况，家中无新增困难。",
        "协助准备年审材料，提醒按期办理。",
    ),
    VisitKind.RENTAL_CHECK: (
        "出租屋登记信息与实住人员一致，消防器材齐全。",
        "核对租住人员，新增一名租客，已提醒办理居住登记。",
        "检查电动车充电情况，提醒不得在室内充电。",
        "出租屋内电线老化，已提醒房东尽快整改。",
        "租赁合同在有效期内，居住人数未超过限住人数。",
        "楼道堆放杂物，已提醒租户清理。",
    ),
    VisitKind.NEW_ARRIVAL: (
        "新迁入住户，已登记家庭成员信息并介绍社区服务。",
        "新来穗人员，已告知居住证办理流程。",
        "新搬入居民，已加入楼栋微信群并留下网格员电话。",
    ),
    VisitKind.CASE_FOLLOW_UP: (
        "上门告知案件处理结果，居民表示认可。",
        "回访反映的问题，现场确认已处理完毕。",
        "回访居民，对处理结果基本满意。",
    ),
}
ORGANIZATION_FINDINGS = (
    "检查消防通道和灭火器，情况良好。",
    "提醒店铺不得占道经营，负责人表示配合。",
    "核对单位从业人员登记信息。",
    "宣传门前三包责任，检查垃圾分类投放。",
    "检查电动车充电区域，未发现违规充电。",
)
OPINIONS = (
    "希望小区加装电梯，方便老人上下楼。",
    "反映楼下夜间烧烤油烟和噪音扰民。",
    "建议增加社区长者饭堂的供餐点。",
    "反映楼道灯经常不亮，希望尽快维修。",
    "希望巷口增设非机动车停放区。",
    "反映附近垃圾收集点清运不及时，有异味。",
    "希望社区多组织青少年暑期活动。",
    "反映天台漏水，希望协调维修。",
    "询问旧楼改造的进度安排。",
)
MET = {
    "head": "{name}（户主）",
    "self": "{name}（本人）",
    "family": "{name}及家人",
    "tenant": "租户{name}",
    "relative": "户主家属",
}
NOBODY_HOME = "家中无人，电话联系{name}"

# (kind, text); {building} and {name} are filled in.
DIARY = {
    DiaryItemKind.OPINION: (
        "{building}居民反映希望加装电梯，已记录并向社区反映。",
        "{name}建议在巷口增设休闲座椅。",
        "{building}多位居民关心旧楼改造进度。",
        "居民对近期垃圾分类督导工作反映较好。",
        "{building}居民希望增加楼道照明。",
        "{name}反映附近菜市场早上占道严重。",
    ),
    DiaryItemKind.DISPUTE: (
        "{building}楼上楼下因漏水问题发生纠纷，已到场调解。",
        "{building}两户邻居因楼道堆放杂物发生争执。",
        "{name}与房东因押金退还产生纠纷。",
        "{building}住户因噪音问题与邻居发生口角。",
    ),
    DiaryItemKind.REQUEST: (
        "{name}咨询高龄津贴申领手续，希望上门协助办理。",
        "{name}反映家门口路灯损坏，要求维修。",
        "{name}希望协调物业清理天台杂物。",
        "{name}申请社区居家养老服务。",
        "{name}反映楼下商铺油烟扰民，要求处理。",
        "{name}咨询孩子入学需要的居住证明。",
    ),
    DiaryItemKind.HAZARD: (
        "{building}楼道有电动车停放充电，已劝离。",
        "{building}外墙有瓷砖松动，存在坠落隐患。",
        "{building}消防通道被杂物堵塞，已要求清理。",
        "{building}附近井盖松动，已设置警示。",
        "{building}电线私拉乱接，已提醒整改。",
        "{building}天台违规搭建，已拍照记录。",
    ),
    DiaryItemKind.GOOD_DEED: (
        "{name}主动帮助独居老人买菜送药。",
        "{building}居民自发清理楼道卫生。",
        "{name}拾到钱包交还失主。",
        "{building}志愿者协助开展垃圾分类宣传。",
    ),
    DiaryItemKind.OTHER: (
        "参加社区例会，学习近期重点工作安排。",
        "协助社区开展防诈骗宣传活动。",
        "更新网格内出租屋台账。",
        "配合开展消防安全检查。",
    ),
}
DIARY_TODAY = "今日巡查网格约{hours}小时，走访{visits}户。"
DIARY_NO_PATROL = "今日未巡查，走访{visits}户。"
MEDIATION_OUTCOMES = {
    "settled": (
        "双方达成一致，签订调解协议。",
        "经协调，责任方同意维修并承担费用。",
        "双方互相谅解，纠纷化解。",
    ),
    "failed": ("双方分歧较大，建议通过法律途径解决。",),
    "referred": ("已移交社区人民调解委员会处理。", "已移交派出所处理。"),
}
COMMENTS = (
    "已阅。",
    "记录详实，继续保持。",
    "请持续跟进反映的问题，及时反馈。",
    "独居老人情况请每周跟进。",
    "隐患问题请跟踪整改情况。",
    "纠纷已了解，社区会协助调解。",
    "居民意见已汇总，下周例会讨论。",
)
REQUEST_TOPICS = (
    "反映楼道灯不亮，要求维修。",
    "咨询高龄津贴申领手续。",
    "反映楼下商铺油烟扰民。",
    "希望协调物业清理天台杂物。",
    "反映小区门禁损坏。",
    "咨询居住证办理流程。",
    "申请社区居家养老服务。",
    "反映巷内污水井堵塞。",
    "咨询医保缴费事宜。",
    "希望增设快递柜。",
)
PASSED_TO = ("社区居委会主任", "物业管理处", "社区民警", "社区党委书记", "楼长")
ANSWERS = (
    "已安排人员处理完毕。",
    "已协调物业维修，问题已解决。",
    "已按政策办理，材料齐全后即可领取。",
    "已纳入社区近期工作计划，逐步解决。",
    "经核实，已责令整改。",
)
TOLD = ("已电话告知诉求人。", "已上门告知，诉求人表示满意。", "已在走访时当面告知。")

SERVICES = {
    ServiceKind.ERRAND: (("代办高龄津贴申请", 20, 60), ("代缴水电费", 10, 30)),
    ServiceKind.SHOPPING: (("代购生活用品", 20, 60), ("送药上门", 15, 40)),
    ServiceKind.ESCORT: (("陪同到社区卫生服务中心就医", 60, 180),),
    ServiceKind.REPAIR: (("协助更换灯泡", 10, 30), ("联系维修水龙头", 15, 45)),
    ServiceKind.CONSULTING: (("政策咨询解答", 10, 30), ("指导使用粤省事办理业务", 15, 40)),
    ServiceKind.CARE: (("协助打扫卫生", 30, 90), ("陪伴聊天", 20, 60)),
    ServiceKind.OTHER: (("帮忙联系家属", 10, 30),),
}
SERVICE_KINDS = (
    (ServiceKind.ERRAND, 22),
    (ServiceKind.SHOPPING, 15),
    (ServiceKind.ESCORT, 6),
    (ServiceKind.REPAIR, 12),
    (ServiceKind.CONSULTING, 25),
    (ServiceKind.CARE, 12),
    (ServiceKind.OTHER, 8),
)

# Corrections of the household file a visit finds: an older value the file held
# before a correction already applied, and the new values proposed.
OCCUPATIONS = ("退休", "个体经营", "自由职业", "待业", "公司职员", "外卖骑手", "家政服务")
WORK_UNITS = ("广州某物流公司", "海珠区某餐饮店", "南华西某贸易公司", "个体经营", "无")
OLD_PHONE = "13{d}****{t:04d}"
REFUSED_NOTE = "经核实该成员仍在本户居住"
