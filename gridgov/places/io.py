"""Area files in and out: GeoJSON and Excel readers for `import_areas`, and writers.

Readers only turn a file into rows {row, code, name, boundary, parent_code}; every rule
about areas is checked by `actions.import_areas`. What a reader refuses is the file
itself (too big, not what its name says, no code column), reported as one problem at
row 0 so pages and the command show it the same way as row problems.
"""

import io
import json
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from gridgov.core.spreadsheets import MAX_CELL_CHARS, xlsx_response
from gridgov.core.uploads import problems_response
from gridgov.places.actions import ImportProblem, ImportRejected
from gridgov.places.models import Level

GEOJSON_SUFFIXES = (".geojson", ".json")
XLSX_SUFFIX = ".xlsx"
ALLOWED_SUFFIXES = (*GEOJSON_SUFFIXES, XLSX_SUFFIX)
# A district has a few hundred areas; far more rows means the wrong file.
MAX_ROWS = 20_000
ZIP_MAGIC = b"PK\x03\x04"
# An .xlsx is a zip of XML; real sheets unpack to a few times their size.
UNPACKED_FACTOR = 10

# Header text (as typed, lower-cased) → row key. Other columns, such as the ones the
# export adds (层级, 面积…), are ignored, so an exported sheet imports as it is.
HEADER_KEYS = {
    "代码": "code",
    "code": "code",
    "名称": "name",
    "name": "name",
    "上级代码": "parent_code",
    "parent_code": "parent_code",
    "parent code": "parent_code",  # the English export header
    "边界": "boundary",
    "boundary": "boundary",
}
REQUIRED_KEYS = ("code", "name")
COLUMN_LABELS = {
    "code": gettext_lazy("代码"),
    "name": gettext_lazy("名称"),
    "parent_code": gettext_lazy("上级代码"),
    "boundary": gettext_lazy("边界"),
}
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


def file_problem(message) -> ImportRejected:
    """A refusal of the whole file: one problem at row 0."""
    return ImportRejected([ImportProblem(0, "", str(message))])


def column_label(column: str) -> str:
    """The column as the user's file names it (代码, 边界…), or "—" for the whole file."""
    return str(COLUMN_LABELS.get(column, column or "—"))


# Reading -----------------------------------------------------------------------------


def read_limited(path_or_file) -> bytes:
    """The file's bytes, refusing anything above IMPORT_MAX_BYTES without reading it all."""
    limit = settings.IMPORT_MAX_BYTES
    if isinstance(path_or_file, str | Path):
        with open(path_or_file, "rb") as handle:
            data = handle.read(limit + 1)
    else:
        if hasattr(path_or_file, "seek"):
            path_or_file.seek(0)
        data = path_or_file.read(limit + 1)
    if len(data) > limit:
        raise file_problem(
            _("文件超过 %(mb)d MB，请拆分后再导入。") % {"mb": limit // (1024 * 1024)}
        )
    if not data:
        raise file_problem(_("文件是空的。"))
    return data


def read_area_file(path_or_file, filename: str) -> list[dict]:
    """Rows of an area file; the name picks the reader, the content must agree."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise file_problem(_("只能导入 .geojson、.json 或 .xlsx 文件。"))
    data = read_limited(path_or_file)
    if suffix == XLSX_SUFFIX:
        return _read_xlsx(data)
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
            problems.append(ImportProblem(index, "", _("这一项不是 GeoJSON 的 Feature。")))
            continue
        if not isinstance(properties, dict):
            problems.append(ImportProblem(index, "", _("缺少 properties（代码和名称）。")))
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


def open_workbook(data: bytes):
    if not data.startswith(ZIP_MAGIC):
        raise file_problem(_("文件内容不是 Excel（.xlsx）表格。"))
    try:
        # A small file can unpack to gigabytes (a "zip bomb"); zipfile enforces the
        # sizes the archive declares, so summing them is a real bound.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > UNPACKED_FACTOR * settings.IMPORT_MAX_BYTES:
            raise file_problem(_("Excel 文件解压后过大，请拆分后再导入。"))
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError):
        raise file_problem(_("无法读取这个 Excel 文件，请用 Excel 另存为 .xlsx 后再试。")) from None


def _header_map(header: tuple) -> dict[str, int]:
    columns = {}
    for index, title in enumerate(header):
        key = HEADER_KEYS.get(str(title if title is not None else "").strip().lower())
        if key and key not in columns:
            columns[key] = index
    missing = [column_label(key) for key in REQUIRED_KEYS if key not in columns]
    if missing:
        raise file_problem(
            _("表格第一行缺少“%(columns)s”列。")
            % {"columns": pgettext("quoted list separator", "”“").join(missing)}
        )
    return columns


def _read_xlsx(data: bytes) -> list[dict]:
    workbook = open_workbook(data)
    try:
        sheet = workbook.worksheets[0]
        # Some tools write a wrong size into the file; read what is really there.
        sheet.reset_dimensions()
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            raise file_problem(_("表格是空的。"))
        columns = _header_map(header)
        rows = []
        # read_only yields empty tuples for blank rows, so numbering matches the sheet.
        for number, values in enumerate(lines, start=2):
            if not any(v is not None and str(v).strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise file_problem(_("文件超过 %(n)d 行，请拆分后再导入。") % {"n": MAX_ROWS})
            row = {"row": number}
            for key, index in columns.items():
                row[key] = values[index] if index < len(values) else None
            rows.append(row)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, IndexError):
        raise file_problem(_("无法读取这个 Excel 文件，请用 Excel 另存为 .xlsx 后再试。")) from None
    finally:
        workbook.close()
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


def problems_xlsx_response(filename: str, problems):
    """The row-by-row report of a refused import as a download (行, 列, 问题)."""
    return problems_response(filename, problems, column_label, values=False)


def problems_xlsx(problems) -> bytes:
    """The row-by-row report of a refused import as a sheet (行, 列, 问题)."""
    return problems_xlsx_response("import-problems.xlsx", problems).content
