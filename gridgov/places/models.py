"""The area tree: district → street → community → grid ("1 + 12 + 79").

One table for all four levels, because every level behaves alike (a code, a name, a
boundary, children) and everything else hangs from it by id.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import area_path_q


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

    @property
    def level_label(self) -> str:
        return Level(self.level).label
