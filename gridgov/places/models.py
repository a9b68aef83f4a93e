"""The area tree: district → street → community → grid ("1 + 12 + 79").

One table for all four levels, because every level behaves alike (a code, a name, a
boundary, children) and everything else hangs from it by id.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedQuerySet, area_path_q


class Level(models.TextChoices):
    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")


# GB/T 2260 + GB/T 10114: 6 digits a district, 9 a street, 12 a community; a grid
# adds a 3-digit sequence to its community's code.
CODE_LENGTH = {Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}
PARENT_LEVEL = {
    Level.DISTRICT: None,
    Level.STREET: Level.DISTRICT,
    Level.COMMUNITY: Level.STREET,
    Level.GRID: Level.COMMUNITY,
}
CHILD_LEVEL = {parent: child for child, parent in PARENT_LEVEL.items() if parent}


class AreaQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Areas inside the subtrees of the user's assignments (areas hold no personal
        data; what the user sees *in* them is scoped again by each record)."""
        return self.filter(area_path_q(user))

    def without_boundary(self):
        """Boundaries are large JSON documents: lists and counts leave them in the database."""
        return self.defer("boundary")

    def subtree(self, area):
        return self.filter(path__startswith=area.path)

    def current(self):
        """Areas in use: without the grids a new grid layout retired. Every count of
        areas starts here; retired grids are reached through the layout history."""
        return self.filter(retired_on__isnull=True)

    def with_child_counts(self):
        """Each area with `n_children`, the number of its current children."""
        return self.annotate(
            n_children=models.Count(
                "children", filter=models.Q(children__retired_on__isnull=True), distinct=True
            )
        )


class Area(models.Model):
    """A district, street, community or grid, with its official code and boundary.

    `path` is the materialised path of codes ("440105/440105008/…/"), so a subtree is
    one indexed prefix filter. Codes never change once given: other records and
    documents quote them.
    """

    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    code = models.CharField(_("代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=64, unique=True, editable=False)
    boundary = models.JSONField(
        _("边界"), null=True, blank=True, help_text=_("GeoJSON，WGS84 经纬度")
    )
    center_lon = models.FloatField(_("中心经度"), null=True, blank=True)
    center_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    area_m2 = models.FloatField(_("面积（平方米）"), null=True, blank=True)
    # A grid dropped by a new grid layout: kept (cases and assignments quote it), with
    # no boundary; its old boundary lives on in the layout history (GridLayout).
    retired_on = models.DateField(_("撤销日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"]), models.Index(fields=["level", "code"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=Level.values), name="area_level_known"
            ),
            models.CheckConstraint(
                condition=models.Q(level=Level.DISTRICT, parent__isnull=True)
                | models.Q(parent__isnull=False),
                name="area_parent_unless_district",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def ancestors_codes(self) -> list[str]:
        return [code for code in self.path.split("/") if code][:-1]


class InGrid(models.Model):
    """Base of every record that belongs to a grid: it carries the ids of its grid,
    community and street, copied from the grid at save, so the scope rule is a plain
    indexed filter (`visible_to(user)`) with no joins.

    `follows` names the foreign key whose grid a record shares ("户进房、房进楼"):
    when a new grid layout moves a building, every record that follows it, directly
    or through a chain of such keys, moves with it. Records that keep the grid they
    were made in (a case, a position) leave it None; `located` records (a camera)
    are placed again by their point.
    """

    follows: str | None = None
    located = False

    grid = models.ForeignKey(
        Area, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", editable=False)
    street = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def place(self) -> tuple[int, int, int]:
        """(grid, community, street) ids: what the scope rule filters on."""
        return (self.grid_id, self.community_id, self.street_id)

    def place_like(self, other: "InGrid") -> None:
        """Put this record where `other` is (a resident where its household is)."""
        self.grid_id, self.community_id, self.street_id = other.place

    def place_in(self, grid: "Area") -> None:
        """Put the record in `grid` (whose parent path must be loaded) and copy the ids."""
        if grid.level != Level.GRID:
            raise ValueError(f"{grid} is not a grid")
        codes = grid.ancestors_codes()
        self.grid = grid
        self.community_id, self.street_id = _area_ids(codes[-1], codes[-2])


def move_to_place(queryset, place: tuple[int, int, int]) -> None:
    """Move every record of an InGrid queryset to a (grid, community, street) place."""
    queryset.update(grid_id=place[0], community_id=place[1], street_id=place[2])


def _area_ids(community_code: str, street_code: str) -> tuple[int, int]:
    ids = dict(
        Area.objects.filter(code__in=[community_code, street_code]).values_list("code", "id")
    )
    return ids[community_code], ids[street_code]


class BuildingUse(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    COMMERCIAL = "commercial", _("商业")
    OFFICE = "office", _("办公")
    MIXED = "mixed", _("商住混合")
    PUBLIC = "public", _("公共设施")
    INDUSTRIAL = "industrial", _("工业仓储")


class Building(InGrid):
    """A building (楼宇): the unit that ties dwellings to a grid ("房进楼、楼进格")."""

    code = models.CharField(_("楼宇编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    footprint = models.JSONField(_("占地轮廓"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("层数"), default=1)
    use = models.CharField(_("用途"), max_length=20, choices=BuildingUse.choices)
    property_company = models.CharField(_("物业公司"), max_length=100, blank=True)
    head_name = models.CharField(_("楼长"), max_length=50, blank=True)
    head_phone_cipher = models.TextField(blank=True, editable=False)
    head_phone_masked = models.CharField(_("楼长电话"), max_length=20, blank=True, editable=False)
    household_count = models.PositiveIntegerField(_("户数"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("楼宇")
        verbose_name_plural = _("楼宇")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["grid", "code"]),
            models.Index(fields=["community", "code"]),
            models.Index(fields=["street", "code"]),
            models.Index(fields=["address"]),
        ]

    def __str__(self):
        return self.name


class DwellingUse(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    COMMERCIAL = "commercial", _("商铺")
    OFFICE = "office", _("办公")
    MIXED = "mixed", _("商住两用")
    VACANT = "vacant", _("空置")


class Dwelling(InGrid):
    """A dwelling (房屋): one unit of a building, residential or not, possibly rented."""

    follows = "building"

    building = models.ForeignKey(
        Building, verbose_name=_("楼宇"), on_delete=models.PROTECT, related_name="dwellings"
    )
    unit = models.CharField(_("单元"), max_length=10, blank=True)
    room = models.CharField(_("房号"), max_length=20)
    use = models.CharField(_("用途"), max_length=20, choices=DwellingUse.choices)
    area_m2 = models.DecimalField(
        _("面积（平方米）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    owner_name = models.CharField(_("产权人"), max_length=100, blank=True)
    is_rental = models.BooleanField(_("出租屋"), default=False)
    landlord_name = models.CharField(_("房东"), max_length=50, blank=True)
    lease_start = models.DateField(_("租赁开始"), null=True, blank=True)
    lease_end = models.DateField(_("租赁结束"), null=True, blank=True)
    occupancy_cap = models.PositiveSmallIntegerField(_("限住人数"), null=True, blank=True)
    fire_checked_on = models.DateField(_("消防检查日期"), null=True, blank=True)
    fire_check_passed = models.BooleanField(_("消防检查合格"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        ordering = ["building", "unit", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "room"], name="dwelling_unique_room"
            ),
            models.CheckConstraint(
                condition=models.Q(lease_end__isnull=True)
                | models.Q(lease_start__isnull=True)
                | models.Q(lease_end__gte=models.F("lease_start")),
                name="dwelling_lease_in_order",
            ),
        ]
        indexes = [models.Index(fields=["grid", "building"])]

    def __str__(self):
        unit = f"{self.unit}单元" if self.unit else ""
        return f"{self.building.name}{unit}{self.room}"


class LayoutStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审方案")
    APPLIED = "applied", _("现行")
    SUPERSEDED = "superseded", _("历史")
    DISCARDED = "discarded", _("已放弃")


class LayoutMethod(models.TextChoices):
    FRESH = "fresh", _("重新划分")
    WARM = "warm", _("在现行基础上调整")
    RECORDED = "recorded", _("划分前的原有网格")


class GridLayoutQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Layouts of the communities inside the user's area subtrees."""
        return self.filter(community__in=Area.objects.visible_to(user))


class GridLayout(models.Model):
    """A grid layout of one community: its grids' boundaries and which grid each
    building is in, as proposed by the partition, applied from a date, or kept as
    history once a newer one is applied (the grids' shapes of any past date).

    `basis` is a digest of the buildings, households and grids the proposal was
    computed from: applying refuses a proposal whose basis no longer holds.
    """

    community = models.ForeignKey(
        Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="grid_layouts"
    )
    status = models.CharField(_("状态"), max_length=12, choices=LayoutStatus.choices)
    method = models.CharField(_("方式"), max_length=10, choices=LayoutMethod.choices)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    target = models.PositiveIntegerField(_("目标户数"), default=250)
    tolerance = models.FloatField(_("允许偏差"), default=0.2)
    grids = models.JSONField(_("网格"), default=list)
    assignment = models.JSONField(_("楼宇归属"), default=dict)
    moves = models.JSONField(_("调整的楼宇"), default=list)
    report = models.JSONField(_("校验报告"), default=dict)
    basis = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    objects = GridLayoutQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格划分方案")
        verbose_name_plural = _("网格划分方案")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=LayoutStatus.values), name="layout_status_known"
            ),
            models.UniqueConstraint(
                fields=["community"],
                condition=models.Q(status="applied"),
                name="layout_one_applied_per_community",
            ),
        ]

    def __str__(self):
        return f"{self.community.name} {self.get_status_display()} #{self.pk}"
