"""The map's cards (GET /command/cards/<kind>/<id>/): fragments for the side panel,
each limited to the user's scope, and dispatch from the case card (派TA核实)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gridgov.cases import actions as case_actions
from gridgov.cases.models import Case
from gridgov.command import actions
from gridgov.command.card_views import safe_stream_url
from gridgov.core.masking import mask_name as masked_name
from gridgov.testing import login

pytestmark = pytest.mark.django_db


def card_url(kind, pk):
    return reverse("command:card", kwargs={"kind": kind, "pk": pk})


def card(client, kind, pk) -> str:
    response = client.get(card_url(kind, pk))
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "<html" not in html and "<body" not in html  # a fragment, not a page
    assert 'class="map-card' in html
    assert f'data-kind="{kind}"' in html and f'data-id="{pk}"' in html
    return html


def verify(client, case, worker, version=None):
    return client.post(
        reverse("command:verify", kwargs={"pk": case.pk}),
        {"worker": worker, "version": case.version if version is None else version},
    )


# -- who may open cards ---------------------------------------------------------------


@pytest.mark.parametrize("persona", ["grid_worker", "department_staff", "stranger"])
def test_roles_without_the_map_get_403(client, map_world, personas, persona):
    login(client, personas[persona])
    assert client.get(card_url("case", map_world["cases"]["case1"].pk)).status_code == 403


def test_an_unknown_kind_or_record_is_404(client, map_world, dispatcher):
    login(client, dispatcher)
    assert client.get(card_url("resident", 1)).status_code == 404
    for kind in ("case", "camera", "grid", "building", "worker"):
        assert client.get(card_url(kind, 999_999)).status_code == 404


def test_every_card_outside_scope_is_404(client, map_world, other_dispatcher, community102, tree):
    w = map_world
    ours = [
        ("case", w["cases"]["case1"].pk),
        ("camera", w["cameras"]["cam1"].pk),
        ("grid", tree["g1"].pk),
        ("grid", tree["c101"].pk),
        ("building", w["buildings"]["b1"].pk),
        ("worker", w["workers"]["w1"].pk),
    ]
    for user in (other_dispatcher, community102):
        login(client, user)
        for kind, pk in ours:
            assert client.get(card_url(kind, pk)).status_code == 404, (user, kind)
    # The district and the street themselves have no card.
    login(client, other_dispatcher)
    assert client.get(card_url("grid", tree["other_street"].pk)).status_code == 404


# -- the case card --------------------------------------------------------------------


def test_the_case_card_sums_up_the_case_and_suggests_the_nearest_workers(
    client, map_world, dispatcher
):
    case1, w = map_world["cases"]["case1"], map_world["workers"]
    login(client, dispatcher)

    html = card(client, "case", case1.pk)

    assert 'data-lon="113.243000" data-lat="23.102500"' in html
    assert case1.number in html and "洪德路垃圾堆放" in html
    assert "待受理" in html and "暴露垃圾" in html and "街道" in html
    assert "text-danger" in html and "已超期" in html  # due an hour ago
    assert "上报" in html  # the timeline
    assert reverse("cases:detail", kwargs={"pk": case1.pk}) in html
    # On duty and of the street: w1 then w2; never w3 (an hour old) nor w9.
    assert html.index(f'data-worker="{w["w1"].pk}"') < html.index(f'data-worker="{w["w2"].pk}"')
    assert f'data-worker="{w["w3"].pk}"' not in html
    assert f'data-worker="{w["w9"].pk}"' not in html
    assert html.count("派TA核实") == 2
    assert f'hx-post="{reverse("command:verify", kwargs={"pk": case1.pk})}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'name="version" value="{case1.version}"' in html


def test_the_case_card_shows_the_last_five_steps(client, map_world, dispatcher):
    case2, w1 = map_world["cases"]["case2"], map_world["workers"]["w1"]
    for _n in range(4):
        case2 = case_actions.act(dispatcher, case2, "assign_verify", worker=w1.pk)
    case_actions.act(dispatcher, case2, "accept")
    login(client, dispatcher)
    html = card(client, "case", case2.pk)
    timeline = html.split("map-card-timeline")[1].split("</ol>")[0]
    assert timeline.count("<li") == 5
    assert timeline.index("受理") < timeline.index("派核实")  # newest first
    assert timeline.count("派核实") == 4 and "上报" not in timeline


def test_no_workers_are_offered_to_who_may_not_send_them(client, map_world, personas):
    """Community staff do not hold a case at the street level; a closed case is done."""
    login(client, personas["community_staff"])
    html = card(client, "case", map_world["cases"]["case1"].pk)
    assert "派TA核实" not in html and "就近在岗网格员" not in html


def test_a_closed_case_offers_nothing_to_send(client, map_world, dispatcher):
    login(client, dispatcher)
    html = card(client, "case", map_world["cases"]["closed"].pk)
    assert "已结案" in html and "派TA核实" not in html and "已超期" not in html


def test_the_case_card_in_a_pinned_number_of_queries(
    client, map_world, dispatcher, django_assert_max_num_queries
):
    case1 = map_world["cases"]["case1"]
    login(client, dispatcher)
    card(client, "case", case1.pk)  # the session and access are resolved
    # Session, user, case, events, workers nearby.
    with django_assert_max_num_queries(5):
        card(client, "case", case1.pk)


# -- sending a worker to verify -------------------------------------------------------


def test_sending_the_nearest_worker_answers_the_refreshed_card(client, map_world, dispatcher):
    case1, w1 = map_world["cases"]["case1"], map_world["workers"]["w1"]
    login(client, dispatcher)

    response = verify(client, case1, w1.pk)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="map-card' in html and "alert-success" in html
    assert "已派 grid101001 到现场核实" in html
    case1.refresh_from_db()
    assert case1.verifier == w1 and case1.verify_due_at > timezone.now()
    assert f'name="version" value="{case1.version}"' in html  # the next send is not stale
    assert "核实" in html and "派核实" in html  # the verifier and the new timeline step


def test_a_refusal_shows_in_red_on_the_card(client, map_world, dispatcher):
    case1, w9 = map_world["cases"]["case1"], map_world["workers"]["w9"]
    login(client, dispatcher)

    response = verify(client, case1, w9.pk)

    assert response.status_code == 200
    html = response.content.decode()
    assert "alert-danger" in html and "核实人员必须是本街道在岗的网格员" in html
    case1.refresh_from_db()
    assert case1.verifier is None
    for worker in ("", "abc", "-3"):
        html = verify(client, case1, worker).content.decode()
        assert "alert-danger" in html and "请选择核实的网格员" in html


def test_a_stale_version_is_refused_with_the_reload_message(client, map_world, dispatcher):
    case1, w = map_world["cases"]["case1"], map_world["workers"]
    login(client, dispatcher)
    seen = case1.version
    verify(client, case1, w["w1"].pk, version=seen)

    response = verify(client, case1, w["w2"].pk, version=seen)

    html = response.content.decode()
    assert response.status_code == 200 and "alert-danger" in html
    assert "已被他人处理" in html
    case1.refresh_from_db()
    assert case1.verifier == w["w1"]
    assert f'name="version" value="{case1.version}"' in html


def test_sending_is_refused_to_who_may_not_and_outside_scope(
    client, map_world, personas, other_dispatcher
):
    case1, w1 = map_world["cases"]["case1"], map_world["workers"]["w1"]
    login(client, personas["community_staff"])
    html = verify(client, case1, w1.pk).content.decode()
    assert "alert-danger" in html and "无权" in html
    login(client, other_dispatcher)
    assert verify(client, case1, w1.pk).status_code == 404
    login(client, personas["grid_worker"])
    assert verify(client, case1, w1.pk).status_code == 403
    assert Case.objects.get(pk=case1.pk).verifier is None


def test_verify_takes_only_posts(client, map_world, dispatcher):
    login(client, dispatcher)
    url = reverse("command:verify", kwargs={"pk": map_world["cases"]["case1"].pk})
    assert client.get(url).status_code == 405


def test_verify_needs_the_csrf_token(map_world, dispatcher):
    from django.test import Client

    client = login(Client(enforce_csrf_checks=True), dispatcher)
    case1, w1 = map_world["cases"]["case1"], map_world["workers"]["w1"]
    url = reverse("command:verify", kwargs={"pk": case1.pk})
    data = {"worker": w1.pk, "version": case1.version}
    assert client.post(url, data).status_code == 403
    html = client.get(card_url("case", case1.pk)).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert client.post(url, data, HTTP_X_CSRFTOKEN=token).status_code == 200


# -- the other cards ------------------------------------------------------------------


def test_the_camera_card_hides_the_streams_password_and_lists_alerts(
    client, map_world, dispatcher, tree
):
    cam1 = map_world["cameras"]["cam1"]
    source, _secret = actions.create_alert_source(None, "AI 盒子", tree["street"])
    alert, _created = actions.receive_alert(
        source,
        alert_id="a-1",
        camera_code=cam1.code,
        kind="garbage",
        occurred_at=timezone.now() - dt.timedelta(minutes=3),
    )
    login(client, dispatcher)

    html = card(client, "camera", cam1.pk)

    assert cam1.code in html and "洪德路口" in html and "枪机" in html and "在线" in html
    assert "rtsp://10.0.0.5:554/live" in html
    assert "s3cret" not in html and "admin" not in html
    assert "90°" in html and "鳌洲第一网格" in html
    assert alert.case.number in html and "暴露垃圾" in html
    assert reverse("cases:detail", kwargs={"pk": alert.case_id}) in html
    assert 'data-lon="113.242500"' in html


def test_a_web_stream_is_a_link_and_a_dome_looks_all_round(client, map_world, dispatcher):
    cam3 = map_world["cameras"]["cam3"]
    cam3.stream_url = "https://user:pw@video.example.cn/play?id=7"
    cam3.save()
    login(client, dispatcher)
    html = card(client, "camera", cam3.pk)
    assert 'href="https://video.example.cn/play?id=7"' in html and "pw@" not in html
    assert "360°" in html and "离线" in html and "暂无告警" in html


def test_the_grid_card_counts_what_the_grid_holds(client, map_world, dispatcher, tree):
    login(client, dispatcher)
    html = card(client, "grid", tree["g1"].pk)

    assert "鳌洲第一网格" in html and "440105008101001" in html
    assert "grid101001" in html and "在岗" in html
    stats = html.split("map-card-stats")[1]
    assert [part.split("<")[0] for part in stats.split('fs-6">')[1:4]] == ["3", "1", "1"]
    assert "洪德路垃圾堆放" in html and "已处理的垃圾" not in html
    assert reverse("places:area_detail", kwargs={"code": "440105008101001"}) in html


def test_a_community_card_adds_up_its_grids(client, map_world, dispatcher, tree):
    login(client, dispatcher)
    html = card(client, "grid", tree["c101"].pk)
    assert "鳌洲社区" in html and "grid101001" in html and "grid101002" in html
    assert "洪德路垃圾堆放" in html and "鳌洲街道路不洁" in html


def test_the_building_card_lists_dwellings_with_names_masked(client, map_world, dispatcher):
    b1 = map_world["buildings"]["b1"]
    login(client, dispatcher)
    html = card(client, "building", b1.pk)

    assert "洪德大厦" in html and "洪德路1号" in html
    assert "101" in html and "102" in html and "出租屋" in html
    assert "欧**" in html and "欧阳明" not in html
    assert "共 2 套" in html
    assert reverse("people:building_detail", kwargs={"pk": b1.pk}) in html


def test_the_worker_card_offers_the_trail(client, map_world, dispatcher):
    w = map_world["workers"]
    login(client, dispatcher)

    html = card(client, "worker", w["w1"].pk)
    assert "grid101001" in html and "鳌洲第一网格" in html and "在岗" in html
    assert f'data-trail-user="{w["w1"].pk}"' in html and "查看轨迹" in html
    assert "约 8 米" in html

    html = card(client, "worker", w["w3"].pk)
    assert "离线" in html and "超过 30 分钟未更新" in html


@pytest.mark.parametrize(
    "url, shown",
    [
        ("rtsp://admin:12345@192.168.1.64:554/Streaming/Channels/101",
         "rtsp://192.168.1.64:554/Streaming/Channels/101"),
        ("http://user@cam.local/live.m3u8", "http://cam.local/live.m3u8"),
        ("https://video.example.cn/a@b", "https://video.example.cn/a@b"),
        ("", ""),
    ],
)  # fmt: skip
def test_stream_addresses_lose_their_credentials(url, shown):
    assert safe_stream_url(url) == shown


def test_names_are_masked_to_the_surname():
    assert masked_name("张三") == "张*"
    assert masked_name("欧阳娜娜") == "欧***"
    assert masked_name("李") == "李*"
    assert masked_name("") == ""
