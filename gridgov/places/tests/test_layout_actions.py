"""Grid layouts: propose, apply, discard; history, retired grids, stale proposals,
re-partition with few moves, and who may do it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from gridgov.accounts.roles import Role
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.places.layout_actions import apply_layout, discard_layout, propose_layout
from gridgov.places.locate import grid_at
from gridgov.places.models import Area, Building, GridLayout, LayoutStatus, Level
from gridgov.places.partition import grid_count
from gridgov.places.tests.layout_world import add_building
from gridgov.testing import make_user


def _households(community) -> int:
    return sum(
        Building.objects.filter(community=community).values_list("household_count", flat=True)
    )


def test_a_proposal_covers_the_community_with_grids_near_the_target(street_staff, tree, buildings):
    community = tree["c101"]
    layout = propose_layout(street_staff, community, target=250, tolerance=0.2, fresh=True)

    assert layout.status == LayoutStatus.PROPOSED and layout.method == "fresh"
    assert len(layout.grids) == grid_count(_households(community), 250)
    assert [g["code"] for g in layout.grids] == [
        f"440105008101{n:03d}" for n in range(1, len(layout.grids) + 1)
    ]
    report = layout.report
    assert report["disconnected"] == 0 and report["gap_m2"] < 1 and report["overlap_m2"] < 1
    assert report["within_20"] >= 0.99
    assert sorted(layout.assignment) == sorted(b.code for b in buildings)
    assert sum(g["households"] for g in layout.grids) == _households(community)
    # a proposal changes nothing yet
    assert set(Area.objects.filter(parent=community).values_list("code", flat=True)) == {
        "440105008101001",
        "440105008101002",
    }
    entry = AuditEntry.objects.get(action="grid_layout.propose", object_id=str(layout.pk))
    assert entry.actor == street_staff and entry.after["grids"] == len(layout.grids)


def test_applying_redraws_grids_moves_buildings_and_keeps_the_old_layout(
    street_staff, tree, buildings
):
    community = tree["c101"]
    layout = propose_layout(street_staff, community, fresh=True)
    apply_layout(street_staff, layout)

    layout.refresh_from_db()
    assert layout.status == LayoutStatus.APPLIED
    assert layout.effective_on == timezone.localdate() and layout.applied_by == street_staff
    grids = {a.code: a for a in Area.objects.filter(parent=community).current()}
    assert set(grids) == {g["code"] for g in layout.grids}
    for building in Building.objects.filter(community=community).select_related("grid"):
        assert building.grid.code == layout.assignment[building.code]
        assert grid_at(building.lon, building.lat).code == building.grid.code  # map agrees
    old = GridLayout.objects.get(community=community, status=LayoutStatus.SUPERSEDED)
    assert old.method == "recorded"
    assert {g["code"] for g in old.grids} == {"440105008101001", "440105008101002"}
    assert old.assignment["440105008101-B0001"] == "440105008101001"
    entry = AuditEntry.objects.get(action="grid_layout.apply", object_id=str(layout.pk))
    assert entry.actor == street_staff
    assert entry.after["moved_buildings"] > 0 and entry.before["layout"] == old.pk


def test_grids_a_layout_drops_are_retired_and_kept(street_staff, tree, buildings):
    community = tree["c101"]
    apply_layout(street_staff, propose_layout(street_staff, community, fresh=True))
    before = Area.objects.filter(parent=community).count()
    Building.objects.filter(community=community).update(household_count=20)  # 720 in all
    layout = propose_layout(street_staff, community)
    assert layout.method == "warm" and len(layout.grids) == 3
    apply_layout(street_staff, layout)

    grids = Area.objects.filter(parent=community, level=Level.GRID)
    assert grids.count() == before  # nothing deleted: cases and documents quote the codes
    retired = grids.filter(retired_on__isnull=False)
    assert retired.count() == before - 3
    assert all(g.boundary is None and g.retired_on == timezone.localdate() for g in retired)
    assert not Building.objects.filter(grid__in=retired).exists()
    assert GridLayout.objects.filter(community=community).count() == 3  # recorded, two applied


def test_re_partition_keeps_the_codes_and_moves_few_households(street_staff, tree, buildings):
    community = tree["c101"]
    apply_layout(street_staff, propose_layout(street_staff, community, fresh=True))
    codes_before = set(
        Area.objects.filter(parent=community).current().values_list("code", flat=True)
    )
    assigned = _households(community)
    for n in range(6):  # new estates in the north-east corner: +10 % households
        lon, lat = 113.2488 - n * 0.0003, 23.1092
        add_building(community, grid_at(lon, lat), f"440105008101-N{n:04d}", lon, lat, 35)
    layout = propose_layout(street_staff, community)

    assert layout.method == "warm"
    assert codes_before <= {g["code"] for g in layout.grids}
    moved = sum(m["households"] for m in layout.moves)
    assert moved <= 0.15 * assigned
    assert layout.report["within_20"] >= 0.99 and layout.report["disconnected"] == 0


def test_a_proposal_made_before_the_buildings_changed_is_refused(street_staff, tree, buildings):
    layout = propose_layout(street_staff, tree["c101"], fresh=True)
    Building.objects.filter(pk=buildings[0].pk).update(household_count=400)

    with pytest.raises(ActionError) as refused:
        apply_layout(street_staff, layout)
    assert refused.value.status == 409 and "重新生成" in str(refused.value.message)
    layout.refresh_from_db()
    assert layout.status == LayoutStatus.PROPOSED
    assert Area.objects.filter(parent=tree["c101"]).count() == 2
    assert not AuditEntry.objects.filter(action="grid_layout.apply").exists()


def test_a_layout_is_applied_once_and_a_discarded_one_never(street_staff, tree, buildings):
    first = propose_layout(street_staff, tree["c101"], fresh=True)
    second = propose_layout(street_staff, tree["c101"], fresh=True)
    discard_layout(street_staff, second)
    assert AuditEntry.objects.filter(action="grid_layout.discard").count() == 1
    apply_layout(street_staff, first)
    for layout in (first, second):
        with pytest.raises(ActionError) as refused:
            apply_layout(street_staff, layout)
        assert refused.value.status == 409


def test_the_effective_date_is_not_in_the_future_nor_before_the_current_one(
    street_staff, tree, buildings
):
    today = timezone.localdate()
    layout = propose_layout(street_staff, tree["c101"], fresh=True)
    with pytest.raises(ActionError) as refused:
        apply_layout(street_staff, layout, today + datetime.timedelta(days=1))
    assert refused.value.field == "effective_on"
    apply_layout(street_staff, layout, today - datetime.timedelta(days=10))
    later = propose_layout(street_staff, tree["c101"])
    with pytest.raises(ActionError) as refused:
        apply_layout(street_staff, later, today - datetime.timedelta(days=20))
    assert "不能早于" in str(refused.value.message)


def test_bad_targets_and_empty_communities_get_a_clear_message(street_staff, tree, buildings):
    with pytest.raises(ActionError) as refused:
        propose_layout(street_staff, tree["c101"], target=10)
    assert refused.value.field == "target"
    with pytest.raises(ActionError) as refused:
        propose_layout(street_staff, tree["c102"])
    assert "没有楼宇" in str(refused.value.message)
    assert not GridLayout.objects.exists()


@pytest.mark.parametrize(
    "role, area",
    [
        (Role.COMMUNITY_STAFF, "c101"),
        (Role.GRID_WORKER, "g1"),
        (Role.STREET_LEADER, "street"),
        (Role.DISPATCHER, "street"),
    ],
)
def test_only_street_staff_and_administrators_draw_grids(tree, buildings, role, area):
    user = make_user(f"u-{role}", role, tree[area])
    with pytest.raises(PermissionDenied):
        propose_layout(user, tree["c101"])


def test_a_community_outside_ones_street_is_not_found(
    other_street_staff, street_staff, tree, buildings
):
    with pytest.raises(ActionError) as refused:
        propose_layout(other_street_staff, tree["c101"])
    assert refused.value.status == 404
    layout = propose_layout(street_staff, tree["c101"])
    with pytest.raises(ActionError) as refused:
        apply_layout(other_street_staff, layout)
    assert refused.value.status == 404
    assert GridLayout.objects.get().status == LayoutStatus.PROPOSED


def test_the_command_proposes_and_applies(street_staff, tree, buildings, capsys):
    call_command("partition", "--community", "440105008101", "--as", street_staff.username)
    assert GridLayout.objects.get().status == LayoutStatus.PROPOSED
    assert "待审方案" in capsys.readouterr().out
    call_command("partition", "--all", "--apply", "--fresh", "--as", street_staff.username)
    assert GridLayout.objects.filter(status=LayoutStatus.APPLIED).count() == 1
    err = capsys.readouterr().err
    assert "福安社区" in err and "没有楼宇" in err  # the community without buildings is named
    with pytest.raises(CommandError):
        call_command("partition", "--community", "440105009101", "--as", street_staff.username)
