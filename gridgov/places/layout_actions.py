"""Every write of grid layouts: propose one, apply it, discard it. Each is atomic
and audited.

Applying a layout is the one way grids are redrawn: the grids it lists are created
or get their new boundary, grids it drops are retired (kept, without boundary: cases,
assignments and documents quote them), every building moves to its new grid and
everything that follows a building moves with it (`InGrid.follows`), records placed
by their point are placed again, and cases keep the grid they were reported in. The
layout it replaces stays as history.
"""

import datetime

from django.apps import apps
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry import Point

from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.places import layouts
from gridgov.places.geometry import area_m2, parse_boundary
from gridgov.places.models import (
    Area,
    Building,
    GridLayout,
    InGrid,
    LayoutMethod,
    LayoutStatus,
    Level,
)

CAPABILITY = "areas.partition"
LAYOUT_FIELDS = ("community", "status", "method", "effective_on", "target", "tolerance")


def _visible_community(actor, community: Area) -> Area:
    if (
        community.level != Level.COMMUNITY
        or not Area.objects.visible_to(actor).filter(pk=community.pk).exists()
    ):
        raise ActionError(_("社区不存在。"), status=404)
    return community


def propose_layout(
    actor,
    community: Area,
    *,
    target: int = 250,
    tolerance: float = 0.2,
    barriers=(),
    fresh: bool = False,
    seed: int = 0,
) -> GridLayout:
    """Compute a new layout of the community and keep it as a proposal to review."""
    check_capability(actor, CAPABILITY)
    _visible_community(actor, community)
    if not 50 <= int(target) <= 5000:
        raise ActionError(_("目标户数应在 50 到 5000 之间。"), "target")
    if not 0.05 <= float(tolerance) <= 0.5:
        raise ActionError(_("允许偏差应在 5% 到 50% 之间。"), "tolerance")
    proposal = layouts.propose(
        community,
        target=int(target),
        tolerance=float(tolerance),
        barriers=list(barriers),
        fresh=fresh,
        seed=seed,
    )
    with transaction.atomic():
        layout = GridLayout.objects.create(
            community=community,
            status=LayoutStatus.PROPOSED,
            method=proposal.method,
            target=proposal.target,
            tolerance=proposal.tolerance,
            grids=proposal.grids,
            assignment=proposal.assignment,
            moves=proposal.moves,
            report=proposal.report,
            basis=proposal.basis,
            created_by=actor,
        )
        audit.record(
            actor,
            "grid_layout.propose",
            layout,
            after={**audit.snapshot(layout, LAYOUT_FIELDS), **_summary(layout)},
        )
    return layout


def _summary(layout: GridLayout) -> dict:
    report = layout.report or {}
    return {
        "grids": len(layout.grids),
        "moved_buildings": report.get("moved_buildings", 0),
        "moved_households": report.get("moved_households", 0),
        "within_20": report.get("within_20"),
        "barriers": report.get("barriers", 0),
    }


def discard_layout(actor, layout: GridLayout) -> GridLayout:
    """Set a proposal aside (it stays listed, marked as discarded)."""
    check_capability(actor, CAPABILITY)
    _visible_community(actor, layout.community)
    with transaction.atomic():
        layout = GridLayout.objects.select_for_update().get(pk=layout.pk)
        if layout.status != LayoutStatus.PROPOSED:
            raise ActionError(_("只有待审方案可以放弃。"), status=409)
        layout.status = LayoutStatus.DISCARDED
        layout.save(update_fields=["status"])
        audit.record(
            actor,
            "grid_layout.discard",
            layout,
            before={"status": LayoutStatus.PROPOSED},
            after={"status": layout.status},
        )
    return layout


def apply_layout(
    actor, layout: GridLayout, effective_on: datetime.date | None = None
) -> GridLayout:
    """Make a proposal the community's layout from `effective_on` (today by default)."""
    check_capability(actor, CAPABILITY)
    today = timezone.localdate()
    effective_on = effective_on or today
    if effective_on > today:
        raise ActionError(_("生效日期不能晚于今天。"), "effective_on")
    with transaction.atomic():
        community = Area.objects.select_for_update().get(pk=layout.community_id)
        _visible_community(actor, community)
        layout = GridLayout.objects.select_for_update().get(pk=layout.pk)
        if layout.status != LayoutStatus.PROPOSED:
            raise ActionError(_("该方案已应用或已放弃，不能再次应用。"), status=409)
        if layouts.basis_of(community) != layout.basis:
            raise ActionError(
                _("方案生成后，社区的楼宇、户数或网格已有变化，请重新生成方案。"), status=409
            )
        previous = _previous_layout(actor, community)
        if previous.effective_on and effective_on < previous.effective_on:
            raise ActionError(
                _("生效日期不能早于现行划分的生效日期（%(date)s）。")
                % {"date": previous.effective_on.isoformat()},
                "effective_on",
            )
        grids, created, retired = _apply_grids(community, layout, effective_on)
        moved = _move_buildings(community, layout, grids)
        previous.status = LayoutStatus.SUPERSEDED
        previous.save(update_fields=["status"])
        layout.status = LayoutStatus.APPLIED
        layout.effective_on = effective_on
        layout.applied_by = actor
        layout.applied_at = timezone.now()
        layout.save(update_fields=["status", "effective_on", "applied_by", "applied_at"])
        audit.record(
            actor,
            "grid_layout.apply",
            layout,
            before={"layout": previous.pk, "grids": [g["code"] for g in previous.grids]},
            after={
                **audit.snapshot(layout, LAYOUT_FIELDS),
                "grids": [g["code"] for g in layout.grids],
                "created": created,
                "retired": retired,
                "moved_buildings": moved,
            },
        )
    return layout


def _previous_layout(actor, community: Area) -> GridLayout:
    """The applied layout, or the grids as they are now recorded as one (the first
    time a community's grids are redrawn, so that history starts with them)."""
    current = GridLayout.objects.select_for_update().filter(
        community=community, status=LayoutStatus.APPLIED
    )
    found = current.first()
    if found is not None:
        return found
    now = layouts.recorded(community)
    return GridLayout.objects.create(
        community=community,
        status=LayoutStatus.APPLIED,
        method=LayoutMethod.RECORDED,
        grids=now.grids,
        assignment=now.assignment,
        basis=now.basis,
        created_by=actor,
    )


def _apply_grids(community: Area, layout: GridLayout, effective_on):
    """Create or redraw the layout's grids, retire the community's others; returns
    ({code: grid}, codes created, codes retired)."""
    existing = {a.code: a for a in Area.objects.filter(parent=community, level=Level.GRID)}
    grids, created = {}, []
    for entry in layout.grids:
        geom = parse_boundary(entry["boundary"])
        point = geom.representative_point()
        area = existing.get(entry["code"])
        if area is None:
            area = Area(
                level=Level.GRID,
                code=entry["code"],
                parent=community,
                path=f"{community.path}{entry['code']}/",
            )
            created.append(entry["code"])
        area.name = entry["name"]
        area.boundary = entry["boundary"]
        area.center_lon, area.center_lat = round(point.x, 6), round(point.y, 6)
        area.area_m2 = round(area_m2(geom), 1)
        area.retired_on = None
        area.save()
        grids[area.code] = area
    retired = []
    for code, area in existing.items():
        if code not in grids and area.retired_on is None:
            area.retired_on = effective_on
            area.boundary = None
            area.center_lon = area.center_lat = area.area_m2 = None
            area.save()
            retired.append(code)
    return grids, created, retired


def _move_buildings(community: Area, layout: GridLayout, grids: dict[str, Area]) -> int:
    """Buildings to their new grids, then every record that follows them or stands
    at a point; returns the number of buildings that changed grid."""
    now = timezone.now()
    stored = dict(Building.objects.filter(community=community).values_list("code", "grid__code"))
    by_grid: dict[str, list[str]] = {}
    for building, code in layout.assignment.items():
        if stored.get(building) != code:
            by_grid.setdefault(code, []).append(building)
    for code, buildings in by_grid.items():
        for start in range(0, len(buildings), 500):
            Building.objects.filter(
                community=community, code__in=buildings[start : start + 500]
            ).update(grid_id=grids[code].pk, updated_at=now)
    for model in _followers():
        parent = model._meta.get_field(model.follows).related_model
        model.objects.filter(community=community, **{f"{model.follows}__isnull": False}).update(
            grid_id=Subquery(
                parent.objects.filter(pk=OuterRef(model.follows)).values("grid_id")[:1]
            )
        )
    _relocate(community, grids)
    return sum(len(b) for b in by_grid.values())


def _followers() -> list:
    """The InGrid models that follow another record, parents before children."""
    models = [m for m in apps.get_models() if issubclass(m, InGrid) and m.follows]
    ordered, placed = [], {Building}
    while models:
        ready = [m for m in models if m._meta.get_field(m.follows).related_model in placed]
        if not ready:
            raise RuntimeError(f"InGrid.follows forms no chain to Building: {models}")
        ordered += ready
        placed.update(ready)
        models = [m for m in models if m not in ready]
    return ordered


def _relocate(community: Area, grids: dict[str, Area]) -> None:
    """Records placed by their point (cameras) go to the new grid holding it."""
    areas = list(grids.values())
    tree = STRtree([parse_boundary(a.boundary) for a in areas])
    for model in (m for m in apps.get_models() if issubclass(m, InGrid) and m.located):
        moves: dict[int, list[int]] = {}
        for pk, lon, lat, grid_id in model.objects.filter(community=community).values_list(
            "pk", "lon", "lat", "grid_id"
        ):
            hits = tree.query(Point(lon, lat), predicate="intersects")
            if len(hits) and areas[int(hits.min())].pk != grid_id:
                moves.setdefault(areas[int(hits.min())].pk, []).append(pk)
        for grid_id, pks in moves.items():
            model.objects.filter(pk__in=pks).update(grid_id=grid_id)
