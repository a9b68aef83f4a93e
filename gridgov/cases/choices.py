"""The fixed lists of the case loop, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REPORTED = "reported", _("待受理")
    ACCEPTED = "accepted", _("待派遣")
    DISPATCHED = "dispatched", _("待签收")
    IN_PROGRESS = "in_progress", _("处理中")
    HANDLED = "handled", _("待回访")
    FOLLOWED_UP = "followed_up", _("待评价")
    CLOSED = "closed", _("已结案")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("已合并")


FINAL_STATUSES = (Status.CLOSED, Status.REJECTED, Status.MERGED)
OPEN_STATUSES = tuple(s for s in Status if s not in FINAL_STATUSES)


class Source(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员上报")
    RESIDENT = "resident", _("居民反映")
    COMMAND_CENTER = "command_center", _("指挥中心/视频发现")
    HOTLINE = "hotline", _("12345热线")
    INFORMANT = "informant", _("信息员线索")
    LEADER_VISIT = "leader_visit", _("领导走访")
    PATROL = "patrol", _("网格巡查")
    VISIT = "visit", _("入户走访")
    DIARY = "diary", _("民情日志")
    OTHER = "other", _("其他")


# Set by the grid workers' actions (fieldwork), with the record's id in `source_ref`:
# never picked on the report form.
FIELD_SOURCES = (Source.PATROL, Source.VISIT, Source.DIARY)


class Level(models.TextChoices):
    """Where a case is held (分级上报): it starts at the grid and rises."""

    GRID = "grid", _("网格")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")


LEVEL_ORDER = (Level.GRID, Level.COMMUNITY, Level.STREET)


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    NOT_SATISFIED = "not_satisfied", _("不满意")


class CategoryKind(models.TextChoices):
    COMPONENT = "component", _("部件")
    EVENT = "event", _("事件")
    GRID_MATTER = "grid_matter", _("网格事项")


class Coordinates(models.TextChoices):
    """The coordinate system a location arrives in; stored as WGS84."""

    WGS84 = "wgs84", _("WGS84（GPS）")
    GCJ02 = "gcj02", _("GCJ-02（高德/腾讯）")
    BD09 = "bd09", _("BD-09（百度）")


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("处置前")
    AFTER = "after", _("处置后")
