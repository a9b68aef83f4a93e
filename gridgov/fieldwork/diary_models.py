"""The community-conditions diary (民情日志, 民情一日一记): one entry per grid worker per
working day, its structured items, the mediation a dispute opens, and the comments of
the community staff who read it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.cases.models import Case
from gridgov.core.scope import scope_q
from gridgov.fieldwork.choices import DiaryItemKind, MediationState
from gridgov.fieldwork.fields import client_id_field, worker_field
from gridgov.people.models import Household
from gridgov.places.models import Building, InGrid


class DiaryEntry(InGrid):
    """A grid worker's diary entry for one day, in the grid they work. One per worker
    and day (a database constraint): asking for the day's entry again gives the same
    one. A working day without one is a missing day (`fieldwork.queries`)."""

    worker = worker_field(_("网格员"))
    day = models.DateField(_("日期"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("民情日志")
        verbose_name_plural = _("民情日志")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "day"], name="diary_one_entry_per_day")
        ]
        indexes = [
            models.Index(fields=["grid", "day"], name="diary_grid_day"),
            models.Index(fields=["community", "day"], name="diary_community_day"),
            models.Index(fields=["street", "day"], name="diary_street_day"),
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.worker_id}"


class DiaryItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Items of the entries the user may see (an item has its entry's place)."""
        return self.filter(scope_q(user, "entry__"))


class DiaryItem(models.Model):
    """One structured line of a diary entry: an opinion, a dispute, a request, a safety
    hazard, a good deed… optionally tied to households and buildings, and to the case
    or request it became (`Request.diary_item`)."""

    entry = models.ForeignKey(DiaryEntry, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("类别"), max_length=12, choices=DiaryItemKind.choices)
    text = models.TextField(_("内容"))
    households = models.ManyToManyField(
        Household, verbose_name=_("相关住户"), blank=True, related_name="+"
    )
    buildings = models.ManyToManyField(
        Building, verbose_name=_("相关楼宇"), blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("转为案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    client_id = client_id_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DiaryItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("日志条目")
        verbose_name_plural = _("日志条目")
        ordering = ["entry", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.text[:20]}"


class Mediation(InGrid):
    """The mediation record a conflict or dispute item opens (矛盾纠纷调解): the parties,
    the mediator, the outcome and where it stands. It keeps its entry's place."""

    item = models.OneToOneField(
        DiaryItem, verbose_name=_("日志条目"), on_delete=models.PROTECT, related_name="mediation"
    )
    parties = models.CharField(_("当事人"), max_length=200, blank=True)
    mediator = models.CharField(_("调解人"), max_length=50, blank=True)
    outcome = models.TextField(_("调解结果"), blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=MediationState.choices, default=MediationState.OPEN
    )
    opened_at = models.DateTimeField(_("开始时间"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("矛盾纠纷调解")
        verbose_name_plural = _("矛盾纠纷调解")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["grid", "state"], name="mediation_grid_state"),
            models.Index(fields=["community", "state"], name="mediation_community_state"),
        ]

    def __str__(self):
        return f"{self.get_state_display()} {self.parties}"


class DiaryCommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_q(user, "entry__"))


class DiaryComment(models.Model):
    """Community staff's comment on a grid worker's diary entry (批阅)."""

    entry = models.ForeignKey(DiaryEntry, on_delete=models.PROTECT, related_name="comments")
    author = worker_field(_("批阅人"))
    text = models.CharField(_("批阅意见"), max_length=500)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = DiaryCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("日志批阅")
        verbose_name_plural = _("日志批阅")
        ordering = ["entry", "id"]

    def __str__(self):
        return self.text[:20]
