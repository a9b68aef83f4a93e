"""The fixed lists of the grid worker's day, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    ROUTINE = "routine", _("日常走访")
    FOCUS_CARE = "focus_care", _("重点人群关爱")
    NEW_ARRIVAL = "new_arrival", _("新迁入走访")
    ELDERLY_ALONE = "elderly_alone", _("独居老人探访")
    RENTAL_CHECK = "rental_check", _("出租屋检查")
    CASE_FOLLOW_UP = "case_follow_up", _("案件回访")


class RuleKind(models.TextChoices):
    """What a visit rule applies to (每户每年 / 重点人群 / 出租屋 / 新迁入)."""

    YEARLY = "yearly", _("每户定期走访")
    FOCUS_GROUP = "focus_group", _("重点人群定期走访")
    RENTAL = "rental", _("出租屋定期检查")
    NEW_ARRIVAL = "new_arrival", _("新迁入走访")


class CorrectionState(models.TextChoices):
    """A data correction proposed on a visit: applied at once by a role that may edit
    the household file, or queued for community staff to confirm or refuse."""

    APPLIED = "applied", _("已更新")
    QUEUED = "queued", _("待社区确认")
    CONFIRMED = "confirmed", _("已确认更新")
    REFUSED = "refused", _("未采纳")


class DiaryItemKind(models.TextChoices):
    OPINION = "opinion", _("社情民意")
    DISPUTE = "dispute", _("矛盾纠纷")
    REQUEST = "request", _("群众诉求")
    HAZARD = "hazard", _("安全隐患")
    GOOD_DEED = "good_deed", _("好人好事")
    OTHER = "other", _("其他")


class MediationState(models.TextChoices):
    OPEN = "open", _("调解中")
    SETTLED = "settled", _("调解成功")
    FAILED = "failed", _("调解未成")
    REFERRED = "referred", _("已移交")


class RequestChannel(models.TextChoices):
    VISIT = "visit", _("走访")
    PHONE = "phone", _("电话")
    WALK_IN = "walk_in", _("来访")
    DIARY = "diary", _("民情日志")


class RequestStatus(models.TextChoices):
    """The request loop: recorded → passed on → answered → requester told."""

    RECORDED = "recorded", _("已登记")
    PASSED_ON = "passed_on", _("已转办")
    ANSWERED = "answered", _("已答复")
    TOLD = "told", _("已告知")


class ServiceKind(models.TextChoices):
    ERRAND = "errand", _("代办事项")
    SHOPPING = "shopping", _("代购代送")
    ESCORT = "escort", _("陪同就医")
    REPAIR = "repair", _("维修帮助")
    CONSULTING = "consulting", _("政策咨询")
    CARE = "care", _("生活照料")
    OTHER = "other", _("其他")
