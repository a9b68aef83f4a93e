"""Area files in and out: GeoJSON and Excel readers for `import_areas`, and writers.

Readers only turn a file into rows {row, code, name, boundary, parent_code}; every rule
about areas is checked by `actions.import_areas`. What a reader refuses is the file
itself (too big, not what its name says, no code column), reported as one problem at
row 0 so pages and the command show it the same way as row problems.
"""

import json
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.spreadsheets import (
    MAX_CELL_CHARS,
    XLSX_SUFFIX,
    Column,
    ImportRejected,
    RowProblem,
    SheetPlan,
    file_problem,
    read_limited,
    xlsx_response,
)
from gridgov.places.models import Level

GEOJSON_SUFFIXES = (".geojson", ".json")
ALLOWED_SUFFIXES = (*GEOJSON_SUFFIXES, XLSX_SUFFIX)
# A district has a few hundred areas; far more rows means the wrong file.
MAX_ROWS = 20_000

# Other columns, such as the ones the export adds (层级, 面积…), are ignored, so an
# exported sheet imports as it is.
AREA_SHEET = SheetPlan(
    (
        Column("code", gettext_lazy("代码"), True),
        Column("name", gettext_lazy("名称"), True),
        Column("parent_code", gettext_lazy("上级代码")),
        Column("boundary", gettext_lazy("边界")),
    ),
    MAX_ROWS,
)
EXPORT_HEADER = (
    gettext_lazy("代码"),
    gettext_lazy("名称"),
    gettext_lazy("层级"),
    gettext_lazy("上级代码"),
    gettext_lazy("面积（平方米）"),
    gettext_lazy("中心经度"),
    gettext_lazy("中心纬度"),
    gettext_lazy("边界"),
)


def column_label(column: str) -> str:
    """The column as the user's file names it (代码, 边界…), or "—" for the whole file."""
    return AREA_SHEET.label(column)


# Reading -----------------------------------------------------------------------------


def read_area_file(path_or_file, filename: str) -> list[dict]:
    """Rows of an area file; the name picks the reader, the content must agree."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise file_problem(_("只能导入 .geojson、.json 或 .xlsx 文件。"))
    data = read_limited(path_or_file)
    if suffix == XLSX_SUFFIX:
        return AREA_SHEET.read_data(data)
    return _read_geojson(data)


def _read_geojson(data: bytes) -> list[dict]:
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise file_problem(_("文件内容不是有效的 JSON（需要 UTF-8 编码的 GeoJSON）。")) from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise file_problem(_("文件不是 GeoJSON 的 FeatureCollection。"))
    features = collection.get("features")
    if not isinstance(features, list):
        raise file_problem(_("GeoJSON 缺少 features 列表。"))
    if len(features) > MAX_ROWS:
        raise file_problem(_("文件超过 %(n)d 个区域，请拆分后再导入。") % {"n": MAX_ROWS})
    rows, problems = [], []
    for index, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(RowProblem(index, "", "", _("这一项不是 GeoJSON 的 Feature。")))
            continue
        if not isinstance(properties, dict):
            problems.append(RowProblem(index, "", "", _("缺少 properties（代码和名称）。")))
            continue
        rows.append(
            {
                "row": index,
                "code": properties.get("code"),
                "name": properties.get("name"),
                "parent_code": properties.get("parent_code"),
                "boundary": feature.get("geometry"),
            }
        )
    if problems:
        raise ImportRejected(problems)
    return rows


# Writing -----------------------------------------------------------------------------


def _parent_code(area) -> str:
    codes = area.ancestors_codes()
    return codes[-1] if codes else ""


def write_geojson(areas) -> dict:
    """A FeatureCollection of `areas` (no boundary: `"geometry": null`), readable back."""
    features = [
        {
            "type": "Feature",
            "geometry": area.boundary,
            "properties": {
                "code": area.code,
                "name": area.name,
                "level": area.level,
                "parent_code": _parent_code(area) or None,
                "area_m2": area.area_m2,
                "center_lon": area.center_lon,
                "center_lat": area.center_lat,
            },
        }
        for area in areas
    ]
    return {"type": "FeatureCollection", "features": features}


def _boundary_text(boundary) -> str:
    """GeoJSON text of a boundary, or empty when Excel could not hold it in one cell
    (importing the sheet back then keeps the stored boundary; use GeoJSON for such)."""
    if not boundary:
        return ""
    text = json.dumps(boundary, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= MAX_CELL_CHARS else ""


def xlsx_rows(areas):
    for area in areas:
        yield (
            area.code,
            area.name,
            str(Level(area.level).label),
            _parent_code(area),
            area.area_m2,
            area.center_lon,
            area.center_lat,
            _boundary_text(area.boundary),
        )


def areas_xlsx_response(filename: str, areas):
    """The export as a download (formula injection neutralised by `safe_cell`)."""
    return xlsx_response(filename, EXPORT_HEADER, xlsx_rows(areas), title=_("区域"))


def write_xlsx(areas) -> bytes:
    return areas_xlsx_response("areas.xlsx", areas).content
