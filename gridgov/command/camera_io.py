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

from gridgov.command.models import Camera, CameraKind, CameraStatus, StreamKind
from gridgov.core.spreadsheets import (
    Column,
    ImportRejected,
    RowError,
    RowProblem,
    SheetPlan,
    cell_text,
    choice,
    norm,
    records_by,
    text,
    whole,
    xlsx_response,
)
from gridgov.places.coords import to_wgs84
from gridgov.places.locate import grids_at
from gridgov.places.models import Area, Level

DEFAULT_FOV = 60
MAX_ROWS = 2000
MAX_URL = 300
COLUMNS = (
    Column("code", gettext_lazy("编码"), True),
    Column("name", gettext_lazy("名称"), True, text(100, required=gettext_lazy("请填写名称。"))),
    Column("address", gettext_lazy("安装地址"), parse=text(200)),
    Column("lon", gettext_lazy("经度"), True),
    Column("lat", gettext_lazy("纬度"), True),
    Column("coords", gettext_lazy("坐标系")),
    Column(
        "direction",
        gettext_lazy("朝向"),
        parse=whole(0, 359, gettext_lazy("朝向应为 0 到 359 的整数（度）。")),
    ),
    Column(
        "fov",
        gettext_lazy("视场角"),
        parse=whole(1, 360, gettext_lazy("视场角应为 1 到 360 的整数（度）。"), empty=DEFAULT_FOV),
    ),
    Column(
        "kind",
        gettext_lazy("类型"),
        True,
        choice(CameraKind, gettext_lazy("类型应为 枪机、球机、全景 或 智能分析。")),
    ),
    Column("stream_kind", gettext_lazy("视频流类型")),
    Column("stream_url", gettext_lazy("视频流地址")),
    Column("vendor", gettext_lazy("厂商"), parse=text(50)),
    Column(
        "status",
        gettext_lazy("状态"),
        parse=choice(
            CameraStatus, gettext_lazy("状态应为 在线、离线 或 故障。"), empty=CameraStatus.ONLINE
        ),
    ),
)
SHEET = SheetPlan(COLUMNS, MAX_ROWS)
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
STREAM_KIND = choice(StreamKind, gettext_lazy("视频流类型应为 RTSP、HLS 或 网页。"))
# Lon/lat of China with a margin: anything else is a swapped or mistyped coordinate.
LON_RANGE, LAT_RANGE = (72.0, 138.0), (0.8, 56.0)


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
        """For each (lon, lat): its (grid, community, street) ids, or the RowError."""
        found = grids_at([p[0] for p in points], [p[1] for p in points]) if points else []
        answers = []
        for grid_id in found:
            if grid_id is None:
                answers.append(RowError(_("该位置不在任何网格内，请核对经纬度和坐标系。"), "lon"))
            elif grid_id not in self.places:
                answers.append(RowError(_("该位置所在的网格不在您的管辖范围内。"), "lon"))
            else:
                answers.append((grid_id, *self.places[grid_id]))
        return answers


def _code(row: dict, seen: dict[str, int]) -> str:
    code = cell_text(row.get("code"))
    if not code:
        raise RowError(_("请填写编码。"), "code")
    if not CODE_RE.match(code):
        raise RowError(_("编码只能由字母、数字、下划线和短横线组成，最长 32 位。"), "code")
    if code in seen:
        raise RowError(_("编码与第 %(row)d 行重复。") % {"row": seen[code]}, "code")
    seen[code] = row["row"]
    return code


def _number(row: dict, key: str, label: str) -> float:
    value = row.get(key)
    if value is None or cell_text(value) == "":
        raise RowError(_("请填写%(label)s。") % {"label": label}, key)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise RowError(_("%(label)s应为数字。") % {"label": label}, key) from None


def _location(row: dict) -> dict:
    """The point in WGS84, from lon, lat and the coordinate system the row names."""
    lon = _number(row, "lon", _("经度"))
    lat = _number(row, "lat", _("纬度"))
    system = COORDINATE_SYSTEMS.get(norm(row.get("coords")).replace("-", "") or "wgs84")
    if system is None:
        raise RowError(_("坐标系应为 WGS84、GCJ-02 或 BD-09。"), "coords")
    if not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        raise RowError(_("经度不在中国境内，请检查是否与纬度填反。"), "lon")
    if not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        raise RowError(_("纬度不在中国境内，请检查是否与经度填反。"), "lat")
    lon, lat = to_wgs84(lon, lat, system)
    return {"lon": round(lon, 7), "lat": round(lat, 7)}


def _stream(row: dict) -> dict:
    """The stream's kind (typed, or told by the address) and address; nothing when
    the sheet has neither column, so the stored stream stays."""
    if "stream_url" not in row and "stream_kind" not in row:
        return {}
    url = cell_text(row.get("stream_url"))
    typed = norm(row.get("stream_kind"))
    if typed:
        try:
            kind = STREAM_KIND(typed)
        except RowError as exc:
            raise RowError(exc.message, "stream_kind") from None
    elif url.lower().startswith("rtsp"):
        kind = StreamKind.RTSP
    elif url and ".m3u8" not in url.lower():
        kind = StreamKind.WEB
    else:
        kind = StreamKind.HLS
    if url:
        if len(url) > MAX_URL:
            raise RowError(_("视频流地址不能超过 300 个字符。"), "stream_url")
        parts = urlsplit(url)
        if parts.scheme.lower() not in STREAM_SCHEMES[kind] or not parts.netloc or " " in url:
            schemes = "、".join(f"{s}://" for s in STREAM_SCHEMES[kind])
            raise RowError(
                _("%(kind)s 视频流地址应以 %(schemes)s 开头。")
                % {"kind": StreamKind(kind).label, "schemes": schemes},
                "stream_url",
            )
    return {"stream_kind": kind, "stream_url": url}


def _checked(row: dict, seen: dict[str, int]) -> tuple[str | None, dict, list[RowError]]:
    """(code, values, bad cells) of one row; the place comes later, from the location."""
    values, problems = SHEET.values(row)
    code = None
    try:
        code = _code(row, seen)
    except RowError as exc:
        problems.append(exc)
    for step in (_location, _stream):
        try:
            values |= step(row)
        except RowError as exc:
            problems.append(exc)
    return code, values, problems


def check_cameras(user, rows: list[dict]) -> CameraSheet:
    """Check every row; raise ImportRejected listing every problem by row and column."""
    seen: dict[str, int] = {}
    checked = [(row, *_checked(row, seen)) for row in rows]
    located = [values for _row, _code, values, _problems in checked if "lon" in values]
    places = iter(_Grids(user).places_of([(v["lon"], v["lat"]) for v in located]))
    problems: list[RowProblem] = []
    parsed = []
    for row, code, values, row_problems in checked:
        place = next(places) if "lon" in values else None
        if isinstance(place, RowError):
            row_problems.append(place)
        problems += [SHEET.problem(row, exc) for exc in row_problems]
        if code and not row_problems:
            parsed.append((row, code, values, place))
    sheet = _plan(user, parsed, list(seen), problems)
    if problems:
        raise ImportRejected(SHEET.sort(problems))
    return sheet


def _plan(user, parsed, codes: list[str], problems: list[RowProblem]) -> CameraSheet:
    """The cameras the checked rows create or change; a code used outside the user's
    scope is a problem of its row."""
    stored = records_by(Camera.objects.all(), "code", codes)
    visible = records_by(Camera.objects.visible_to(user).only("code"), "code", codes)
    sheet = CameraSheet()
    now = timezone.now()
    for row, code, values, place in parsed:
        camera = stored.get(code)
        if camera is not None and code not in visible:
            message = _("该编码已登记在您管辖范围以外的摄像头上，不能导入。")
            problems.append(SHEET.problem(row, RowError(message, "code")))
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
    rows, _data = SHEET.read(path_or_file, filename)
    return check_cameras(user, rows)


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
    return SHEET.label(key)
