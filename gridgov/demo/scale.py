"""`gridgov demo --scale N`: N streets of the same shape side by side, for benchmarks.

The copies are made from the Nanhua West rows in the database (street, communities,
grids), moved east by the street's width times k, so no two streets overlap. Their
codes continue the district's numbering past any street already there (440105108,
440105109, …; 008 is Nanhua West itself) and their communities and grids keep the
original's own numbers under the new street code. Area rows are written directly, not
through `import_areas`: checking 90 polygons each against its parent for every copy
would only slow the benchmark set-up, and the copies are exact translations of a tree
that passed those checks. The district outline is not widened, so from about the
16th copy on, streets lie east of the drawn district; nothing depends on that.
"""

from django.db import transaction

from gridgov.core import audit
from gridgov.core.errors import ActionError
from gridgov.demo.areas import DISTRICT_CODE, STREET_CODE
from gridgov.places.geometry import parse_boundary
from gridgov.places.models import Area

FIRST_COPY_NUMBER = 108
MAX_SCALE = 100


def copy_name(original: Area, k: int) -> str:
    return f"{original.name}（副本{k + 1}）"


def _shifted(geojson: dict | None, dx: float) -> dict | None:
    if not geojson:
        return geojson

    def move(coords):
        if isinstance(coords[0], int | float):
            return [round(coords[0] + dx, 6), coords[1]]
        return [move(c) for c in coords]

    return {"type": geojson["type"], "coordinates": move(geojson["coordinates"])}


def _copy(area: Area, code: str, name: str, parent: Area, dx: float) -> Area:
    return Area(
        level=area.level,
        code=code,
        name=name,
        parent=parent,
        path=f"{parent.path}{code}/",
        boundary=_shifted(area.boundary, dx),
        center_lon=None if area.center_lon is None else round(area.center_lon + dx, 6),
        center_lat=area.center_lat,
        area_m2=area.area_m2,
    )


def ensure_streets(actor, scale: int) -> list[Area]:
    """Nanhua West and its `scale - 1` copies (made if missing), in order."""
    if not 1 <= scale <= MAX_SCALE:
        raise ActionError(f"--scale 应在 1 到 {MAX_SCALE} 之间。", "scale")
    original = Area.objects.get(code=STREET_CODE)
    if scale == 1:
        return [original]
    minx, _miny, maxx, _maxy = parse_boundary(original.boundary).bounds
    width = round(maxx - minx, 6)
    streets, made = [original], []
    number = FIRST_COPY_NUMBER
    with transaction.atomic():
        template = list(
            Area.objects.filter(path__startswith=original.path)
            .exclude(pk=original.pk)
            .current()
            .order_by("path")
        )
        for k in range(1, scale):
            while True:
                if number > 999:
                    raise ActionError("街道代码已用完。", "scale")
                code, number = f"{DISTRICT_CODE}{number:03d}", number + 1
                found = Area.objects.filter(code=code).first()
                if found is None:
                    streets.append(_make_copy(original, template, code, k, width * k))
                    made.append(code)
                    break
                if found.name == copy_name(original, k):
                    streets.append(found)
                    break
        if made:
            audit.record(
                actor,
                "demo.scale",
                None,
                object_type="places.area",
                object_repr=f"{original.name} ×{scale}",
                after={"streets": made, "areas_per_street": len(template) + 1},
            )
    return streets


def _make_copy(original: Area, template: list[Area], code: str, k: int, dx: float) -> Area:
    street = _copy(original, code, copy_name(original, k), original.parent, dx)
    street.save()
    communities = [
        _copy(area, code + area.code[9:], area.name, street, dx)
        for area in template
        if len(area.code) == 12
    ]
    Area.objects.bulk_create(communities, batch_size=2000)
    parents = {area.code: area for area in communities}
    grids = [
        _copy(area, code + area.code[9:], area.name, parents[code + area.code[9:12]], dx)
        for area in template
        if len(area.code) == 15
    ]
    Area.objects.bulk_create(grids, batch_size=2000)
    return street
