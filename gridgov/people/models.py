"""Households, residents, organizations and focus groups: "people into households,
households into dwellings" (人进户、户进房). Every record carries its grid, community
and street ids (places.InGrid) for the scope rule; nothing here is ever deleted —
moving out or dying is a status with a date.

ID and phone numbers are stored encrypted with a blind index and a masked copy
(core.protect); the clear value exists only inside `reveal`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.people.choices import (
    ETHNICITY_CHOICES,
    Education,
    FireSafetyLevel,
    HouseholdKind,
    IdType,
    OrganizationKind,
    Registration,
    Relation,
    ResidentStatus,
    Sensitivity,
    Sex,
)
from gridgov.places.models import Building, Dwelling, InGrid


class Household(InGrid):
    """A household (户), the unit of the household file (一户一档). Several households
    may share a dwelling (a landlord family and tenants)."""

    follows = "dwelling"

    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="households"
    )
    number = models.CharField(_("户号"), max_length=32, unique=True)
    kind = models.CharField(_("户别"), max_length=12, choices=HouseholdKind.choices)
    head = models.ForeignKey(
        "Resident",
        verbose_name=_("户主"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    member_count = models.PositiveSmallIntegerField(_("在住人数"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering = ["number"]
        indexes = [
            models.Index(fields=["grid", "number"]),
            models.Index(fields=["community", "number"]),
            models.Index(fields=["street", "number"]),
        ]

    def __str__(self):
        return self.number


class Resident(InGrid):
    """A resident (实有人口): registered, floating or overseas, living here or not."""

    follows = "household"

    household = models.ForeignKey(
        Household, verbose_name=_("住户"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=50)
    # For search: "zhangsan" and "zs" find 张三 (pypinyin, computed at write).
    name_pinyin = models.CharField(max_length=200, editable=False)
    name_initials = models.CharField(max_length=50, editable=False)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices)
    id_cipher = models.TextField(blank=True, editable=False)
    id_index = models.CharField(max_length=40, blank=True, editable=False)
    id_masked = models.CharField(_("证件号码"), max_length=32, blank=True, editable=False)
    sex = models.CharField(_("性别"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=2, choices=ETHNICITY_CHOICES, default="01")
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    registration = models.CharField(_("人口类型"), max_length=12, choices=Registration.choices)
    origin = models.CharField(_("户籍地/来源地"), max_length=100, blank=True)
    arrival_date = models.DateField(_("来穗日期"), null=True, blank=True)
    permit_number = models.CharField(_("居住证号"), max_length=32, blank=True)
    permit_expiry = models.DateField(_("居住证有效期至"), null=True, blank=True)
    education = models.CharField(
        _("文化程度"), max_length=16, choices=Education.choices, blank=True
    )
    occupation = models.CharField(_("职业"), max_length=50, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ResidentStatus.choices, default=ResidentStatus.LIVING
    )
    status_date = models.DateField(_("状态日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["household", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_index"],
                condition=~models.Q(id_index=""),
                name="resident_unique_id_number",
            ),
        ]
        indexes = [
            # The unique constraint above is partial, which SQLite will not use for a plain
            # `id_index = ?` lookup; this one serves every exact ID search.
            models.Index(fields=["id_index"]),
            models.Index(fields=["street", "name_initials"]),
            models.Index(fields=["street", "name_pinyin"]),
            models.Index(fields=["street", "name"]),
            models.Index(fields=["community", "name"]),
            models.Index(fields=["grid", "name"]),
            models.Index(fields=["grid", "status"]),
            models.Index(fields=["street", "registration", "status"]),
        ]

    def __str__(self):
        return self.name


class FocusGroup(models.Model):
    """A focus group (重点人群): elderly living alone, disabled, low-income, …

    `sensitivity` decides who sees the tag: sensitive groups (disability, low income,
    community correction — PIPL sensitive data) only to the roles in `visible_roles`.
    """

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sensitivity = models.CharField(_("敏感程度"), max_length=10, choices=Sensitivity.choices)
    visible_roles = models.JSONField(_("可见角色"), default=list, blank=True)
    detail_fields = models.JSONField(
        _("附加信息项"), default=list, blank=True, help_text=_("如残疾证号、残疾类别、等级")
    )
    sort = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("重点人群")
        verbose_name_plural = _("重点人群")
        ordering = ["sort", "code"]

    def __str__(self):
        return self.name

    def is_visible_to(self, user) -> bool:
        """The one rule for who sees a group's tag: the listed roles if any; otherwise
        everyone who sees residents — unless the group is sensitive, which with no
        roles listed stays hidden from all (fail safe)."""
        if self.visible_roles:
            return user.has_role(*self.visible_roles)
        return self.sensitivity != Sensitivity.SENSITIVE


class FocusMembership(InGrid):
    """A resident's membership of a focus group, with its details (certificate no., …)."""

    follows = "resident"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="focus")
    group = models.ForeignKey(FocusGroup, on_delete=models.PROTECT, related_name="memberships")
    details = models.JSONField(_("附加信息"), default=dict, blank=True)
    since = models.DateField(_("认定日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("重点人群标记")
        verbose_name_plural = _("重点人群标记")
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "group"],
                condition=models.Q(ended_on__isnull=True),
                name="focus_once_per_group",
            )
        ]
        indexes = [models.Index(fields=["group", "street"]), models.Index(fields=["group", "grid"])]


class Organization(InGrid):
    """An organization (单位): employers, shops, schools, agencies at an address."""

    follows = "building"

    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=OrganizationKind.choices)
    building = models.ForeignKey(
        Building, verbose_name=_("楼宇"), on_delete=models.PROTECT, related_name="organizations"
    )
    dwelling = models.ForeignKey(
        Dwelling,
        verbose_name=_("房屋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    address = models.CharField(_("地址"), max_length=200)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone_cipher = models.TextField(blank=True, editable=False)
    contact_phone_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    contact_phone_masked = models.CharField(
        _("联系电话"), max_length=20, blank=True, editable=False
    )
    employees = models.PositiveIntegerField(_("从业人数"), default=0)
    is_key_unit = models.BooleanField(_("重点单位"), default=False)
    fire_safety_level = models.CharField(
        _("消防等级"),
        max_length=10,
        choices=FireSafetyLevel.choices,
        default=FireSafetyLevel.GENERAL,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="organization_unique_credit_code",
            )
        ]
        indexes = [models.Index(fields=["street", "name"]), models.Index(fields=["grid", "name"])]

    def __str__(self):
        return self.name


class HouseholdEventKind(models.TextChoices):
    CREATED = "created", _("建档")
    MOVED_IN = "moved_in", _("迁入")
    MOVED_OUT = "moved_out", _("迁出")
    DECEASED = "deceased", _("死亡")
    MOVED_DWELLING = "moved_dwelling", _("搬迁")
    FOCUS_CHANGED = "focus_changed", _("重点人群变更")
    UPDATED = "updated", _("信息变更")


class HouseholdEvent(InGrid):
    """One line of a household's history: who moved in or out, when, by whom."""

    follows = "household"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="events")
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=16, choices=HouseholdEventKind.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    happened_on = models.DateField(_("发生日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("住户变动记录")
        verbose_name_plural = _("住户变动记录")
        ordering = ["-happened_on", "-id"]
