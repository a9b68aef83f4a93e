"""The camera registry pages: who may open them (street staff and dispatchers; 403 for
everyone else), that each street sees only its own cameras and alert sources, the
status list with its counts and filters, the Excel export, and alert sources whose
secret is shown once."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gridgov.command.models import AlertSource, CameraKind, CameraStatus
from gridgov.command.tests.camera_fixtures import sheet_rows
from gridgov.core.models import AuditEntry
from gridgov.core.protect import reveal
from gridgov.testing import login

LIST = reverse("command:camera_list")
EXPORT = reverse("command:camera_export")
IMPORT = reverse("command:camera_import")
SOURCES = reverse("command:alert_sources")


# -- who may open the pages ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["dispatcher", "street_staff"])
def test_dispatchers_and_street_staff_open_every_page(client, dispatcher, street_staff, who):
    login(client, dispatcher if who == "dispatcher" else street_staff)
    for url in (LIST, EXPORT, IMPORT, SOURCES):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "who", ["community_staff", "grid_worker", "street_leader", "department_staff", "stranger"]
)
def test_other_roles_get_403(client, personas, tree, who):
    login(client, personas[who])
    for url in (LIST, EXPORT, IMPORT, SOURCES):
        assert client.get(url).status_code == 403, url
    response = client.post(SOURCES, {"name": "视频平台", "street": tree["street"].pk})
    assert response.status_code == 403
    assert not AlertSource.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_menu_shows_cameras_to_those_who_keep_them(client, dispatcher, personas):
    login(client, dispatcher)
    assert LIST in client.get("/").text
    login(client, personas["community_staff"])
    assert LIST not in client.get("/").text


# -- the list ------------------------------------------------------------------------------


def test_another_streets_dispatcher_sees_none_of_these_cameras(
    client, make_map_camera, other_dispatcher
):
    ours = make_map_camera("g1", name="南华西路口")
    theirs = make_map_camera("g9", name="凤阳路口")
    login(client, other_dispatcher)
    response = client.get(LIST)
    assert [c.pk for c in response.context["page"]] == [theirs.pk]
    assert ours.code not in response.text and "南华西路口" not in response.text
    assert response.context["counts"]["total"] == 1
    rows = sheet_rows(client.get(EXPORT).content)
    assert [row[0] for row in rows[1:]] == [theirs.code]
    # Filters naming the other street's areas change nothing.
    assert not client.get(LIST, {"grid": ours.grid_id}).context["page"].object_list


def test_the_list_counts_cameras_by_status(client, dispatcher, make_map_camera):
    for status in ["online"] * 3 + ["offline"] * 2 + ["fault"]:
        make_map_camera(status=status)
    login(client, dispatcher)
    response = client.get(LIST)
    counts = response.context["counts"]
    assert (counts["total"], counts["online"], counts["offline"], counts["fault"]) == (6, 3, 2, 1)
    only_faults = client.get(LIST, {"status": "fault"})
    assert [c.status for c in only_faults.context["page"]] == ["fault"]
    # The counts stay those of every status, so the chips still say what else there is.
    assert only_faults.context["counts"]["online"] == 3


def test_filters_by_community_grid_kind_and_keyword(client, dispatcher, make_map_camera, tree):
    a = make_map_camera("g1", name="洪德路与南华西路交界", kind=CameraKind.DOME)
    b = make_map_camera("g2", name="鳌洲外街中段", address="鳌洲外街12号")
    c = make_map_camera("g3", name="福安街口", kind=CameraKind.AI)
    login(client, dispatcher)

    def shown(**params):
        return {cam.pk for cam in client.get(LIST, params).context["page"]}

    assert shown() == {a.pk, b.pk, c.pk}
    assert shown(community=tree["c101"].pk) == {a.pk, b.pk}
    assert shown(grid=tree["g3"].pk) == {c.pk}
    assert shown(kind="ai") == {c.pk}
    assert shown(q="洪德") == {a.pk}
    assert shown(q="12号") == {b.pk}
    assert shown(q=c.code[-5:]) == {c.pk}
    assert shown(kind="nonsense", grid="x", status="unknown") == {a.pk, b.pk, c.pk}


def test_each_row_links_to_the_map_and_marks_a_silent_online_camera(
    client, dispatcher, make_map_camera
):
    now = timezone.now()
    fresh = make_map_camera(last_heartbeat_at=now - dt.timedelta(minutes=2))
    silent = make_map_camera(last_heartbeat_at=now - dt.timedelta(minutes=25))
    offline = make_map_camera(
        status=CameraStatus.OFFLINE, last_heartbeat_at=now - dt.timedelta(hours=5)
    )
    login(client, dispatcher)
    response = client.get(LIST)
    rows = {c.pk: c for c in response.context["page"]}
    assert not rows[fresh.pk].stale and rows[fresh.pk].heartbeat == "2 分钟前"
    assert rows[silent.pk].stale and rows[silent.pk].heartbeat == "25 分钟前"
    assert not rows[offline.pk].stale and rows[offline.pk].heartbeat == "5 小时前"
    assert f'href="/command/map/?camera={silent.pk}"' in response.text
    assert "在地图上查看" in response.text and "text-danger fw-semibold" in response.text


def test_the_list_takes_the_same_few_queries_whatever_it_holds(
    client, dispatcher, make_map_camera, django_assert_max_num_queries
):
    make_map_camera()
    login(client, dispatcher)
    client.get(LIST)
    # session, user, the status counts (which the pages reuse), the page, the filters' areas
    with django_assert_max_num_queries(5) as few:
        client.get(LIST)
    for n in range(60):
        make_map_camera(["g1", "g2", "g3"][n % 3])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST, {"page": 2})
    assert len(response.context["page"]) == 11
    assert response.context["page"].paginator.num_pages == 2


# -- the export ----------------------------------------------------------------------------


def test_the_export_has_the_filtered_cameras_in_the_import_columns(
    client, dispatcher, make_map_camera
):
    heartbeat = timezone.now() - dt.timedelta(minutes=1)
    first = make_map_camera(
        "g1",
        name="洪德路口",
        address="洪德路1号",
        direction=90,
        fov=75,
        stream_url="http://video.nhx.local/live/1.m3u8",
        vendor="海康威视",
        last_heartbeat_at=heartbeat,
    )
    make_map_camera("g3", status=CameraStatus.FAULT)
    login(client, dispatcher)
    response = client.get(EXPORT, {"status": "online"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response.content)
    assert rows[0][:13] == (
        "编码", "名称", "安装地址", "经度", "纬度", "坐标系", "朝向", "视场角",
        "类型", "视频流类型", "视频流地址", "厂商", "状态",
    )  # fmt: skip
    assert rows[0][13:] == ("所属网格", "网格编码", "最近心跳")
    assert len(rows) == 2
    row = rows[1]
    assert row[:13] == (
        first.code, "洪德路口", "洪德路1号", 113.2425, 23.1025, "WGS84", 90, 75,
        "枪机", "HLS", "http://video.nhx.local/live/1.m3u8", "海康威视", "在线",
    )  # fmt: skip
    assert row[13:15] == ("鳌洲第一网格", "440105008101001")
    local = timezone.localtime(heartbeat).replace(tzinfo=None)
    assert abs((row[15] - local).total_seconds()) < 1


def test_the_export_neutralises_formulas(client, dispatcher, make_map_camera):
    make_map_camera(
        name='=HYPERLINK("http://evil.example","点我")', address="+1-1", vendor="@SUM(A1)"
    )
    login(client, dispatcher)
    row = sheet_rows(client.get(EXPORT).content)[1]
    assert row[1] == '\'=HYPERLINK("http://evil.example","点我")'
    assert row[2] == "'+1-1" and row[11] == "'@SUM(A1)"


# -- alert sources -------------------------------------------------------------------------


def test_a_new_source_shows_its_secret_once(client, dispatcher, tree):
    login(client, dispatcher)
    response = client.post(
        SOURCES, {"name": "视频监控平台", "street": tree["street"].pk, "merge_minutes": 20}
    )
    assert response.status_code == 200
    source = AlertSource.objects.get()
    secret = response.context["secret"]
    assert len(secret) >= 40 and secret in response.text and source.key_id in response.text
    assert "no-store" in response["Cache-Control"]
    assert reveal(source.secret_cipher) == secret and secret not in source.secret_cipher
    assert (source.name, source.street_id, source.merge_minutes) == (
        "视频监控平台",
        tree["street"].pk,
        20,
    )
    entry = AuditEntry.objects.get(action="alert_source.create")
    assert entry.actor == dispatcher and secret not in str(entry.after)
    page = client.get(SOURCES)
    assert source.key_id in page.text and secret not in page.text
    assert secret not in str(dict(client.session))


def test_a_source_needs_a_name_and_one_of_the_users_streets(client, dispatcher, tree):
    login(client, dispatcher)
    response = client.post(SOURCES, {"name": " ", "street": tree["street"].pk, "merge_minutes": 30})
    assert response.status_code == 400 and "请填写接入方名称" in response.text
    response = client.post(
        SOURCES, {"name": "平台", "street": tree["other_street"].pk, "merge_minutes": 30}
    )
    assert response.status_code == 400 and "请选择您所在的街道" in response.text
    response = client.post(
        SOURCES, {"name": "平台", "street": tree["street"].pk, "merge_minutes": 0}
    )
    assert response.status_code == 400
    assert response.context["form"]["name"].value() == "平台"
    assert not AlertSource.objects.exists()


def test_disabling_a_source_is_audited_and_other_streets_sources_are_404(
    client, dispatcher, other_dispatcher, tree
):
    from gridgov.command.actions import create_alert_source

    ours, _secret = create_alert_source(None, "AI智能分析盒", tree["street"])
    theirs, _secret = create_alert_source(None, "龙凤视频平台", tree["other_street"])
    login(client, dispatcher)
    page = client.get(SOURCES)
    assert ours.key_id in page.text and theirs.key_id not in page.text
    url = reverse("command:alert_source_disable", args=[theirs.pk])
    assert client.post(url).status_code == 404
    assert client.get(reverse("command:alert_source_disable", args=[ours.pk])).status_code == 405
    response = client.post(reverse("command:alert_source_disable", args=[ours.pk]))
    assert response.status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert not ours.is_active and theirs.is_active
    entry = AuditEntry.objects.get(action="alert_source.disable")
    assert entry.actor == dispatcher and entry.object_id == str(ours.pk)
