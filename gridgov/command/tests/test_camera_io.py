"""Importing cameras from Excel: the whole sheet is checked first and nothing is
written if any row is wrong (the report says row, column and problem); each camera's
grid comes from its location, which must lie in a grid of the user's scope; codes are
matched to update, and one audit row records the file."""

import pytest
from django.urls import reverse

from gridgov.command import camera_io
from gridgov.command.models import Camera, CameraKind, CameraStatus, StreamKind
from gridgov.command.tests.camera_fixtures import sheet_rows, xlsx
from gridgov.core.models import AuditEntry
from gridgov.core.spreadsheets import ImportRejected
from gridgov.places.coords import wgs84_to_gcj02
from gridgov.testing import login

IMPORT = reverse("command:camera_import")
LIST = reverse("command:camera_list")
EXPORT = reverse("command:camera_export")
HEADER = [str(c.label) for c in camera_io.COLUMNS]
CODE = "44010500001310000{:03d}"


def _row(n, lon=113.2425, lat=23.1025, **cells):
    values = {
        "编码": CODE.format(n),
        "名称": f"洪德路与南华西路交界{n}",
        "安装地址": f"洪德路{n}号",
        "经度": lon,
        "纬度": lat,
        "坐标系": "WGS84",
        "朝向": 45,
        "视场角": 70,
        "类型": "枪机",
        "视频流类型": "HLS",
        "视频流地址": f"http://video.nhx.local/live/{CODE.format(n)}.m3u8",
        "厂商": "海康威视",
        "状态": "在线",
    } | cells
    return [values[h] for h in HEADER]


def _upload(client, rows, header=HEADER, **extra):
    return client.post(IMPORT, {"file": xlsx(rows, header), **extra})


@pytest.fixture
def staff_client(client, street_staff):
    return login(client, street_staff)


def test_a_good_file_creates_and_updates_cameras_with_one_audit_row(
    staff_client, street_staff, make_map_camera, tree
):
    known = make_map_camera("g3", code=CODE.format(2), name="旧名称")
    gcj_lon, gcj_lat = wgs84_to_gcj02(113.2475, 23.1025)
    rows = [
        _row(1),
        _row(2, lon=113.2525, lat=23.1025, 名称="福安街口", 状态="故障", 类型="球机", 朝向=None),
        _row(3, lon=gcj_lon, lat=gcj_lat, 坐标系="GCJ-02", 类型="ai", 视频流类型="RTSP",
             视频流地址="rtsp://video.nhx.local:554/ch3"),
    ]  # fmt: skip
    response = _upload(staff_client, rows)
    assert response.status_code == 302 and response["Location"] == LIST
    cameras = {c.code: c for c in Camera.objects.select_related("grid")}
    assert len(cameras) == 3
    first = cameras[CODE.format(1)]
    assert (first.grid, first.community_id, first.street_id) == (
        tree["g1"],
        tree["c101"].pk,
        tree["street"].pk,
    )
    assert (first.direction, first.fov, first.kind, first.vendor) == (45, 70, "bullet", "海康威视")
    assert first.stream_kind == StreamKind.HLS and first.status == CameraStatus.ONLINE
    second = cameras[CODE.format(2)]
    assert second.pk == known.pk and second.name == "福安街口"
    assert (second.status, second.kind, second.direction) == ("fault", "dome", None)
    third = cameras[CODE.format(3)]
    assert third.grid == tree["g2"] and third.kind == CameraKind.AI
    assert abs(third.lon - 113.2475) < 1e-6 and abs(third.lat - 23.1025) < 1e-6
    assert third.stream_kind == StreamKind.RTSP
    entry = AuditEntry.objects.get(action="camera.import")
    assert entry.actor == street_staff
    assert entry.after == {
        "rows": 3,
        "created": 2,
        "updated": 1,
        "unchanged": 0,
        "file": "cameras.xlsx",
    }
    page = staff_client.get(LIST)
    assert "导入完成：新增 2 个摄像头，修改 1 个，0 个没有变化。" in page.text


def test_a_bad_row_anywhere_writes_nothing_and_reports_row_column_and_problem(
    staff_client, make_map_camera
):
    known = make_map_camera("g1", code=CODE.format(1), name="原来的名字")
    rows = [
        _row(1, 名称="新名字"),
        _row(2),
        _row(3, 类型="鱼眼"),
        _row(4, 朝向=400, 视场角=0),
        _row(5, 视频流地址="javascript:alert(1)"),
    ]
    response = _upload(staff_client, rows)
    assert response.status_code == 200
    report = response.context["report"]
    problems = [(p["row"], p["column"], p["message"]) for p in report["rows"]]
    assert problems == [
        (4, "类型", "类型应为 枪机、球机、全景 或 智能分析。"),
        (5, "朝向", "朝向应为 0 到 359 的整数（度）。"),
        (5, "视场角", "视场角应为 1 到 360 的整数（度）。"),
        (6, "视频流地址", "HLS 视频流地址应以 http://、https:// 开头。"),
    ]
    assert "导入文件有 4 处错误，未写入任何数据。" in response.text
    assert Camera.objects.count() == 1 and Camera.objects.get().name == known.name
    assert not AuditEntry.objects.filter(action="camera.import").exists()
    # The same report downloads as a sheet.
    download = staff_client.get(reverse("command:camera_import_report", args=[report["id"]]))
    rows = sheet_rows(download.content)
    assert rows[0] == ("行", "列", "值", "问题")
    assert rows[1] == (4, "类型", "鱼眼", "类型应为 枪机、球机、全景 或 智能分析。")


def test_a_point_outside_every_grid_is_a_row_error(staff_client):
    response = _upload(staff_client, [_row(1), _row(2, lon=113.30, lat=23.20)])
    (problem,) = response.context["report"]["rows"]
    assert (problem["row"], problem["column"]) == (3, "经度")
    assert problem["message"] == "该位置不在任何网格内，请核对经纬度和坐标系。"
    assert not Camera.objects.exists()


def test_a_grid_outside_the_users_scope_is_a_row_error(staff_client, other_grid):
    response = _upload(staff_client, [_row(1, lon=113.2725, lat=23.1025)])
    (problem,) = response.context["report"]["rows"]
    assert problem["message"] == "该位置所在的网格不在您的管辖范围内。"
    assert not Camera.objects.exists()


def test_a_code_registered_in_another_street_is_refused_and_left_alone(
    staff_client, make_map_camera, other_grid
):
    theirs = make_map_camera("g9", code=CODE.format(1), name="凤阳路口")
    response = _upload(staff_client, [_row(1)])
    (problem,) = response.context["report"]["rows"]
    assert problem["column"] == "编码"
    assert problem["message"] == "该编码已登记在您管辖范围以外的摄像头上，不能导入。"
    theirs.refresh_from_db()
    assert theirs.name == "凤阳路口" and theirs.grid_id == other_grid.pk


def test_codes_must_be_unique_in_the_file_and_well_formed(staff_client):
    response = _upload(staff_client, [_row(1), _row(1), _row(2, 编码="44 01"), _row(3, 编码=None)])
    problems = [(p["row"], p["message"]) for p in response.context["report"]["rows"]]
    assert problems == [
        (3, "编码与第 2 行重复。"),
        (4, "编码只能由字母、数字、下划线和短横线组成，最长 32 位。"),
        (5, "请填写编码。"),
    ]


def test_bad_coordinates_and_missing_names_are_reported(staff_client):
    rows = [
        _row(1, 经度="东经113"),
        _row(2, lon=23.1, lat=113.24),
        _row(3, 坐标系="CGCS2000"),
        _row(4, 名称=""),
    ]
    problems = [
        (p["row"], p["column"], p["message"])
        for p in _upload(staff_client, rows).context["report"]["rows"]
    ]
    assert problems == [
        (2, "经度", "经度应为数字。"),
        (3, "经度", "经度不在中国境内，请检查是否与纬度填反。"),
        (4, "坐标系", "坐标系应为 WGS84、GCJ-02 或 BD-09。"),
        (5, "名称", "请填写名称。"),
    ]


def test_only_checking_writes_nothing(staff_client):
    response = _upload(staff_client, [_row(1), _row(2)], dry_run="on")
    assert response.status_code == 302
    assert not Camera.objects.exists()
    assert not AuditEntry.objects.filter(action="camera.import").exists()
    assert "检查通过：将新增 2 个摄像头" in staff_client.get(LIST).text


def test_a_file_that_is_not_xlsx_or_lacks_columns_is_refused(staff_client):
    response = staff_client.post(IMPORT, {"file": _named(b"code,name\n1,a\n", "cameras.csv")})
    assert "只能导入 .xlsx 文件。" in response.text
    response = _upload(staff_client, [["1", "a"]], header=["编码", "名称"])
    assert "表格第一行缺少" in response.text and "经度" in response.text
    assert response.context["report"] is None
    assert not Camera.objects.exists()


def test_an_exported_sheet_imports_back_unchanged(staff_client, make_map_camera):
    make_map_camera("g1", name='=HYPERLINK("x")', direction=None, stream_url="rtsp://v.local/1",
                stream_kind=StreamKind.RTSP)  # fmt: skip
    make_map_camera("g2", kind=CameraKind.PANORAMIC, fov=180, status=CameraStatus.OFFLINE)
    exported = staff_client.get(EXPORT).content
    before = list(Camera.objects.order_by("code").values())
    response = staff_client.post(IMPORT, {"file": _named(exported, "cameras.xlsx")})
    assert response.status_code == 302
    assert list(Camera.objects.order_by("code").values()) == before
    entry = AuditEntry.objects.get(action="camera.import")
    assert entry.after["unchanged"] == 2 and entry.after["updated"] == 0


def test_columns_left_out_keep_what_is_stored(street_staff, make_map_camera):
    known = make_map_camera("g1", code=CODE.format(1), fov=90, vendor="大华", direction=180)
    header = ["编码", "名称", "经度", "纬度", "类型"]
    rows, _data = camera_io.SHEET.read(
        xlsx([[CODE.format(1), "新名字", 113.2425, 23.1025, "枪机"]], header), "c.xlsx"
    )
    sheet = camera_io.check_cameras(street_staff, rows)
    (changed,) = sheet.changed
    assert changed.pk == known.pk and changed.name == "新名字"
    assert (changed.fov, changed.vendor, changed.direction) == (90, "大华", 180)


def test_community_staff_may_not_import(client, personas):
    login(client, personas["community_staff"])
    assert _upload(client, [_row(1)]).status_code == 403
    assert not Camera.objects.exists()


def test_check_cameras_raises_with_every_problem(street_staff):
    rows = [{"row": 2, "code": "", "name": "", "lon": None, "lat": None, "kind": ""}]
    with pytest.raises(ImportRejected) as caught:
        camera_io.check_cameras(street_staff, rows)
    assert [p.column for p in caught.value.problems] == ["code", "name", "lon", "kind"]


def _named(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
