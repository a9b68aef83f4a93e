"""The five-step loop's records: the reference tables it runs on (categories with their
time limits, which departments take which categories, the working-time calendar), the
case itself, its timeline, photos, the residents concerned, and each user's inbox."""

import datetime as dt

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.lookups import Exact, In
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import Department
from gridgov.accounts.roles import Role
from gridgov.cases.choices import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    CategoryKind,
    Level,
    PhotoKind,
    Priority,
    Rating,
    Source,
    Status,
)
from gridgov.cases.worktime import Unit
from gridgov.core.scope import EMPTY_SCOPE, scope_of
from gridgov.places.models import InGrid


def _limit(label):
    return models.DecimalField(label, max_digits=6, decimal_places=2)


def _unit():
    return models.CharField(_("单位"), max_length=12, choices=Unit.choices)


class CategoryQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None):
        """The versions in force on a date (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=on), valid_from__lte=on)


class Category(models.Model):
    """A case category (大类/小类) with its closing standard and step time limits.

    Versioned by date: changing a category closes the row in force and adds a new one,
    so every case keeps the limits it was reported under. The tree is by code
    (`parent_code`), which stays the same across versions.
    """

    code = models.CharField(_("编码"), max_length=20)
    name = models.CharField(_("名称"), max_length=60)
    parent_code = models.CharField(_("上级编码"), max_length=20, blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=CategoryKind.choices)
    default_department = models.ForeignKey(
        Department,
        verbose_name=_("默认处置部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    standard = models.TextField(_("立案与结案标准"), blank=True)
    accept_limit = _limit(_("受理时限"))
    accept_unit = _unit()
    dispatch_limit = _limit(_("派遣时限"))
    dispatch_unit = _unit()
    handle_limit = _limit(_("处置时限"))
    handle_unit = _unit()
    follow_up_limit = _limit(_("回访时限"))
    follow_up_unit = _unit()
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件类别")
        verbose_name_plural = _("案件类别")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="category_version"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="category_valid_range",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_leaf(self) -> bool:
        return bool(self.parent_code)

    def limit(self, step: str) -> tuple:
        """(amount, unit) of one step: accept, dispatch, handle or follow_up."""
        return getattr(self, f"{step}_limit"), getattr(self, f"{step}_unit")


class DepartmentCategory(models.Model):
    """A category a department takes (by code, so it holds across category versions)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="takes")
    category_code = models.CharField(_("类别编码"), max_length=20)

    class Meta:
        verbose_name = _("部门承办类别")
        verbose_name_plural = _("部门承办类别")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "category_code"], name="department_category_once"
            )
        ]

    def __str__(self):
        return f"{self.department} · {self.category_code}"


class WorkYear(models.Model):
    """A year's working hours (上午/下午); years without a row use 08:30–12:00, 14:00–17:30."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    morning_start = models.TimeField(_("上午上班"), default=dt.time(8, 30))
    morning_end = models.TimeField(_("上午下班"), default=dt.time(12, 0))
    afternoon_start = models.TimeField(_("下午上班"), default=dt.time(14, 0))
    afternoon_end = models.TimeField(_("下午下班"), default=dt.time(17, 30))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工作时间")
        verbose_name_plural = _("工作时间")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="work_year_ordered_hours",
            )
        ]

    def __str__(self):
        return str(self.year)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    MAKEUP = "makeup", _("调休上班")


class SpecialDay(models.Model):
    """A public holiday on a weekday, or a weekend day worked in exchange (调休)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=30, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


def overdue_q(now: dt.datetime) -> Q:
    """Overdue as a filter: open, not suspended, past the due time of its current step."""
    return Q(status__in=OPEN_STATUSES, suspended_at__isnull=True, due_at__lt=now)


def is_overdue(status: str, due_at, suspended_at, now: dt.datetime) -> bool:
    """The same rule from a row's columns (no model instance needed)."""
    return status in OPEN_STATUSES and suspended_at is None and due_at is not None and due_at < now


def may_verify(user) -> bool:
    """Only grid workers are sent to verify; leaving the "cases I verify" branch out of
    everyone else's scope filter keeps their list queries on the usual indexes."""
    return scope_of(user) is not EMPTY_SCOPE and user.has_role(Role.GRID_WORKER)


class RareIn(In):
    """`field__rare_in=[…]`: an IN that few rows meet (the open statuses among a year
    of closed cases). SQLite keeps no histogram, so it guesses that six statuses of
    nine match most of the table and scans it; `unlikely(…)` tells it otherwise and
    it reads the (street, status) index: 0.3 ms against 30 ms at 30,000 cases. Other
    databases get the plain IN (PostgreSQL keeps the statistics)."""

    lookup_name = "rare_in"

    def as_sqlite(self, compiler, connection):
        sql, params = self.as_sql(compiler, connection)
        return f"unlikely({sql})", params


class RareExact(Exact):
    """`field__rare=value`: an equality few rows meet (the cases one user verifies),
    hinted to SQLite like `RareIn`."""

    lookup_name = "rare"

    def get_rhs_op(self, connection, rhs):
        return connection.operators["exact"] % rhs

    def as_sqlite(self, compiler, connection):
        sql, params = self.as_sql(compiler, connection)
        return f"unlikely({sql})", params


def case_scope_q(user, prefix: str = "", within: Q | None = None, rare: bool = False) -> Q:
    """The cases `user` may see as a filter: the scope rule, plus the cases sent to the
    user's departments and those the user was sent to verify on site. `prefix` reaches
    the case through a relation (`"case__"`); `within` (more conditions on the case) is
    repeated inside each branch of the rule.

    Each branch then uses its own index — (street, status), (community, status),
    (grid, status), (department, status), verifier — where `.filter(...)` after the
    rule makes the planners scan the table because of the "or the cases I verify"
    branch; `rare` hints that branch to SQLite (`RareExact`)."""
    scope = scope_of(user)
    branches = [
        Q(**{f"{prefix}{name}_id__in": ids})
        for name, ids in (*scope.areas, ("department", scope.department_ids))
        if ids
    ]
    if may_verify(user):
        branches.append(Q(**{f"{prefix}verifier_id{'__rare' if rare else ''}": user.pk}))
    q = Q(pk__in=[])
    for branch in branches:
        q |= branch & within if within is not None else branch
    return q


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, within: Q | None = None, rare: bool = False):
        """The cases `user` may see (`case_scope_q`); those that also meet `within`
        (`rare`: few do) read each branch of the rule on its own index."""
        return self.filter(case_scope_q(user, "", within, rare))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: dt.datetime | None = None):
        """Open, not suspended, past the due time of its current step: a query, never a
        stored flag, so it cannot drift from the clock."""
        return self.filter(overdue_q(now or timezone.now()))


class Case(InGrid):
    """A case (事件/案件): one problem driven round the five-step loop until the residents
    concerned are satisfied. Every change goes through `cases.workflow.apply`, which
    checks the transition table, bumps `version` (concurrent edits: the second one is
    refused) and writes a CaseEvent and an AuditEntry."""

    number = models.CharField(_("案件编号"), max_length=24, unique=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    source_ref = models.CharField(_("来源编号"), max_length=64, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("问题描述"), blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporter_name = models.CharField(_("反映人"), max_length=50, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    level = models.CharField(_("处置层级"), max_length=10, choices=Level.choices)
    priority = models.CharField(
        _("紧急程度"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("处置部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访网格员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A grid worker sent to check the place (核实), usually the nearest one on duty,
    # picked on the command center's map; they see the case while the check is due.
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实网格员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verify_due_at = models.DateTimeField(_("核实时限"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )
    result = models.TextField(_("处置结果"), blank=True)
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    # Deadlines: the current step's due time (`due_at`, what "overdue" reads) and its
    # unit (how a suspension shifts it), plus the handling deadline kept for the KPIs.
    due_at = models.DateTimeField(_("当前环节时限"), null=True, blank=True)
    due_unit = models.CharField(max_length=12, choices=Unit.choices, blank=True)
    handle_due_at = models.DateTimeField(_("处置时限"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    suspended_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    extension_amount = models.DecimalField(
        _("申请延期"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    extension_reason = models.CharField(_("延期理由"), max_length=200, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    rating = models.CharField(_("群众评价"), max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    rating_token_digest = models.CharField(max_length=64, blank=True, editable=False)
    self_score = models.PositiveSmallIntegerField(_("系统自评分"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["street", "status", "due_at"], name="case_street_status_due"),
            # The list filtered by status, newest first, read in index order.
            models.Index(fields=["street", "status", "id"], name="case_street_status_id"),
            # A street's newest cases (the list's first page) wherever its ids lie among
            # the district's: else PostgreSQL walks every newer street's cases first.
            models.Index(fields=["street", "id"], name="case_street_newest"),
            models.Index(fields=["community", "status"], name="case_community_status"),
            models.Index(fields=["grid", "status"], name="case_grid_status"),
            models.Index(fields=["department", "status", "due_at"], name="case_department_status"),
            models.Index(fields=["street", "reported_at"], name="case_street_reported"),
            models.Index(fields=["category", "status"], name="case_category_status"),
            # Cases of a category near a point (the duplicate warning). Not a partial index
            # on open cases: SQLite cannot use one when the statuses are bound parameters.
            models.Index(fields=["category", "lat", "lon"], name="case_category_near"),
            models.Index(fields=["rating_token_digest"], name="case_rating_token"),
            models.Index(fields=["source", "source_ref"], name="case_source_ref"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATUSES

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return is_overdue(self.status, self.due_at, self.suspended_at, now or timezone.now())

    @property
    def handled_on_time(self) -> bool | None:
        if self.handled_at is None or self.handle_due_at is None:
            return None
        return self.handled_at <= self.handle_due_at


Case._meta.get_field("status").register_lookup(RareIn)
Case._meta.get_field("verifier").register_lookup(RareExact)


# The key of the PostgreSQL advisory lock that puts timeline events in commit order.
EVENT_ORDER_LOCK = 0x6772_6964_6576  # "gridev"


class CaseEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The events of the cases `user` may see, read with their case in one pass."""
        return self.filter(case_scope_q(user, "case__"))

    def append(self, **fields) -> "CaseEvent":
        """A new timeline event whose id no earlier commit can undercut.

        The map's live feed reads events after the last id it has seen. On PostgreSQL
        ids come from a sequence when the row is inserted, not when it commits: an event
        inserted first but committed after a later one would land behind a cursor that
        has already moved past it. So writers take turns, from the event's insert to
        their commit, through a transaction-scoped advisory lock, and ids become visible
        in order. SQLite's writers already take turns for the whole transaction.
        """
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EVENT_ORDER_LOCK])
        return self.create(**fields)


class CaseEvent(models.Model):
    """One step of a case's timeline: who did what, from which status to which, and why."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=50)
    action = models.CharField(_("操作"), max_length=24)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件流转记录")
        verbose_name_plural = _("案件流转记录")
        ordering = ["id"]

    def __str__(self):
        return f"{self.case_id} {self.action}"


class CasePhoto(models.Model):
    """A photo of the problem (before) or of the result (after), served only to users who
    may see the case; stored under a server-made name."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="photos")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=PhotoKind.choices)
    file = models.FileField(upload_to="cases/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.case_id} {self.kind}"


class CaseContact(models.Model):
    """A resident concerned by a case: told the result and asked to rate it. Linked to the
    resident base when known; the phone is protected like every phone number."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts")
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=40, blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class CaseCounter(models.Model):
    """The last sequence number given out per street and day, for readable case numbers."""

    street_code = models.CharField(max_length=12)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["street_code", "day"], name="case_counter_day")
        ]

    def __str__(self):
        return f"{self.street_code} {self.day} {self.last}"


class NoticeKind(models.TextChoices):
    NEW_TASK = "new_task", _("新任务")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")
    RETURNED = "returned", _("被退回")
    REOPENED = "reopened", _("返工")
    ESCALATED = "escalated", _("上报上级")
    EXTENSION = "extension", _("延期申请")


class Notice(models.Model):
    """One message in a user's inbox; email and SMS copies are sent from it by the worker."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=NoticeKind.choices)
    message = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread")]

    def __str__(self):
        return self.message
