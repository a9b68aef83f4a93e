"""The patrol geometry's benchmark measures generated 4-hour patrols against the demo
street's grids when the database holds them, against generated grids of 300–450
buildings otherwise, and `gridgov bench --only patrol_coverage` finds it."""

import json

import pytest

from gridgov.bench import REGISTRY
from gridgov.bench import fieldwork as bench
from gridgov.bench.runner import run
from gridgov.fieldwork import coverage
from gridgov.places.models import BuildingUse
from gridgov.testing import place


@pytest.fixture
def few(monkeypatch):
    monkeypatch.setattr(bench, "PATROLS", 3)


def test_it_is_registered_by_the_issues_name_without_a_floor():
    assert REGISTRY["patrol_coverage"].floor is None


def test_without_the_demo_it_measures_generated_grids(db, few, tmp_path, capsys):
    out = tmp_path / "bench.json"

    assert run(only="patrol_coverage", json_path=str(out)) == 0

    [result] = json.loads(out.read_text())
    assert result["name"] == "patrol_coverage" and result["unit"] == "patrols/s"
    assert result["count"] == 3 and result["errors"] == 0 and result["p95_ms"] > 0
    notes = result["notes"]
    assert notes["grids"].startswith("3 generated grids, ")
    low, high = map(int, notes["grids"].split(", ")[1].split()[0].split("–"))
    assert 300 <= low <= high <= 450
    assert "p95 ≤ 50 ms per patrol" in notes["target"]
    printed = capsys.readouterr().out
    assert printed.startswith("patrol_coverage ") and "encode_track" in printed


def test_with_the_demo_street_it_measures_its_grids(tree, few):
    from gridgov.places.models import Building

    grid = tree["g1"]
    for n, (lon, lat) in enumerate([(113.241, 23.101), (113.243, 23.103), (113.244, 23.104)]):
        place(
            Building(
                code=f"B{n}", name="楼", address="路", lon=lon, lat=lat, use=BuildingUse.MIXED
            ),
            grid,
        )

    grids = bench._demo_grids()

    assert [label for label, _o, _b in grids] == [tree[g].code for g in ("g1", "g2", "g3")]
    assert grids[0][2].shape == (3, 2) and len(grids[1][2]) == 0
    result = bench.patrol_coverage(None)
    assert result.notes["grids"] == "3 demo grids, 0–3 buildings"
    assert result.count == 3 and result.p50_ms > 0


def test_a_generated_patrol_is_four_hours_of_five_second_fixes_with_gaps(few):
    import random

    rng = random.Random(1)
    [(_label, outline, buildings)] = bench._generated_grids(1, rng)
    fixes = bench._patrol(outline, buildings, rng)

    summary = coverage.summarize(fixes, outline, buildings)
    assert 2_880 - 2 * 120 <= len(fixes) < 2_880
    assert len(summary.gaps) in (1, 2)  # the two naps may overlap
    assert summary.duration_s <= 4 * 3600 and summary.coverage > 0.1


# -- field_sync --------------------------------------------------------------------------


@pytest.fixture
def live_ctx(live_server):
    """A run's context whose server is the test's live server (it sees the test
    database, which a gunicorn started here would not)."""
    from types import SimpleNamespace
    from urllib.parse import urlsplit

    from gridgov.bench.http import BenchContext

    context = BenchContext()
    context._server = SimpleNamespace(port=urlsplit(live_server.url).port)
    return context


def test_field_sync_is_registered_beside_the_http_floor():
    assert REGISTRY["field_sync"].floor == "http_floor"


def test_field_sync_sends_the_outbox_in_batches_and_one_by_one_storing_each_once(
    small_demo, live_ctx, monkeypatch
):
    from gridgov.cases.models import Case
    from gridgov.fieldwork.models import DiaryItem, Request, Visit

    monkeypatch.setattr(bench, "SYNC_ITEMS", 20)
    monkeypatch.setattr("gridgov.fieldwork.sync.MAX_ITEMS", 8)
    before = [Visit.objects.count(), DiaryItem.objects.count(), Request.objects.count()]
    cases_before = Case.objects.count()

    result = bench.field_sync(live_ctx)

    assert result.name == "field_sync" and result.unit == "items/s"
    assert result.count == 20 and result.errors == 0 and result.rate > 0
    notes = result.notes
    assert "3 batches of ≤ 8" in notes["batch"] and "stored 20" in notes["batch"]
    assert "20 saved" in notes["one_by_one"]
    assert notes["replayed"].startswith("stored nothing: duplicate 20")
    assert "batch ≥ 3× one by one" in notes["target"]
    # Each item stored once by the batch and once by the pages (2 cases of the 20), and
    # the warm-up's one visit.
    after = [Visit.objects.count(), DiaryItem.objects.count(), Request.objects.count()]
    assert sum(after) - sum(before) == 2 * 18 + 1
    assert Case.objects.count() - cases_before == 2 * 2
    assert Case.objects.filter(source_ref__startswith="phone:").count() == 4
