"""Every write to the area tree: create, edit, import. Each is atomic and audited."""

import json
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.protect import protect
from gridgov.core.spreadsheets import ImportRejected, RowProblem, cell_text
from gridgov.places.codes import check_code, level_for_code
from gridgov.places.geometry import area_m2, lies_within, parse_boundary, to_geojson
from gridgov.places.models import CODE_LENGTH, PARENT_LEVEL, Area, Building, Dwelling, Level

AUDIT_FIELDS = ("level", "code", "name", "parent", "center_lon", "center_lat", "area_m2")


def _apply_boundary(area: Area, geojson, parent: Area | None) -> None:
    if geojson is None:
        area.boundary = None
        area.center_lon = area.center_lat = area.area_m2 = None
        return
    geom = parse_boundary(geojson)
    if (
        parent is not None
        and parent.boundary
        and not lies_within(geom, parse_boundary(parent.boundary))
    ):
        raise ActionError(
            _("边界超出了上级 %(parent)s 的范围。") % {"parent": parent.name}, "boundary"
        )
    point = geom.representative_point()
    area.boundary = to_geojson(geom)
    area.center_lon, area.center_lat = round(point.x, 6), round(point.y, 6)
    area.area_m2 = round(area_m2(geom), 1)


def _check_name(name) -> str:
    name = str(name if name is not None else "").strip()
    if not name:
        raise ActionError(_("请填写名称。"), "name")
    if len(name) > 50:
        raise ActionError(_("名称不能超过 50 个字。"), "name")
    return name


def _check_parent_visible(actor, parent: Area | None) -> None:
    if parent is not None and not Area.objects.visible_to(actor).filter(pk=parent.pk).exists():
        raise ActionError(_("上级区域不存在。"), "parent", status=404)


def create_area(actor, *, code: str, name: str, parent: Area | None, boundary=None) -> Area:
    check_capability(actor, "areas.manage")
    code = (code or "").strip()
    level = level_for_code(code)
    if level is None:
        raise ActionError(_("代码必须是 6、9、12 或 15 位数字。"), "code")
    if parent is None and level != Level.DISTRICT:
        raise ActionError(_("请选择上级区域。"), "parent")
    if parent is not None:
        _check_parent_visible(actor, parent)
    elif not actor.has_capability("areas.manage_top"):
        raise ActionError(_("只有系统管理员可以新建区。"), "parent", status=403)
    check_code(code, level, parent)
    area = Area(level=level, code=code, name=_check_name(name), parent=parent)
    area.path = f"{parent.path if parent else ''}{code}/"
    _apply_boundary(area, boundary, parent)
    with transaction.atomic():
        if Area.objects.filter(code=code).exists():
            raise ActionError(_("代码 %(code)s 已经存在。") % {"code": code}, "code", status=409)
        area.save()
        audit.record(actor, "area.create", area, after=audit.snapshot(area, AUDIT_FIELDS))
    return area


def update_area(actor, area: Area, *, name: str | None = None, boundary=...) -> Area:
    """Rename an area or redraw its boundary (`boundary=None` clears it). Codes never change."""
    check_capability(actor, "areas.manage")
    if not Area.objects.visible_to(actor).filter(pk=area.pk).exists():
        raise ActionError(_("区域不存在。"), status=404)
    before = audit.snapshot(area, AUDIT_FIELDS)
    # Check everything before changing `area`: a refused edit leaves the caller's object
    # as stored.
    new_name = _check_name(name) if name is not None else area.name
    if boundary is not ...:
        probe = Area(pk=area.pk)
        _apply_boundary(probe, boundary, area.parent)
        _check_children_inside(probe)
        area.boundary, area.area_m2 = probe.boundary, probe.area_m2
        area.center_lon, area.center_lat = probe.center_lon, probe.center_lat
    area.name = new_name
    with transaction.atomic():
        area.save()
        audit.record(
            actor, "area.update", area, before=before, after=audit.snapshot(area, AUDIT_FIELDS)
        )
    return area


def _check_children_inside(area: Area) -> None:
    if not area.boundary:
        return
    geom = parse_boundary(area.boundary)
    for child in area.children.filter(boundary__isnull=False).only("name", "boundary"):
        if not lies_within(parse_boundary(child.boundary), geom):
            raise ActionError(
                _("下级 %(child)s 的边界会超出新边界。") % {"child": child.name}, "boundary"
            )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    # Rows identical to what is stored: neither saved nor audited, so importing the
    # same file twice leaves no trace but the counts.
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def _cell_text(value) -> str:
    """A code in a GeoJSON property may arrive as a number; "440105.0" is still 440105
    (sheets' rows are read so already)."""
    return cell_text(int(value) if isinstance(value, float) and value.is_integer() else value)


def _row_boundary(value):
    """A boundary cell: a GeoJSON dict, GeoJSON text, or empty (None)."""
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise ActionError(_("边界不是有效的 GeoJSON 文本。"), "boundary") from None
    return value


@dataclass
class _Planned:
    area: Area
    is_new: bool
    before: dict | None = None
    before_boundary: dict | None = None


class _ImportPlan:
    """Checks the rows of one import, in parent-before-child order, without writing.

    `by_code` holds every area a later row may name as its parent: the stored areas the
    actor can see, updated in memory by earlier rows, plus the new ones planned so far.
    """

    def __init__(self, actor, rows: list[dict]):
        self.actor = actor
        self.known = {a.code: a for a in Area.objects.visible_to(actor).select_related("parent")}
        self.by_code: dict[str, Area] = dict(self.known)
        self.taken = self._codes_taken_elsewhere({_cell_text(r.get("code")) for r in rows})
        self.lines: dict[str, int] = {}
        self.bad_codes: set[str] = set()
        self.planned: list[_Planned] = []
        self.problems: list[RowProblem] = []

    def _codes_taken_elsewhere(self, codes: set[str]) -> set[str]:
        """Codes in the file already used by areas outside the actor's scope."""
        wanted = sorted(codes - self.known.keys())
        taken: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            taken.update(Area.objects.filter(code__in=chunk).values_list("code", flat=True))
        return taken

    def add(self, row: dict) -> None:
        code = _cell_text(row.get("code"))
        try:
            self._add(row, code)
        except ActionError as exc:
            if self.lines.get(code) == row["row"]:
                # This row owns the code (a duplicate does not): its children can't import.
                self.bad_codes.add(code)
            # The shared checks name the form field "parent"; a file's column is parent_code.
            column = "parent_code" if exc.field == "parent" else exc.field or ""
            self.problems.append(RowProblem(row["row"], column, "", str(exc.message)))

    def _parent_for(self, code: str, level: Level, given: str, existing: Area | None):
        parent_level = PARENT_LEVEL[level]
        parent_code = given or (code[: CODE_LENGTH[parent_level]] if parent_level else "")
        if not parent_code:
            return None
        if parent_code in self.bad_codes:
            raise ActionError(
                _("上级 %(code)s 所在的行有错误。") % {"code": parent_code}, "parent_code"
            )
        parent = self.by_code.get(parent_code)
        stored_parent = existing.parent if existing is not None else None
        if parent is None and stored_parent is not None and stored_parent.code == parent_code:
            # The actor's own top area: its parent lies outside their scope but is known.
            parent = stored_parent
        if parent is None:
            raise ActionError(_("上级 %(code)s 不存在。") % {"code": parent_code}, "parent_code")
        return parent

    def _add(self, row: dict, code: str) -> None:
        level = level_for_code(code)
        if level is None:
            raise ActionError(_("代码必须是 6、9、12 或 15 位数字。"), "code")
        if code in self.lines:
            raise ActionError(_("与第 %(n)d 行代码重复。") % {"n": self.lines[code]}, "code")
        self.lines[code] = row["row"]
        existing = self.known.get(code)
        if existing is None and code in self.taken:
            raise ActionError(_("代码 %(code)s 已被范围外的区域使用。") % {"code": code}, "code")
        parent = self._parent_for(code, level, _cell_text(row.get("parent_code")), existing)
        if parent is None and level != Level.DISTRICT:
            raise ActionError(_("缺少上级区域。"), "parent_code")
        if (
            existing is None
            and parent is None
            and not self.actor.has_capability("areas.manage_top")
        ):
            raise ActionError(_("只有系统管理员可以新建区。"), "code")
        check_code(code, level, parent)
        name = _check_name(row.get("name"))
        boundary = _row_boundary(row.get("boundary"))
        if existing is not None and boundary is None:
            boundary = existing.boundary  # an empty cell keeps the stored boundary
        if existing is None:
            planned = _Planned(Area(level=level, code=code, parent=parent), is_new=True)
        else:
            planned = _Planned(
                existing,
                is_new=False,
                before=audit.snapshot(existing, AUDIT_FIELDS),
                before_boundary=existing.boundary,
            )
        area = planned.area
        # Check the boundary before touching the area: a stored area stays as it was.
        probe = Area(boundary=area.boundary)
        _apply_boundary(probe, boundary, parent)
        area.name = name
        area.path = f"{parent.path if parent else ''}{code}/"
        area.boundary, area.area_m2 = probe.boundary, probe.area_m2
        area.center_lon, area.center_lat = probe.center_lon, probe.center_lat
        self.by_code[code] = area
        self.planned.append(planned)

    def check_stored_children(self) -> None:
        """A redrawn boundary must still hold the stored children the file leaves out
        (children in the file were checked against the new boundary already)."""
        for planned in self.planned:
            area = planned.area
            if planned.is_new or not area.boundary or area.boundary == planned.before_boundary:
                continue
            try:
                geom = parse_boundary(area.boundary)
                for child in area.children.filter(boundary__isnull=False).only(
                    "code", "name", "boundary"
                ):
                    if child.code not in self.lines and not lies_within(
                        parse_boundary(child.boundary), geom
                    ):
                        raise ActionError(
                            _("下级 %(child)s 的边界会超出新边界。") % {"child": child.name},
                            "boundary",
                        )
            except ActionError as exc:
                self.problems.append(
                    RowProblem(self.lines[area.code], exc.field or "", "", str(exc.message))
                )


def import_areas(actor, rows: list[dict]) -> ImportResult:
    """Create or update areas from rows {row, code, name, boundary, parent_code?}.

    The whole file is checked first — codes, names, parents (in the file or already
    stored), boundaries inside their parents, stored children inside redrawn
    boundaries — and nothing is written unless every row is right. Rows may come in any
    order; parents are resolved before children. An empty boundary keeps the stored
    one; a row equal to what is stored is counted as unchanged and not written.
    """
    check_capability(actor, "areas.manage")
    plan = _ImportPlan(actor, rows)
    for row in sorted(rows, key=lambda r: len(_cell_text(r.get("code")))):
        plan.add(row)
    if not plan.problems:
        plan.check_stored_children()
    if plan.problems:
        raise ImportRejected(sorted(plan.problems, key=lambda p: (p.row, p.column)))
    result = ImportResult()
    try:
        with transaction.atomic():
            for planned in plan.planned:
                _save_planned(actor, planned, result)
    except IntegrityError:
        # Another import or edit took one of the codes between the check and the write.
        raise ActionError(_("有区域代码刚被占用，请重新导入。"), status=409) from None
    return result


def _save_planned(actor, planned: _Planned, result: ImportResult) -> None:
    area = planned.area
    unchanged = (
        not planned.is_new
        and area.boundary == planned.before_boundary
        and audit.snapshot(area, AUDIT_FIELDS) == planned.before
    )
    if unchanged:
        result.unchanged += 1
        return
    # A new parent saved earlier in this loop gives its id to the child at save().
    area.save()
    after = audit.snapshot(area, AUDIT_FIELDS)
    audit.record(actor, "area.import", area, before=planned.before, after=after)
    if planned.is_new:
        result.created += 1
    else:
        result.updated += 1


BUILDING_FIELDS = ("code", "name", "address", "lon", "lat", "floors", "use", "grid")
DWELLING_FIELDS = ("building", "unit", "room", "use", "area_m2", "owner_name", "is_rental")


def _grid_in_scope(actor, grid: Area | None, lon: float, lat: float) -> Area:
    from gridgov.places.locate import grid_at

    grid = grid or grid_at(lon, lat)
    if grid is None:
        raise ActionError(_("该位置不在任何网格内，请检查经纬度或指定网格。"), "lon")
    if not Area.objects.visible_to(actor).filter(pk=grid.pk, level=Level.GRID).exists():
        raise ActionError(_("网格不存在或不在您的管辖范围内。"), "grid", 404)
    return grid


def create_building(actor, values: dict, grid: Area | None = None) -> Building:
    """A building at a point; its grid is the one containing the point unless given."""
    check_capability(actor, "people.edit")
    grid = _grid_in_scope(actor, grid, values["lon"], values["lat"])
    head_phone = protect(values.get("head_phone"), "phone")
    building = Building(
        **{k: values[k] for k in ("code", "name", "address", "lon", "lat", "use")},
        floors=values.get("floors") or 1,
        property_company=values.get("property_company", ""),
        head_name=values.get("head_name", ""),
        head_phone_cipher=head_phone.cipher,
        head_phone_masked=head_phone.masked,
    )
    building.place_in(grid)
    try:
        with transaction.atomic():
            building.save()
            audit.record(
                actor, "building.create", building, after=audit.snapshot(building, BUILDING_FIELDS)
            )
    except IntegrityError:
        raise ActionError(
            _("楼宇编码 %(code)s 已存在。") % {"code": values["code"]}, "code", 409
        ) from None
    return building


def create_dwelling(actor, building: Building, values: dict) -> Dwelling:
    check_capability(actor, "people.edit")
    if not Building.objects.visible_to(actor).filter(pk=building.pk).exists():
        raise ActionError(_("楼宇不存在。"), "building_code", 404)
    fields = (
        "unit",
        "room",
        "use",
        "area_m2",
        "owner_name",
        "is_rental",
        "landlord_name",
        "lease_start",
        "lease_end",
        "occupancy_cap",
        "fire_checked_on",
        "fire_check_passed",
    )
    dwelling = Dwelling(building=building, **{k: values[k] for k in fields if k in values})
    dwelling.place_like(building)
    try:
        with transaction.atomic():
            dwelling.save()
            audit.record(
                actor, "dwelling.create", dwelling, after=audit.snapshot(dwelling, DWELLING_FIELDS)
            )
    except IntegrityError:
        raise ActionError(_("该楼宇已有这个房号。"), "room", 409) from None
    return dwelling
