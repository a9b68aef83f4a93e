"""The grid partition pages: who sees them, the form's errors, the preview with both
layouts, apply and discard from the page, GeoJSON exports, pinned query counts."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gridgov.accounts.roles import Role
from gridgov.places.layout_actions import apply_layout, propose_layout
from gridgov.places.models import Area, Building, GridLayout, LayoutStatus
from gridgov.testing import login, make_user


@pytest.fixture
def staff_client(client, street_staff):
    return login(client, street_staff)


@pytest.fixture
def proposal(street_staff, tree, buildings):
    return propose_layout(street_staff, tree["c101"], fresh=True)


def test_the_index_lists_the_communities_of_ones_street(
    staff_client, tree, buildings, django_assert_num_queries
):
    with django_assert_num_queries(6):
        response = staff_client.get("/areas/partition/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "鳌洲社区" in page and "福安社区" in page and "凤阳社区" not in page
    assert "2125" in page  # households of 鳌洲社区's buildings


@pytest.mark.parametrize(
    "role, area",
    [(Role.COMMUNITY_STAFF, "c101"), (Role.GRID_WORKER, "g1"), (Role.STREET_LEADER, "street")],
)
def test_the_partition_pages_are_for_street_staff(client, tree, buildings, role, area):
    login(client, make_user(f"u-{role}", role, tree[area]))
    assert client.get("/areas/partition/").status_code == 403
    assert client.get("/areas/partition/440105008101/").status_code == 403
    response = client.post("/areas/partition/440105008101/", {"target": 250, "tolerance": 20})
    assert response.status_code == 403 and not GridLayout.objects.exists()


def test_another_streets_community_and_layouts_are_not_found(client, other_street_staff, proposal):
    login(client, other_street_staff)
    assert client.get("/areas/partition/440105008101/").status_code == 404
    assert client.get(f"/areas/layouts/{proposal.pk}/").status_code == 404
    assert client.get(f"/areas/layouts/{proposal.pk}.geojson").status_code == 404
    response = client.post(
        f"/areas/layouts/{proposal.pk}/apply/", {"effective_on": timezone.localdate()}
    )
    assert response.status_code == 404
    assert GridLayout.objects.get().status == LayoutStatus.PROPOSED


def test_the_form_makes_a_proposal_and_shows_it(staff_client, tree, buildings):
    response = staff_client.post(
        "/areas/partition/440105008101/", {"target": 250, "tolerance": 20, "fresh": "on"}
    )
    layout = GridLayout.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/areas/layouts/{layout.pk}/"
    assert layout.method == "fresh" and layout.created_by.username == "street008"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"target": 20, "tolerance": 20}, "目标户数不能少于 50。"),
        ({"target": "多", "tolerance": 20}, "目标户数必须是整数。"),
        ({"target": 250, "tolerance": 80}, "允许偏差不能大于 50%。"),
        ({"tolerance": 20}, "请填写目标户数。"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(staff_client, buildings, data, message):
    response = staff_client.post("/areas/partition/440105008101/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not GridLayout.objects.exists()


def _barrier_file(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("roads.geojson", content, content_type="application/geo+json")


def test_a_bad_barrier_file_is_explained(staff_client, buildings):
    point = json.dumps({"type": "Point", "coordinates": [113.245, 23.105]}).encode()
    for content, message in ((b"{not json", "不是有效的 GeoJSON"), (point, "只能是 LineString")):
        response = staff_client.post(
            "/areas/partition/440105008101/",
            {"target": 250, "tolerance": 20, "barriers": _barrier_file(content)},
        )
        assert message in response.content.decode()
    assert not GridLayout.objects.exists()


def test_grids_follow_a_barrier_road(staff_client, tree, buildings):
    road = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "洪德路"},
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[113.245, 23.09], [113.245, 23.12]],
                },
            }
        ],
    }
    staff_client.post(
        "/areas/partition/440105008101/",
        {
            "target": 250,
            "tolerance": 20,
            "fresh": "on",
            "barriers": _barrier_file(json.dumps(road).encode()),
        },
    )
    layout = GridLayout.objects.get()
    west = {b.code for b in Building.objects.filter(community=tree["c101"], lon__lt=113.245)}
    for grid in {code for code in layout.assignment.values()}:
        members = {b for b, g in layout.assignment.items() if g == grid}
        assert members <= west or not members & west  # no grid crosses the road
    assert layout.report["disconnected"] == 0 and layout.report["gap_m2"] < 1


def test_the_preview_shows_both_layouts_the_report_and_the_moves(
    staff_client, proposal, django_assert_num_queries
):
    with django_assert_num_queries(5):
        response = staff_client.get(f"/areas/layouts/{proposal.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="layout-current"' in page and 'id="layout-proposed"' in page
    assert "应用此方案" in page and "调整网格的楼宇" in page
    assert proposal.moves[0]["building"] in page
    current = json.loads(
        page.split('id="layout-current" type="application/json">')[1].split("</script>")[0]
    )
    assert {f["properties"]["code"] for f in current["features"]} == {
        "440105008101001",
        "440105008101002",
    }


def test_a_proposal_is_hidden_from_those_who_cannot_apply_it(client, tree, proposal):
    login(client, make_user("leader8", Role.STREET_LEADER, tree["street"]))
    assert client.get(f"/areas/layouts/{proposal.pk}/").status_code == 404
    apply_layout(proposal.created_by, proposal)
    response = client.get(f"/areas/layouts/{proposal.pk}/")  # history is for everyone in scope
    assert response.status_code == 200 and "应用此方案" not in response.content.decode()


def test_applying_from_the_page(staff_client, tree, proposal):
    response = staff_client.post(
        f"/areas/layouts/{proposal.pk}/apply/", {"effective_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    assert response["Location"] == "/areas/partition/440105008101/"
    proposal.refresh_from_db()
    assert proposal.status == LayoutStatus.APPLIED
    page = staff_client.get(response["Location"]).content.decode()
    assert "新的网格划分已生效" in page
    assert Area.objects.filter(parent=tree["c101"]).current().count() == len(proposal.grids)


def test_applying_a_stale_or_future_dated_proposal_is_explained(staff_client, proposal, buildings):
    response = staff_client.post(
        f"/areas/layouts/{proposal.pk}/apply/", {"effective_on": "2999-01-01"}, follow=True
    )
    assert "生效日期不能晚于今天" in response.content.decode()
    Building.objects.filter(pk=buildings[0].pk).update(household_count=333)
    response = staff_client.post(
        f"/areas/layouts/{proposal.pk}/apply/",
        {"effective_on": timezone.localdate().isoformat()},
        follow=True,
    )
    page = response.content.decode()
    assert "请重新生成方案" in page and "应用此方案" not in page
    proposal.refresh_from_db()
    assert proposal.status == LayoutStatus.PROPOSED


def test_discarding_from_the_page(staff_client, proposal):
    response = staff_client.post(f"/areas/layouts/{proposal.pk}/discard/")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == LayoutStatus.DISCARDED


def test_the_community_page_lists_the_history(staff_client, proposal, django_assert_num_queries):
    apply_layout(proposal.created_by, proposal)
    with django_assert_num_queries(5):
        response = staff_client.get("/areas/partition/440105008101/")
    page = response.content.decode()
    assert "现行" in page and "历史" in page and "划分前的原有网格" in page


def test_layouts_export_as_geojson(staff_client, proposal):
    response = staff_client.get(f"/areas/layouts/{proposal.pk}.geojson")
    assert response["Content-Type"].startswith("application/geo+json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert len(data["features"]) == len(proposal.grids)
    assert data["assignment"] == proposal.assignment and data["status"] == "proposed"
    current = json.loads(staff_client.get("/areas/partition/440105008101/current.geojson").content)
    assert {f["properties"]["code"] for f in current["features"]} == {
        "440105008101001",
        "440105008101002",
    }
