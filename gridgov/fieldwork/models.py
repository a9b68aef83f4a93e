"""The grid worker's day (一格一员, 一户一档): patrols of the grid, home visits and the
rules saying when each household is due one, residents' requests and the convenience
services a worker does. The community-conditions diary is in `diary_models`, imported
here so that Django finds its models.

Every record with personal data carries its grid, community and street (places.InGrid)
for the scope rule. Records made on a phone carry the phone's `client_id` (a UUID),
unique, so an item the phone sends twice is recognised and stored once.
Nothing here is ever deleted: a request or a visit is history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import Department
from gridgov.cases.models import Case
from gridgov.core.scope import StreetScopedQuerySet
from gridgov.fieldwork.choices import (
    RequestChannel,
    RequestStatus,
    RuleKind,
    ServiceKind,
    VisitKind,
)
from gridgov.fieldwork.diary_models import DiaryComment, DiaryEntry, DiaryItem, Mediation
from gridgov.fieldwork.fields import client_id_field, worker_field
from gridgov.people.models import FocusGroup, Household, Organization, Resident
from gridgov.places.models import Area, InGrid

__all__ = [
    "ConvenienceService",
    "DiaryComment",
    "DiaryEntry",
    "DiaryItem",
    "Mediation",
    "Patrol",
    "Request",
    "RequestEvent",
    "Visit",
    "VisitRule",
]

# A worker off the grid for longer than this during a patrol is noted (issue 16).
OFF_GRID_NOTED_MINUTES = 30


class Patrol(InGrid):
    """A patrol (巡查) of one grid by its grid worker, from start to stop.

    The positions themselves are `command.WorkerPosition` rows (the phone and the
    handheld terminal send them through the positions API). When the patrol ends its
    figures are computed once and kept here — distance, duration, coverage (the share of
    the grid's buildings passed within 30 m) and minutes off the grid — together with
    a copy of its track in the compact encoding of `fieldwork.coverage`, so the
    patrol's map and the month's figures never re-read thousands of positions. The copy
    may be dropped for old patrols (`track` null): the figures stay.
    """

    worker = worker_field(_("网格员"))
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    distance_m = models.FloatField(_("里程（米）"), default=0)
    duration = models.DurationField(_("时长"), null=True, blank=True)
    coverage = models.FloatField(_("覆盖率"), null=True, blank=True)
    off_grid_minutes = models.PositiveIntegerField(_("离开网格（分钟）"), default=0)
    track = models.JSONField(_("轨迹"), null=True, blank=True, editable=False)
    client_id = client_id_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("巡查")
        verbose_name_plural = _("巡查")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=Q(ended_at__isnull=True), name="patrol_one_running"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="patrol_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(coverage__isnull=True) | Q(coverage__gte=0, coverage__lte=1),
                name="patrol_coverage_share",
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "started_at"], name="patrol_grid_started"),
            models.Index(fields=["community", "started_at"], name="patrol_community_started"),
            models.Index(fields=["street", "started_at"], name="patrol_street_started"),
            models.Index(fields=["worker", "started_at"], name="patrol_worker_started"),
        ]

    def __str__(self):
        return f"{self.worker_id} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.ended_at is None

    @property
    def off_grid_noted(self) -> bool:
        return self.off_grid_minutes > OFF_GRID_NOTED_MINUTES

    @property
    def distance_km(self) -> float:
        return self.distance_m / 1000

    @property
    def coverage_percent(self) -> int | None:
        return None if self.coverage is None else round(self.coverage * 100)


class VisitRule(models.Model):
    """When a household of a street is due a home visit, as its street staff set it:
    every household at least every so many days, members of a focus group more often
    (elderly living alone every 7 days, disabled every 30), rented dwellings every 90,
    and a household with a new arrival within 7 days. `fieldwork.rules` applies them."""

    street = models.ForeignKey(
        Area, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("规则"), max_length=16, choices=RuleKind.choices)
    focus_group = models.ForeignKey(
        FocusGroup,
        verbose_name=_("重点人群"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    interval_days = models.PositiveSmallIntegerField(_("间隔（天）"))
    visit_kind = models.CharField(_("走访类型"), max_length=16, choices=VisitKind.choices)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StreetScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访规则")
        verbose_name_plural = _("走访规则")
        ordering = ["street", "kind", "interval_days", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "kind"],
                condition=Q(focus_group__isnull=True),
                name="visit_rule_once_per_kind",
            ),
            models.UniqueConstraint(
                fields=["street", "focus_group"],
                condition=Q(focus_group__isnull=False),
                name="visit_rule_once_per_group",
            ),
            models.CheckConstraint(
                condition=Q(kind=RuleKind.FOCUS_GROUP, focus_group__isnull=False)
                | (~Q(kind=RuleKind.FOCUS_GROUP) & Q(focus_group__isnull=True)),
                name="visit_rule_group_iff_focus",
            ),
            models.CheckConstraint(
                condition=Q(interval_days__gte=1, interval_days__lte=3660),
                name="visit_rule_interval_range",
            ),
        ]

    def __str__(self):
        name = self.focus_group.name if self.focus_group_id else self.get_kind_display()
        return f"{name} · {self.interval_days}"


class Visit(InGrid):
    """A home visit (入户走访) to a household, or a visit to an organization: who was met,
    what was found, the residents' opinions, corrections proposed for the household
    file, an optional photo, and the case it raised or follows up.

    `corrections` is a list of {resident, field, label, shown, value…, state} kept by
    `fieldwork.corrections` (phone numbers only as cipher and mask); `corrections_pending`
    marks visits with a correction waiting for community staff, for their queue.
    A visit follows its household when a new grid layout moves the building.
    """

    follows = "household"

    household = models.ForeignKey(
        Household,
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("走访类型"), max_length=16, choices=VisitKind.choices)
    worker = worker_field(_("走访人"))
    visited_at = models.DateTimeField(_("走访时间"))
    met = models.CharField(_("见到的人"), max_length=100, blank=True)
    findings = models.TextField(_("走访情况"), blank=True)
    opinions = models.TextField(_("居民意见和诉求"), blank=True)
    corrections = models.JSONField(_("信息更正"), default=list, blank=True)
    corrections_pending = models.BooleanField(_("有待确认的更正"), default=False)
    photo = models.FileField(_("照片"), upload_to="fieldwork/visits/%Y/%m/", blank=True)
    photo_type = models.CharField(max_length=40, blank=True, editable=False)
    case = models.ForeignKey(
        Case,
        verbose_name=_("关联案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    client_id = client_id_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        ordering = ["-visited_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False, organization__isnull=True)
                | Q(household__isnull=True, organization__isnull=False),
                name="visit_household_or_organization",
            ),
        ]
        indexes = [
            # The last visit of each household (the visit rules) and the household file.
            models.Index(fields=["household", "visited_at"], name="visit_household_time"),
            models.Index(fields=["grid", "visited_at"], name="visit_grid_time"),
            models.Index(fields=["community", "visited_at"], name="visit_community_time"),
            models.Index(fields=["street", "visited_at"], name="visit_street_time"),
            models.Index(fields=["worker", "visited_at"], name="visit_worker_time"),
            models.Index(fields=["community", "corrections_pending"], name="visit_pending"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.visited_at:%Y-%m-%d}"

    @property
    def visited(self):
        return self.household or self.organization


class Request(InGrid):
    """A resident's request (诉求) and its loop: recorded → passed on (as a case, or to a
    department or a named person) → answered → the requester told. The loop is one
    table (`fieldwork.request_workflow`); each move leaves a RequestEvent.

    The requester is a resident of the base when known, else a name as given. A request
    keeps the grid it was recorded in.
    """

    requester = models.ForeignKey(
        Resident,
        verbose_name=_("诉求人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requester_name = models.CharField(_("诉求人姓名"), max_length=50)
    household = models.ForeignKey(
        Household,
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content = models.TextField(_("诉求内容"))
    channel = models.CharField(_("渠道"), max_length=10, choices=RequestChannel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.RECORDED
    )
    recorded_by = worker_field(_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"))
    passed_on_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    told_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    case = models.ForeignKey(
        Case,
        verbose_name=_("转为案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("转办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    passed_to = models.CharField(_("转办对象"), max_length=100, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("来源走访"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    diary_item = models.OneToOneField(
        "fieldwork.DiaryItem",
        verbose_name=_("来源日志条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="request",
    )
    client_id = client_id_field()

    class Meta:
        verbose_name = _("群众诉求")
        verbose_name_plural = _("群众诉求")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["grid", "status", "recorded_at"], name="request_grid_status"),
            models.Index(
                fields=["community", "status", "recorded_at"], name="request_community_status"
            ),
            models.Index(fields=["street", "status", "recorded_at"], name="request_street_status"),
            models.Index(fields=["grid", "recorded_at"], name="request_grid_time"),
            models.Index(fields=["community", "recorded_at"], name="request_community_time"),
            models.Index(fields=["street", "recorded_at"], name="request_street_time"),
        ]

    def __str__(self):
        return f"{self.requester_name}：{self.content[:20]}"


class RequestEvent(models.Model):
    """One move of a request's loop, for its short timeline."""

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=16)
    from_status = models.CharField(max_length=10, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=RequestStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.request_id} {self.action}"


class ConvenienceService(InGrid):
    """A convenience service (便民服务) a worker did for a household: what, when, how
    long. Counted in the grid worker's month."""

    follows = "household"

    household = models.ForeignKey(
        Household, verbose_name=_("住户"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("服务类型"), max_length=12, choices=ServiceKind.choices)
    worker = worker_field(_("服务人"))
    day = models.DateField(_("日期"))
    minutes = models.PositiveSmallIntegerField(_("用时（分钟）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    client_id = client_id_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("便民服务")
        verbose_name_plural = _("便民服务")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=1440), name="service_minutes_in_a_day"
            )
        ]
        indexes = [
            models.Index(fields=["grid", "day"], name="service_grid_day"),
            models.Index(fields=["community", "day"], name="service_community_day"),
            models.Index(fields=["street", "day"], name="service_street_day"),
            models.Index(fields=["worker", "day"], name="service_worker_day"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.day}"
