"""The one-window service hall (一窗办, domain part C): the published catalogue of
service items and their materials, the hall's windows and window groups, queue
tickets, applications through front desk, back office and the pick-up window, and
the applicants' ratings.

Everything belongs to the street whose hall it is (`street`), which is what the scope
rule filters on: hall staff are assigned to the street. The catalogue is public
(no personal data); applications hold the applicant's protected ID and phone.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import StreetScopedQuerySet
from gridgov.places.models import Area


class HallSettings(models.Model):
    """The six unifications that are configurable (六统一): the hall's name, its
    signage and service norms; and the queue's rules (how often a number is called
    before it counts as a no-show, when a waiting ordinary number goes before
    priority ones)."""

    street = models.OneToOneField(Area, on_delete=models.PROTECT, related_name="hall")
    name = models.CharField(_("服务中心名称"), max_length=100)
    signage = models.CharField(_("标识用语"), max_length=200, blank=True)
    norms = models.TextField(_("服务规范"), blank=True)
    no_show_calls = models.PositiveSmallIntegerField(_("叫号几次未到算过号"), default=3)
    starvation_minutes = models.PositiveSmallIntegerField(
        _("普通号等候超过几分钟优先叫"), default=20
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = StreetScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务中心设置")
        verbose_name_plural = _("服务中心设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(no_show_calls__gte=1, starvation_minutes__gte=1),
                name="hall_settings_queue_rules_positive",
            )
        ]

    def __str__(self):
        return self.name


class Theme(models.TextChoices):
    SOCIAL_SECURITY = "social_security", _("社会保障")
    CIVIL_AFFAIRS = "civil_affairs", _("民政救助")
    FAMILY_PLANNING = "family_planning", _("计划生育")
    MIGRANTS = "migrants", _("来穗人员服务")
    ELDERLY = "elderly", _("老龄服务")
    DISABLED = "disabled", _("残疾人服务")
    EMPLOYMENT = "employment", _("就业创业")
    HOUSING = "housing", _("住房保障")
    HEALTH = "health", _("卫生健康")
    CERTIFICATES = "certificates", _("证明开具")
    OTHER = "other", _("其他")


class WindowGroup(models.Model):
    """A kind of window ("A 社保", "B 民政"…): tickets are numbered per group (A001…)."""

    street = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    letter = models.CharField(_("字母"), max_length=1)
    name = models.CharField(_("名称"), max_length=50)

    objects = StreetScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("窗口分组")
        verbose_name_plural = _("窗口分组")
        ordering = ["letter"]
        constraints = [
            models.UniqueConstraint(fields=["street", "letter"], name="hall_group_letter"),
            models.CheckConstraint(
                condition=Q(letter__regex=r"^[A-Z]$"), name="hall_group_letter_capital"
            ),
        ]

    def __str__(self):
        return f"{self.letter} {self.name}"


class ItemStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    DRAFT = "draft", _("草稿")
    WITHDRAWN = "withdrawn", _("已停办")


class ServiceItem(models.Model):
    """A service item of the published list (办事事项): what it is, on what authority,
    for whom, what to bring, how long it takes, what it costs, which windows take it."""

    street = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("事项编码"), max_length=32)
    name = models.CharField(_("事项名称"), max_length=100)
    theme = models.CharField(_("主题"), max_length=20, choices=Theme.choices)
    department = models.CharField(_("实施部门"), max_length=100)
    legal_basis = models.TextField(_("设定依据"), blank=True)
    authority = models.CharField(_("权力类型"), max_length=50, blank=True)
    conditions = models.TextField(_("办理条件"), blank=True)
    statutory_days = models.PositiveSmallIntegerField(_("法定时限（工作日）"))
    promised_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"))
    fee = models.CharField(_("收费"), max_length=100, default="不收费")
    group = models.ForeignKey(
        WindowGroup, verbose_name=_("受理窗口"), on_delete=models.PROTECT, related_name="items"
    )
    online = models.BooleanField(_("可网上办理"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.DRAFT
    )
    # What residents call it ("低保" for 最低生活保障申请), so the search finds it by
    # those words too; separated by "、".
    aliases = models.CharField(
        _("别名"),
        max_length=200,
        blank=True,
        help_text=_("群众的常用叫法，用顿号或逗号分隔，如：低保"),
    )
    # Search keys from the name: full pinyin and initials ("shebao", "sb").
    name_pinyin = models.CharField(max_length=400, blank=True, editable=False)
    name_initials = models.CharField(max_length=100, blank=True, editable=False)
    # The same keys of every alias, each after a space (" dibao db"), so "starts with"
    # on an alias is a plain "contains" of " " + the letters typed.
    alias_keys = models.CharField(max_length=1000, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StreetScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["street", "code"], name="hall_item_code"),
            models.CheckConstraint(
                condition=Q(promised_days__lte=models.F("statutory_days")),
                name="hall_item_promise_within_law",
            ),
        ]
        indexes = [models.Index(fields=["street", "status", "theme"])]

    def __str__(self):
        return self.name


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    BOTH = "both", _("原件和复印件")


class Material(models.Model):
    """One material an item requires (申请材料), in the order the list shows them."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    sort = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("材料名称"), max_length=200)
    form = models.CharField(_("原件/复印件"), max_length=10, choices=MaterialForm.choices)
    count = models.PositiveSmallIntegerField(_("份数"), default=1)
    notes = models.CharField(_("说明"), max_length=300, blank=True)
    sample = models.CharField(_("样表"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["item", "sort", "id"]

    def __str__(self):
        return self.name


class WindowStatus(models.TextChoices):
    OPEN = "open", _("服务中")
    PAUSED = "paused", _("暂停")
    CLOSED = "closed", _("未开放")


class Window(models.Model):
    """A service window (窗口): its number on the hall's signs, the groups whose
    numbers it calls, the clerk on duty, and whether it is the pick-up window."""

    street = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("窗口号"))
    groups = models.ManyToManyField(WindowGroup, verbose_name=_("服务分组"), related_name="windows")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("值班人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=WindowStatus.choices, default=WindowStatus.CLOSED
    )
    is_pickup = models.BooleanField(_("统一出件窗口"), default=False)

    objects = StreetScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["street", "number"], name="hall_window_number")
        ]

    def __str__(self):
        return _("%(n)s号窗口") % {"n": self.number}


class Priority(models.TextChoices):
    NONE = "", _("普通")
    ELDERLY = "elderly", _("老年人")
    DISABLED = "disabled", _("残疾人")
    PREGNANT = "pregnant", _("孕妇")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    SERVING = "serving", _("办理中")
    DONE = "done", _("已办结")
    NO_SHOW = "no_show", _("过号")
    TRANSFERRED = "transferred", _("已转其他窗口")


class Ticket(models.Model):
    """A queue number (排队号) of one day: A001, A002… per group. The printed ticket's
    QR code carries a random token (only its digest is stored) that opens the live
    ticket page without login."""

    street = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(WindowGroup, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("日期"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("号码"), max_length=8)
    priority = models.CharField(
        _("优先"), max_length=10, choices=Priority.choices, default="", blank=True
    )
    item = models.ForeignKey(
        ServiceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    calls = models.PositiveSmallIntegerField(_("叫号次数"), default=0)
    window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transferred_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(_("取号时间"))
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始办理"), null=True, blank=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Kept when the number is called and when its service ends, so the supervision
    # page averages plain integers (date arithmetic is a function call per row on
    # SQLite: a year took seconds).
    wait_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    service_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = StreetScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        ordering = ["day", "group", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "day", "group", "seq"], name="hall_ticket_number"
            ),
            # one number at a window at a time
            models.UniqueConstraint(
                fields=["window"],
                condition=Q(status__in=["called", "serving"]),
                name="hall_ticket_one_current_per_window",
            ),
        ]
        indexes = [
            models.Index(fields=["street", "day", "status", "group", "seq"]),
            models.Index(fields=["street", "issued_at"]),
            models.Index(fields=["street", "day", "called_at"]),
        ]

    def __str__(self):
        return self.number


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    SUPPLEMENT = "supplement", _("待补正")
    FORWARDED = "forwarded", _("已转外部门")
    READY = "ready", _("已办结待取件")
    REJECTED = "rejected", _("不予批准")
    COLLECTED = "collected", _("已取件")


class Application(models.Model):
    """An application (办件): taken at the front desk from a ticket, decided by the
    back office by category, handed out at the pick-up window. The applicant's ID
    and phone are kept encrypted with a blind index and a masked copy; the applicant
    follows it through a token link."""

    street = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("办件编号"), max_length=32, unique=True)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="applications")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applicant_name = models.CharField(_("申请人"), max_length=50)
    id_cipher = models.TextField(blank=True, editable=False)
    id_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    id_masked = models.CharField(_("证件号码"), max_length=24, blank=True, editable=False)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    materials = models.JSONField(_("收取材料"), default=list)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.RECEIVED,
    )
    received_at = models.DateTimeField(_("受理时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("承诺办结时间"))
    paused_at = models.DateTimeField(_("补正开始"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("原因"), blank=True)
    forwarded_to = models.CharField(_("转办部门"), max_length=100, blank=True)
    collected_at = models.DateTimeField(_("取件时间"), null=True, blank=True)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    objects = StreetScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["street", "status", "due_at"]),
            models.Index(fields=["street", "received_at"]),
            models.Index(fields=["street", "item", "received_at"]),
        ]

    def __str__(self):
        return self.number


class ApplicationEvent(models.Model):
    """One line of an application's timeline (its moves through the transition table)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True, choices=ApplicationStatus.choices)
    to_status = models.CharField(max_length=12, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.application_id} {self.action}"


class Score(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASICALLY = 3, _("基本满意")
    NOT_SATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


class FollowUp(models.TextChoices):
    NONE = "", _("无需跟进")
    OPEN = "open", _("待跟进")
    DONE = "done", _("已跟进")


class Rating(models.Model):
    """An applicant's rating of one service (评价器 or the ticket link); not-satisfied
    ones become follow-up items for the hall's supervisor."""

    street = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    ticket = models.OneToOneField(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="rating"
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(ServiceItem, null=True, blank=True, on_delete=models.PROTECT)
    score = models.PositiveSmallIntegerField(_("评价"), choices=Score.choices)
    reason = models.CharField(_("不满意原因"), max_length=50, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField()
    follow_up = models.CharField(
        _("跟进"), max_length=8, choices=FollowUp.choices, default="", blank=True
    )
    follow_up_note = models.TextField(_("跟进情况"), blank=True)

    objects = StreetScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        indexes = [
            models.Index(fields=["street", "at"]),
            models.Index(fields=["street", "follow_up"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="hall_score_1_5")
        ]

    def __str__(self):
        return f"{self.get_score_display()} {self.at:%Y-%m-%d}"


class ApproverAssignment(models.Model):
    """What one approver of the back office approves (后台分类审批): a theme of the
    catalogue or a single item. An application goes to the approvers of its item or of
    its item's theme; while nobody holds either, to every approver of the street."""

    street = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人员"),
        on_delete=models.PROTECT,
        related_name="approver_assignments",
    )
    theme = models.CharField(_("主题"), max_length=20, choices=Theme.choices, blank=True)
    item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approver_assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StreetScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("审批分工")
        verbose_name_plural = _("审批分工")
        constraints = [
            models.CheckConstraint(
                condition=(Q(theme="") & Q(item__isnull=False))
                | (~Q(theme="") & Q(item__isnull=True)),
                name="hall_assignment_theme_or_item",
            ),
            models.UniqueConstraint(
                fields=["approver", "theme"],
                condition=Q(item__isnull=True),
                name="hall_assignment_theme_once",
            ),
            models.UniqueConstraint(
                fields=["approver", "item"],
                condition=Q(item__isnull=False),
                name="hall_assignment_item_once",
            ),
        ]
        indexes = [models.Index(fields=["street", "theme"])]

    def __str__(self):
        return f"{self.approver} {self.get_theme_display() or self.item}"
