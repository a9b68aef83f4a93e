"""The camera registry as an Excel sheet: read and checked for import, written for export.

Reading checks the whole sheet and reports every problem by row and column; nothing is
written when any row is wrong (`camera_actions.import_cameras` writes a checked sheet).
Each camera's grid is found from its location (`places.locate.grids_at`, one lookup for the whole sheet), after the
point is converted to WGS84 from the coordinate system the row names: a point outside
every grid, or in a grid outside the user's scope, is a row error. Cameras are matched
by code: a known code updates that camera, a new one creates it, and a code already
used outside the user's scope is refused. Kinds, stream kinds and statuses may be typed
as their Chinese labels or as codes. An exported sheet imports back unchanged.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.cases.reference_io import Column, column_label, read_rows, shown
from gridgov.command.models import Camera, CameraKind, CameraStatus, StreamKind
from gridgov.core.spreadsheets import cell_text, choice_map, norm, xlsx_response
from gridgov.people.imports import ImportRejected, RowProblem
from gridgov.places.coords import to_wgs84
from gridgov.places.locate import grids_at
from gridgov.places.models import Area, Level

COLUMNS = (
    Column("code", gettext_lazy("编码"), True),
    Column("name", gettext_lazy("名称"), True),
    Column("address", gettext_lazy("安装地址")),
    Column("lon", gettext_lazy("经度"), True),
    Column("lat", gettext_lazy("纬度"), True),
    Column("coords", gettext_lazy("坐标系")),
    Column("direction", gettext_lazy("朝向")),
    Column("fov", gettext_lazy("视场角")),
    Column("kind", gettext_lazy("类型"), True),
    Column("stream_kind", gettext_lazy("视频流类型")),
    Column("stream_url", gettext_lazy("视频流地址")),
    Column("vendor", gettext_lazy("厂商")),
    Column("status", gettext_lazy("状态")),
)
# Shown on export for the reader, ignored on import (the grid comes from the location).
EXPORT_EXTRA = (gettext_lazy("所属网格"), gettext_lazy("网格编码"), gettext_lazy("最近心跳"))
# The fields an import sets; the place ids follow the grid.
FIELDS = (
    "name",
    "address",
    "lon",
    "lat",
    "direction",
    "fov",
    "kind",
    "stream_kind",
    "stream_url",
    "vendor",
    "status",
)
COORDINATE_SYSTEMS = {"wgs84": "wgs84", "gcj02": "gcj02", "bd09": "bd09"}
COORDINATE_LABELS = {"wgs84": "WGS84", "gcj02": "GCJ-02", "bd09": "BD-09"}
CODE_RE = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
STREAM_SCHEMES = {
    StreamKind.RTSP: ("rtsp", "rtsps"),
    StreamKind.HLS: ("http", "https"),
    StreamKind.WEB: ("http", "https"),
}
DEFAULT_FOV = 60
CHUNK = 900  # codes per query: under SQLite's oldest limit of bound parameters
MAX_LENGTHS = {"name": 100, "address": 200, "stream_url": 300, "vendor": 50}
# Lon/lat of China with a margin: anything else is a swapped or mistyped coordinate.
LON_RANGE, LAT_RANGE = (72.0, 138.0), (0.8, 56.0)


class _RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


@dataclass
class CameraSheet:
    """A checked sheet: cameras to create, cameras changed (with the fields that
    changed), and how many rows changed nothing."""

    new: list[Camera] = field(default_factory=list)
    changed: list[Camera] = field(default_factory=list)
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return len(self.new) + len(self.changed) + self.unchanged


class _Grids:
    """The grids the user may place cameras in, by id: (community id, street id)."""

    def __init__(self, user):
        grids = Area.objects.visible_to(user).filter(level=Level.GRID)
        self.places = {
            pk: (community_id, street_id)
            for pk, community_id, street_id in grids.values_list(
                "id", "parent_id", "parent__parent_id"
            )
        }

    def places_of(self, points: list[tuple[float, float]]) -> list:
        """For each (lon, lat): its (grid, community, street) ids, or the _RowError."""
        found = grids_at([p[0] for p in points], [p[1] for p in points]) if points else []
        answers = []
        for grid_id in found:
            if grid_id is None:
                answers.append(_RowError("lon", _("该位置不在任何网格内，请核对经纬度和坐标系。")))
            elif grid_id not in self.places:
                answers.append(_RowError("lon", _("该位置所在的网格不在您的管辖范围内。")))
            else:
                answers.append((grid_id, *self.places[grid_id]))
        return answers


def _number(row: dict, key: str, label: str) -> float:
    value = row.get(key)
    if value is None or cell_text(value) == "":
        raise _RowError(key, _("请填写%(label)s。") % {"label": label})
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _RowError(key, _("%(label)s应为数字。") % {"label": label}) from None


def _whole(row: dict, key: str, low: int, high: int, message: str) -> int | None:
    value = row.get(key)
    if value is None or cell_text(value) == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _RowError(key, message) from None
    if not number.is_integer() or not low <= number <= high:
        raise _RowError(key, message)
    return int(number)


class _Reader:
    """Turns one row into camera values, raising _RowError for each bad cell."""

    def __init__(self):
        self.kinds = choice_map(CameraKind.choices)
        self.stream_kinds = choice_map(StreamKind.choices)
        self.statuses = choice_map(CameraStatus.choices)

    def code(self, row: dict) -> str:
        code = cell_text(row.get("code"))
        if not code:
            raise _RowError("code", _("请填写编码。"))
        if not CODE_RE.match(code):
            raise _RowError("code", _("编码只能由字母、数字、下划线和短横线组成，最长 32 位。"))
        return code

    def texts(self, row: dict, problems: list, values: dict) -> None:
        for key, limit in MAX_LENGTHS.items():
            if key == "stream_url" or key not in row:
                continue
            text = cell_text(row.get(key))
            if key == "name" and not text:
                problems.append(_RowError(key, _("请填写名称。")))
            elif len(text) > limit:
                problems.append(_RowError(key, _("不能超过 %(n)d 个字。") % {"n": limit}))
            else:
                values[key] = text

    def location(self, row: dict) -> tuple[float, float]:
        lon = _number(row, "lon", _("经度"))
        lat = _number(row, "lat", _("纬度"))
        system = COORDINATE_SYSTEMS.get(norm(row.get("coords")).replace("-", "") or "wgs84")
        if system is None:
            raise _RowError("coords", _("坐标系应为 WGS84、GCJ-02 或 BD-09。"))
        if not LON_RANGE[0] <= lon <= LON_RANGE[1]:
            raise _RowError("lon", _("经度不在中国境内，请检查是否与纬度填反。"))
        if not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
            raise _RowError("lat", _("纬度不在中国境内，请检查是否与经度填反。"))
        lon, lat = to_wgs84(lon, lat, system)
        return round(lon, 7), round(lat, 7)

    def choice(self, row: dict, key: str, mapping: dict, default, message: str):
        text = norm(row.get(key))
        if not text:
            if default is None:
                raise _RowError(key, message)
            return default
        value = mapping.get(text)
        if value is None:
            raise _RowError(key, message)
        return value

    def stream(self, row: dict) -> tuple[str, str]:
        url = cell_text(row.get("stream_url"))
        typed = norm(row.get("stream_kind"))
        if typed:
            kind = self.stream_kinds.get(typed)
            if kind is None:
                raise _RowError("stream_kind", _("视频流类型应为 RTSP、HLS 或 网页。"))
        elif url.lower().startswith("rtsp"):
            kind = StreamKind.RTSP
        elif url and ".m3u8" not in url.lower():
            kind = StreamKind.WEB
        else:
            kind = StreamKind.HLS
        if url:
            if len(url) > MAX_LENGTHS["stream_url"]:
                raise _RowError("stream_url", _("视频流地址不能超过 300 个字符。"))
            parts = urlsplit(url)
            if parts.scheme.lower() not in STREAM_SCHEMES[kind] or not parts.netloc or " " in url:
                schemes = "、".join(f"{s}://" for s in STREAM_SCHEMES[kind])
                raise _RowError(
                    "stream_url",
                    _("%(kind)s 视频流地址应以 %(schemes)s 开头。")
                    % {"kind": StreamKind(kind).label, "schemes": schemes},
                )
        return kind, url

    def values(self, row: dict) -> tuple[dict, list]:
        """(values, problems) of one row; the place comes later, from the location."""
        problems: list[_RowError] = []
        values: dict = {}
        self.texts(row, problems, values)
        steps = (
            ("location", lambda: self.location(row)),
            (
                "direction",
                lambda: _whole(row, "direction", 0, 359, _("朝向应为 0 到 359 的整数（度）。")),
            ),
            ("fov", lambda: _whole(row, "fov", 1, 360, _("视场角应为 1 到 360 的整数（度）。"))),
            (
                "kind",
                lambda: self.choice(
                    row, "kind", self.kinds, None, _("类型应为 枪机、球机、全景 或 智能分析。")
                ),
            ),
            ("stream", lambda: self.stream(row)),
            (
                "status",
                lambda: self.choice(
                    row,
                    "status",
                    self.statuses,
                    CameraStatus.ONLINE,
                    _("状态应为 在线、离线 或 故障。"),
                ),
            ),
        )
        for name, step in steps:
            if name in ("direction", "fov", "status") and name not in row:
                continue  # the sheet has no such column: keep what is stored
            try:
                result = step()
            except _RowError as exc:
                problems.append(exc)
                continue
            if name == "location":
                values["lon"], values["lat"] = result
            elif name == "stream":
                values["stream_kind"], values["stream_url"] = result
            elif name == "fov":
                values["fov"] = DEFAULT_FOV if result is None else result
            else:
                values[name] = result
        if "stream_url" not in row and "stream_kind" not in row:
            values.pop("stream_kind", None)
            values.pop("stream_url", None)
        return values, problems


def check_cameras(user, rows: list[dict]) -> CameraSheet:
    """Check every row; raise ImportRejected listing every problem by row and column."""
    reader, grids = _Reader(), _Grids(user)
    problems: list[RowProblem] = []
    parsed: list[tuple[dict, str, dict, tuple]] = []
    seen: dict[str, int] = {}

    def refuse(row: dict, exc: _RowError) -> None:
        problems.append(RowProblem(row["row"], exc.column, shown(row.get(exc.column)), exc.message))

    checked = []
    for row in rows:
        try:
            code = reader.code(row)
            if code in seen:
                raise _RowError("code", _("编码与第 %(row)d 行重复。") % {"row": seen[code]})
        except _RowError as exc:
            refuse(row, exc)
            code = None
        else:
            seen[code] = row["row"]
        values, row_problems = reader.values(row)
        checked.append((row, code, values, row_problems))
    located = [values for _row, _code, values, _problems in checked if "lon" in values]
    places = iter(grids.places_of([(values["lon"], values["lat"]) for values in located]))
    for row, code, values, row_problems in checked:
        place = next(places) if "lon" in values else None
        if isinstance(place, _RowError):
            row_problems.append(place)
        for exc in row_problems:
            refuse(row, exc)
        if code and not row_problems:
            parsed.append((row, code, values, place))
    stored, visible = {}, set()
    codes = list(seen)
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        stored |= {c.code: c for c in Camera.objects.filter(code__in=chunk)}
        visible |= set(
            Camera.objects.visible_to(user).filter(code__in=chunk).values_list("pk", flat=True)
        )
    sheet = CameraSheet()
    now = timezone.now()
    for row, code, values, place in parsed:
        camera = stored.get(code)
        if camera is not None and camera.pk not in visible:
            message = _("该编码已登记在您管辖范围以外的摄像头上，不能导入。")
            refuse(row, _RowError("code", message))
            continue
        if camera is None:
            camera = Camera(code=code, fov=DEFAULT_FOV, stream_kind=StreamKind.HLS)
            _apply(camera, values, place)
            sheet.new.append(camera)
        elif _apply(camera, values, place):
            camera.updated_at = now
            sheet.changed.append(camera)
        else:
            sheet.unchanged += 1
    if problems:
        order = {c.key: i for i, c in enumerate(COLUMNS)}
        problems.sort(key=lambda p: (p.row, order.get(p.column, 99)))
        raise ImportRejected(problems)
    return sheet


def _apply(camera: Camera, values: dict, place: tuple[int, int, int]) -> bool:
    """Set the row's values and place on the camera; True if anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(camera, key) != value:
            setattr(camera, key, value)
            changed = True
    if camera.place != place:
        camera.grid_id, camera.community_id, camera.street_id = place
        changed = True
    return changed


def read_cameras(user, path_or_file, filename: str) -> CameraSheet:
    return check_cameras(user, read_rows(COLUMNS, path_or_file, filename))


# Writing ------------------------------------------------------------------------------


def camera_rows(cameras):
    for c in cameras.iterator(chunk_size=2000):
        yield (
            c.code,
            c.name,
            c.address,
            c.lon,
            c.lat,
            COORDINATE_LABELS["wgs84"],
            c.direction,
            c.fov,
            CameraKind(c.kind).label,
            StreamKind(c.stream_kind).label,
            c.stream_url,
            c.vendor,
            CameraStatus(c.status).label,
            c.grid.name,
            c.grid.code,
            c.last_heartbeat_at,
        )


def cameras_response(cameras):
    """The cameras (a queryset the user may see, already filtered) as a sheet."""
    header = [c.label for c in COLUMNS] + list(EXPORT_EXTRA)
    cameras = cameras.select_related("grid").defer("grid__boundary")
    filename = f"cameras-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(filename, header, camera_rows(cameras), title=_("摄像头"))


def report_label(key: str) -> str:
    """A column key of the camera sheet as its header names it, for the import report."""
    return column_label(COLUMNS, key)
