"""The demo hall's published list of service items (about 120), by theme, with the
window group that takes them and the materials each needs. Modelled on the lists
Guangzhou's street service centres publish; the codes are the demo's own."""

from gridgov.hall.models import MaterialForm as F
from gridgov.hall.models import Theme

GROUPS = (  # letter, name, themes it takes
    ("A", "社会保障", (Theme.SOCIAL_SECURITY, Theme.EMPLOYMENT)),
    ("B", "民政救助", (Theme.CIVIL_AFFAIRS, Theme.HOUSING)),
    ("C", "卫生计生", (Theme.FAMILY_PLANNING, Theme.HEALTH)),
    ("D", "来穗人员服务", (Theme.MIGRANTS,)),
    ("E", "老龄残联", (Theme.ELDERLY, Theme.DISABLED)),
    ("F", "综合受理", (Theme.CERTIFICATES, Theme.OTHER)),
)

# window number → group letters it calls; 8 is the unified pick-up window (统一出件)
WINDOWS = {1: "A", 2: "A", 3: "B", 4: "C", 5: "D", 6: "E", 7: "FAB", 8: ""}

ID = ("居民身份证", F.BOTH)
HUKOU = ("户口簿", F.ORIGINAL)
PHOTO = ("近期一寸免冠彩色照片", F.ORIGINAL)
FORM = ("申请表（窗口领取或网上下载）", F.ORIGINAL)
PERMIT = ("广东省居住证", F.BOTH)
LEASE = ("房屋租赁合同或房产证明", F.COPY)
INCOME = ("家庭收入情况证明", F.ORIGINAL)
MARRIAGE = ("结婚证", F.BOTH)
BIRTH = ("出生医学证明", F.BOTH)
DISABILITY = ("残疾人证", F.BOTH)
BANK = ("本人银行卡或存折", F.COPY)
LABOUR = ("劳动合同", F.COPY)
MEDICAL = ("医院诊断证明", F.ORIGINAL)

# What residents ask for at the desk, for the common items: the catalogue's search
# finds an item by these as by its name.
ALIASES = {
    "最低生活保障申请": "低保、低保申请",
    "低收入困难家庭认定": "低收入家庭、低收入认定",
    "特困人员供养申请": "特困供养、五保",
    "临时救助申请": "救急难、急难救助",
    "社会保障卡申领": "社保卡、办社保卡",
    "社会保障卡挂失与补换": "社保卡补办、社保卡挂失",
    "个人参保缴费证明打印": "社保证明、参保证明",
    "城乡居民养老保险参保登记": "城乡居民养老保险、社保参保",
    "城乡居民医疗保险参保登记": "城乡医保、医保参保",
    "就业创业证申领": "失业证、就业证",
    "公共租赁住房申请初审": "公租房",
    "住房租赁补贴申请初审": "租房补贴、租赁补贴",
    "廉租住房资格年审": "廉租房年审",
    "生育登记服务": "准生证、生育登记",
    "独生子女父母光荣证": "独生子女证",
    "预防接种证补办": "疫苗本、打针本",
    "家庭医生签约服务": "家庭医生",
    "婚姻登记预约": "结婚登记",
    "广东省居住证申领": "居住证、暂住证",
    "来穗人员积分制服务管理申请": "积分制、积分入户",
    "来穗人员随迁子女积分入学申请": "积分入学",
    "高龄老人津贴申领": "高龄津贴、老人津贴",
    "老年人优待证办理": "老人证、敬老卡",
    "残疾人证申领初审": "残疾证、办残疾证",
    "残疾人证换领": "残疾证换证",
    "困难残疾人生活补贴": "残疾人生活补贴、两项补贴",
    "重度残疾人护理补贴": "护理补贴、两项补贴",
}

ITEMS = {
    Theme.SOCIAL_SECURITY: (
        ("城乡居民养老保险参保登记", 5, (ID, HUKOU, FORM)),
        ("城乡居民养老保险待遇申领", 15, (ID, HUKOU, BANK, FORM)),
        ("城乡居民医疗保险参保登记", 5, (ID, HUKOU, FORM)),
        ("城乡居民医疗保险缴费信息变更", 3, (ID, FORM)),
        ("灵活就业人员社会保险登记", 5, (ID, HUKOU, FORM)),
        ("社会保障卡申领", 10, (ID, PHOTO)),
        ("社会保障卡挂失与补换", 10, (ID, PHOTO)),
        ("个人参保缴费证明打印", 1, (ID,)),
        ("退休人员社会化管理登记", 10, (ID, HUKOU, ("退休审批表", F.COPY))),
        ("丧葬补助金和抚恤金申领", 15, (ID, ("死亡证明", F.ORIGINAL), BANK)),
        ("医疗费用零星报销初审", 15, (ID, MEDICAL, ("医疗费用发票", F.ORIGINAL))),
        ("工伤保险待遇申请初审", 20, (ID, ("工伤认定决定书", F.COPY), MEDICAL)),
        ("生育保险待遇申领", 15, (ID, BIRTH, BANK)),
        ("养老保险关系转移接续", 15, (ID, ("参保缴费凭证", F.ORIGINAL))),
    ),
    Theme.EMPLOYMENT: (
        ("就业创业证申领", 5, (ID, HUKOU, PHOTO)),
        ("失业登记", 3, (ID, HUKOU, ("解除劳动合同证明", F.ORIGINAL))),
        ("就业困难人员认定", 10, (ID, HUKOU, INCOME, FORM)),
        ("灵活就业社保补贴申请", 15, (ID, BANK, FORM)),
        ("公益性岗位申请", 10, (ID, HUKOU, FORM)),
        ("创业担保贷款初审", 15, (ID, ("营业执照", F.COPY), FORM)),
        ("职业培训补贴申请", 15, (ID, ("职业资格证书", F.COPY), BANK)),
        ("求职登记", 1, (ID,)),
        ("高校毕业生就业登记", 3, (ID, ("毕业证书", F.COPY), LABOUR)),
        ("见习补贴申请", 15, (ID, ("见习协议", F.COPY), BANK)),
        ("家政服务人员登记", 3, (ID, PHOTO)),
    ),
    Theme.CIVIL_AFFAIRS: (
        ("最低生活保障申请", 20, (ID, HUKOU, INCOME, FORM)),
        ("低收入困难家庭认定", 20, (ID, HUKOU, INCOME, FORM)),
        ("特困人员供养申请", 20, (ID, HUKOU, INCOME, MEDICAL)),
        ("临时救助申请", 10, (ID, HUKOU, ("困难情况说明", F.ORIGINAL))),
        ("医疗救助申请", 15, (ID, MEDICAL, ("医疗费用发票", F.ORIGINAL))),
        ("困境儿童基本生活补贴", 20, (ID, HUKOU, BIRTH, FORM)),
        ("孤儿基本生活费申领", 20, (ID, HUKOU, BIRTH)),
        ("退役军人优待证申领", 10, (ID, ("退役证件", F.BOTH), PHOTO)),
        ("优抚对象定期抚恤补助", 15, (ID, ("优抚证件", F.BOTH), BANK)),
        ("殡葬补贴申领", 10, (ID, ("火化证明", F.ORIGINAL), BANK)),
        ("社会组织成立咨询登记", 10, (ID, ("章程草案", F.ORIGINAL))),
        ("婚姻登记预约", 1, (ID, HUKOU)),
        ("慈善救助申请", 15, (ID, INCOME, ("困难情况说明", F.ORIGINAL))),
        ("流浪乞讨人员救助协助", 1, ()),
    ),
    Theme.HOUSING: (
        ("公共租赁住房申请初审", 20, (ID, HUKOU, INCOME, LEASE)),
        ("住房租赁补贴申请初审", 20, (ID, HUKOU, INCOME, LEASE)),
        ("廉租住房资格年审", 15, (ID, HUKOU, INCOME)),
        ("危房改造申请", 20, (ID, ("房屋权属证明", F.COPY), FORM)),
        ("出租屋登记备案", 3, (ID, LEASE, ("出租人身份证明", F.COPY))),
        ("人才公寓申请初审", 20, (ID, LABOUR, ("学历证书", F.COPY))),
        ("住房公积金提取咨询", 1, (ID,)),
    ),
    Theme.FAMILY_PLANNING: (
        ("生育登记服务", 1, (ID, HUKOU, MARRIAGE)),
        ("再生育审批初审", 15, (ID, HUKOU, MARRIAGE, ("子女出生证明", F.COPY))),
        ("独生子女父母光荣证", 10, (ID, HUKOU, MARRIAGE, BIRTH)),
        ("计划生育家庭特别扶助申请", 20, (ID, HUKOU, ("子女死亡或伤残证明", F.ORIGINAL))),
        ("农村部分计划生育家庭奖励扶助", 20, (ID, HUKOU, FORM)),
        ("婚育情况证明", 3, (ID, HUKOU, MARRIAGE)),
        ("流动人口婚育证明", 3, (ID, MARRIAGE, PERMIT)),
        ("独生子女父母退休一次性奖励", 15, (ID, ("独生子女父母光荣证", F.BOTH), BANK)),
        ("新生儿落户协助", 5, (HUKOU, BIRTH, MARRIAGE)),
        ("母婴健康服务登记", 1, (ID, ("母子健康手册", F.ORIGINAL))),
    ),
    Theme.HEALTH: (
        ("免费孕前优生健康检查登记", 1, (ID, MARRIAGE)),
        ("预防接种证补办", 3, (ID, BIRTH)),
        ("老年人免费体检预约", 1, (ID,)),
        ("家庭医生签约服务", 1, (ID, ("医保卡", F.ORIGINAL))),
        ("严重精神障碍患者救治救助申请", 15, (ID, MEDICAL, FORM)),
        ("无偿献血者用血费用报销初审", 15, (ID, ("献血证", F.BOTH), ("用血发票", F.ORIGINAL))),
        ("慢性病长期处方登记", 3, (ID, MEDICAL)),
        ("健康证办理预约", 1, (ID, PHOTO)),
    ),
    Theme.MIGRANTS: (
        ("居住登记", 1, (ID, LEASE)),
        ("广东省居住证申领", 10, (ID, LEASE, PHOTO)),
        ("居住证签注", 3, (PERMIT, LEASE)),
        ("居住证补领换领", 10, (ID, PHOTO)),
        ("来穗人员积分制服务管理申请", 20, (ID, PERMIT, LABOUR, FORM)),
        ("来穗人员随迁子女积分入学申请", 20, (ID, PERMIT, BIRTH, LEASE)),
        ("来穗人员居住证明开具", 3, (ID, PERMIT, LEASE)),
        ("出租屋治安责任书签订", 1, (ID, LEASE)),
        ("来穗人员就业登记", 3, (ID, PERMIT, LABOUR)),
        ("来穗人员子女计划免疫登记", 1, (PERMIT, BIRTH)),
        ("来穗人员法律咨询登记", 1, (PERMIT,)),
        ("来穗人员技能培训报名", 3, (PERMIT, PHOTO)),
    ),
    Theme.ELDERLY: (
        ("高龄老人津贴申领", 15, (ID, HUKOU, BANK)),
        ("老年人优待证办理", 5, (ID, PHOTO)),
        ("居家养老服务资助申请", 15, (ID, HUKOU, INCOME, FORM)),
        ("长者饭堂助餐配餐登记", 3, (ID,)),
        ("养老服务需求评估申请", 15, (ID, MEDICAL, FORM)),
        ("独居老人关爱登记", 3, (ID, HUKOU)),
        ("百岁老人长寿保健金申领", 10, (ID, HUKOU, BANK)),
        ("老年人意外伤害保险登记", 3, (ID,)),
        ("失能老人护理补贴申请", 15, (ID, MEDICAL, BANK)),
        ("老年大学报名登记", 1, (ID, PHOTO)),
    ),
    Theme.DISABLED: (
        ("残疾人证申领初审", 20, (ID, HUKOU, PHOTO, MEDICAL)),
        ("残疾人证换领", 15, (ID, DISABILITY, PHOTO)),
        ("困难残疾人生活补贴", 15, (ID, DISABILITY, INCOME, BANK)),
        ("重度残疾人护理补贴", 15, (ID, DISABILITY, BANK)),
        ("残疾人辅助器具适配申请", 20, (ID, DISABILITY, FORM)),
        ("残疾人家庭无障碍改造申请", 20, (ID, DISABILITY, ("房屋权属证明", F.COPY))),
        ("残疾人就业创业扶持申请", 15, (ID, DISABILITY, FORM)),
        ("残疾儿童康复救助申请", 15, (ID, DISABILITY, BIRTH, MEDICAL)),
        ("残疾人机动轮椅车燃油补贴", 15, (ID, DISABILITY, ("行驶证", F.COPY))),
        ("盲人按摩机构扶持申请", 15, (ID, DISABILITY, ("营业执照", F.COPY))),
    ),
    Theme.CERTIFICATES: (
        ("居住情况证明", 3, (ID, HUKOU)),
        ("亲属关系证明（协助核实）", 5, (ID, HUKOU, ("关系证明材料", F.COPY))),
        ("无犯罪记录证明代办初审", 10, (ID, HUKOU, FORM)),
        ("经济困难证明", 5, (ID, HUKOU, INCOME)),
        ("在读学生困难家庭证明", 5, (ID, HUKOU, ("学生证", F.COPY), INCOME)),
        ("出国（境）政审材料协助", 10, (ID, HUKOU, FORM)),
        ("户籍迁入初审", 10, (ID, HUKOU, ("准迁证明", F.ORIGINAL))),
        ("身份证申领受理", 20, (HUKOU, PHOTO)),
        ("门牌号码编订申请", 10, (ID, ("房屋权属证明", F.COPY))),
        ("房屋使用证明", 5, (ID, LEASE)),
        ("独生子女证明", 3, (ID, HUKOU)),
        ("遗失物品招领登记", 1, (ID,)),
    ),
    Theme.OTHER: (
        ("工会会员困难帮扶申请", 15, (ID, INCOME, FORM)),
        ("法律援助申请初审", 7, (ID, INCOME, ("案件材料", F.COPY))),
        ("人民调解申请", 10, (ID, ("纠纷情况说明", F.ORIGINAL))),
        ("志愿者注册登记", 1, (ID,)),
        ("社区文体活动场地预约", 3, (ID,)),
        ("垃圾分类宣传资料领取", 1, ()),
        ("门前三包责任书签订", 3, (ID, ("营业执照", F.COPY))),
        ("户外广告设置咨询", 5, (ID, ("设计效果图", F.ORIGINAL))),
        ("城市道路临时占用申请初审", 10, (ID, ("占用方案", F.ORIGINAL), FORM)),
        ("噪声扰民投诉受理", 5, (ID, ("情况说明", F.ORIGINAL))),
        ("拆迁政策咨询登记", 3, (ID, ("房屋权属证明", F.COPY))),
    ),
}

DEPARTMENTS = {
    Theme.SOCIAL_SECURITY: "海珠区人力资源和社会保障局",
    Theme.EMPLOYMENT: "海珠区人力资源和社会保障局",
    Theme.CIVIL_AFFAIRS: "海珠区民政局",
    Theme.HOUSING: "海珠区住房和城乡建设局",
    Theme.FAMILY_PLANNING: "海珠区卫生健康局",
    Theme.HEALTH: "海珠区卫生健康局",
    Theme.MIGRANTS: "海珠区来穗人员服务管理局",
    Theme.ELDERLY: "海珠区民政局",
    Theme.DISABLED: "海珠区残疾人联合会",
    Theme.CERTIFICATES: "南华西街道办事处",
    Theme.OTHER: "南华西街道办事处",
}
