"""Every write to the area tree: create, edit, import. Each is atomic and audited."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.places.geometry import area_m2, lies_within, parse_boundary, to_geojson
from gridgov.places.models import CODE_LENGTH, PARENT_LEVEL, Area, Level

AUDIT_FIELDS = ("level", "code", "name", "parent", "center_lon", "center_lat", "area_m2")


def level_for_code(code: str) -> Level | None:
    return next((level for level, length in CODE_LENGTH.items() if length == len(code)), None)


def check_code(code: str, level: Level, parent: Area | None) -> None:
    """A code has its level's length, is all digits, and extends its parent's code."""
    if not code.isdigit() or len(code) != CODE_LENGTH[level]:
        raise ActionError(
            _("%(level)s代码必须是 %(n)d 位数字。") % {"level": level.label, "n": CODE_LENGTH[level]},
            "code",
        )
    expected_parent = PARENT_LEVEL[level]
    if expected_parent is None:
        if parent is not None:
            raise ActionError(_("区是最高一级，不能有上级。"), "parent")
        return
    if parent is None or parent.level != expected_parent:
        raise ActionError(
            _("%(level)s的上级必须是%(parent)s。")
            % {"level": level.label, "parent": expected_parent.label},
            "parent",
        )
    if not code.startswith(parent.code):
        raise ActionError(
            _("代码 %(code)s 必须以上级代码 %(parent)s 开头。") % {"code": code, "parent": parent.code},
            "code",
        )


def _apply_boundary(area: Area, geojson, parent: Area | None) -> None:
    if geojson is None:
        area.boundary = None
        area.center_lon = area.center_lat = area.area_m2 = None
        return
    geom = parse_boundary(geojson)
    if parent is not None and parent.boundary and not lies_within(geom, parse_boundary(parent.boundary)):
        raise ActionError(_("边界超出了上级 %(parent)s 的范围。") % {"parent": parent.name}, "boundary")
    point = geom.representative_point()
    area.boundary = to_geojson(geom)
    area.center_lon, area.center_lat = round(point.x, 6), round(point.y, 6)
    area.area_m2 = round(area_m2(geom), 1)


def _check_name(name: str) -> str:
    name = (name or "").strip()
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
    if name is not None:
        area.name = _check_name(name)
    if boundary is not ...:
        _apply_boundary(area, boundary, area.parent)
        _check_children_inside(area)
    with transaction.atomic():
        area.save()
        audit.record(actor, "area.update", area, before=before, after=audit.snapshot(area, AUDIT_FIELDS))
    return area


def _check_children_inside(area: Area) -> None:
    if not area.boundary:
        return
    geom = parse_boundary(area.boundary)
    for child in area.children.exclude(boundary=None).only("name", "boundary"):
        if not lies_within(parse_boundary(child.boundary), geom):
            raise ActionError(
                _("下级 %(child)s 的边界会超出新边界。") % {"child": child.name}, "boundary"
            )


@dataclass
class ImportProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


class ImportRejected(ActionError):
    """An import with any bad row: nothing was written; `problems` says row by row."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__(_("导入文件有 %(n)d 处错误，未写入任何数据。") % {"n": len(problems)})
        self.problems = problems


def import_areas(actor, rows: list[dict]) -> ImportResult:
    """Create or update areas from rows {row, code, name, boundary, parent_code?}.

    The whole file is checked first — codes, names, parents (in the file or already
    stored), boundaries inside their parents — and nothing is written unless every row
    is right. Rows may come in any order; parents are resolved before children.
    """
    check_capability(actor, "areas.manage")
    problems: list[ImportProblem] = []
    known = {a.code: a for a in Area.objects.visible_to(actor)}
    codes_in_file: dict[str, int] = {}
    planned: list[tuple[dict, Area, bool]] = []
    by_code: dict[str, Area] = dict(known)

    for row in sorted(rows, key=lambda r: len(str(r.get("code") or ""))):
        line = row["row"]
        code = str(row.get("code") or "").strip()
        try:
            level = level_for_code(code)
            if level is None:
                raise ActionError(_("代码必须是 6、9、12 或 15 位数字。"), "code")
            if code in codes_in_file:
                raise ActionError(_("与第 %(n)d 行代码重复。") % {"n": codes_in_file[code]}, "code")
            codes_in_file[code] = line
            parent_code = str(row.get("parent_code") or "").strip() or (
                code[: CODE_LENGTH[PARENT_LEVEL[level]]] if PARENT_LEVEL[level] else ""
            )
            parent = by_code.get(parent_code) if parent_code else None
            if parent_code and parent is None:
                raise ActionError(_("上级 %(code)s 不存在。") % {"code": parent_code}, "parent_code")
            if parent is None and level != Level.DISTRICT:
                raise ActionError(_("缺少上级区域。"), "parent_code")
            check_code(code, level, parent)
            existing = known.get(code)
            if existing is None and Area.objects.filter(code=code).exists():
                raise ActionError(_("代码 %(code)s 已被范围外的区域使用。") % {"code": code}, "code")
            area = existing or Area(level=level, code=code, parent=parent)
            if existing is not None and existing.level != level:
                raise ActionError(_("代码与已有区域的层级不符。"), "code")
            before = audit.snapshot(area, AUDIT_FIELDS) if existing else None
            area.name = _check_name(row.get("name"))
            area.path = f"{parent.path if parent else ''}{code}/"
            _apply_boundary(area, row.get("boundary"), parent)
            by_code[code] = area
            planned.append((before, area, existing is None))
        except ActionError as exc:
            problems.append(ImportProblem(line, exc.field or "", str(exc.message)))

    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.row))
    result = ImportResult()
    with transaction.atomic():
        for before, area, is_new in planned:
            if area.parent is not None and area.parent_id is None:
                area.parent = by_code[area.parent.code]  # parent saved earlier in this loop
            area.save()
            audit.record(
                actor,
                "area.import",
                area,
                before=before,
                after=audit.snapshot(area, AUDIT_FIELDS),
            )
            if is_new:
                result.created += 1
            else:
                result.updated += 1
    return result
