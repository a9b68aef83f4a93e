"""Small area files for the import tests, built in memory."""

import io
import json

from openpyxl import Workbook

from gridgov.testing import square

# A new community 103 inside street 440105008 (which spans 113.24–113.26, 23.09–23.11),
# with two grids inside it.
C103 = ("440105008103", "新市社区", square(113.24, 23.09, 0.01))
C103_GRIDS = (
    ("440105008103001", "新市第一网格", square(113.24, 23.09, 0.005)),
    ("440105008103002", "新市第二网格", square(113.245, 23.09, 0.005)),
)


def feature(code, name, geometry, parent_code=None):
    properties = {"code": code, "name": name}
    if parent_code:
        properties["parent_code"] = parent_code
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def geojson_bytes(features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def good_geojson() -> bytes:
    return geojson_bytes(feature(*area) for area in (C103, *C103_GRIDS))


def xlsx_bytes(rows, header=("代码", "名称", "上级代码", "边界")) -> bytes:
    """A sheet with `header` then `rows`; dict boundaries become GeoJSON text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([json.dumps(v) if isinstance(v, dict) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_xlsx() -> bytes:
    return xlsx_bytes((code, name, None, geometry) for code, name, geometry in (C103, *C103_GRIDS))


def read_sheet(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]
