"""The command center's benchmarks run end to end on a small demo street, briefly: the
points land where `grid_at` puts them, the map layers (also while cases are reported)
and the signed alerts go over real sockets (the test's live server standing in for
gunicorn) and answer without errors, and `gridgov bench --only` finds them by name."""

import json
from contextlib import contextmanager
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.db.models import Count

from gridgov.bench import REGISTRY
from gridgov.bench import command as bench
from gridgov.bench.http import BenchContext
from gridgov.bench.runner import run
from gridgov.cases.models import Case
from gridgov.command.models import AlertSource, Camera, CameraAlert
from gridgov.places.locate import grid_at
from gridgov.places.models import Building


@pytest.fixture
def brief(monkeypatch):
    monkeypatch.setattr(bench, "POINTS", 3_000)
    monkeypatch.setattr(bench, "SCALAR_SECONDS", 0.3)
    monkeypatch.setattr(bench, "SECONDS", 1.0)
    monkeypatch.setattr(bench, "WARMUP", 1.0)


@pytest.fixture
def ctx(live_server, monkeypatch):
    """A run's context whose server is the test's live server (it sees the test
    database, which a gunicorn started here would not); the "fresh server" for cold
    layers is the same one with its cache emptied."""
    from django.core.cache import cache

    port = urlsplit(live_server.url).port

    @contextmanager
    def fresh_server():
        cache.clear()
        yield port

    monkeypatch.setattr(bench, "_fresh_server", fresh_server)
    context = BenchContext()
    context._server = SimpleNamespace(port=port)
    return context


def test_the_benchmarks_are_registered_by_the_issues_names():
    from gridgov.bench import command  # noqa: F401  (what `run` imports)

    names = {"map_layers", "map_layers_under_writes", "locate_points", "camera_alert"}
    assert names <= set(REGISTRY)
    assert {REGISTRY[n].floor for n in names - {"locate_points"}} == {"http_floor"}
    assert REGISTRY["locate_points"].floor is None


def test_locate_points_runs_alone_from_the_command_and_agrees_with_grid_at(
    small_demo, brief, tmp_path, capsys
):
    out = tmp_path / "bench.json"

    assert run(only="locate_points", json_path=str(out)) == 0

    [result] = json.loads(out.read_text())
    assert result["name"] == "locate_points" and result["unit"] == "points/s"
    assert result["count"] == 3_000 and result["rate"] > 0 and result["errors"] == 0
    assert result["notes"]["grids"].startswith("79 in 南华西街道")
    printed = capsys.readouterr().out
    assert "locate_points" in printed and "100,000 points/s" in printed and "grid_at" in printed


def test_camera_alert_sends_signed_alerts_that_become_cases(small_demo, brief, ctx, monkeypatch):
    # Each server thread's first alert is slow (the first case it reports): warm up longer.
    monkeypatch.setattr(bench, "WARMUP", 3.0)
    cases_before = Case.objects.count()

    result = bench.camera_alert(ctx)

    assert result.count > 0 and result.errors == 0 and result.p99_ms is not None
    source = AlertSource.objects.get(name="bench")
    assert not source.is_active  # disabled when the run is over
    alerts = CameraAlert.objects.filter(source=source)
    assert alerts.count() >= result.count
    assert Case.objects.count() == cases_before + alerts.filter(joined=False).count()
    assert "joined an open case" in result.notes["alerts"]


def test_a_street_without_cameras_gets_a_few_placed_in_its_grids(small_demo):
    street = bench._street()
    CameraAlert.objects.filter(camera__street=street).delete()
    Camera.objects.filter(street=street).delete()

    codes = bench._bench_cameras(street)

    cameras = Camera.objects.filter(code__in=codes)
    per_grid = Building.objects.filter(street=street).values("grid").annotate(n=Count("id"))
    expected = sum(min(row["n"], bench.CAMERAS_PER_GRID) for row in per_grid)
    assert len(codes) == cameras.count() == expected > 0
    for camera in cameras:
        assert grid_at(camera.lon, camera.lat) == camera.grid
        assert Building.objects.filter(lon=camera.lon, lat=camera.lat).exists()


def test_map_layers_loads_the_five_layers_cold_then_warm(small_demo, brief, ctx, monkeypatch):
    target = Case.objects.open().count() + 5
    monkeypatch.setattr(bench, "OPEN_CASES_EXPECTED", target)

    result = bench.map_layers(ctx)

    # The missing open cases were reported first, so the layers hold what the target sets.
    assert result.notes["reported_to_reach_target"] == 5
    assert result.notes["open_cases"] == target
    assert result.errors == 0 and result.count > 0
    for layer in bench.LAYERS:
        assert {"p50_ms", "cold_ms", "cached_ms", "gzip_kb", "features"} <= set(result.notes[layer])
        assert "encoding" not in result.notes[layer]  # each answer came gzipped
    assert result.notes["in_the_layers"].startswith("areas: ")
    assert "target ≤ 200 ms" in result.notes["whole_map_cold"]
    assert "target ≤ 1 MB" in result.notes["whole_map_gzip"]


def test_map_layers_under_writes_loads_the_cases_layer_while_cases_are_reported(
    small_demo, brief, ctx, monkeypatch
):
    monkeypatch.setattr(bench, "OPEN_CASES_EXPECTED", 0)  # the small demo as it is
    cases_before = Case.objects.count()

    result = bench.map_layers_under_writes(ctx)

    assert result.errors == 0 and result.count > 0 and result.p95_ms is not None
    reported = int(result.notes["writes"].split()[0].replace(",", ""))
    assert reported > 0 and Case.objects.count() == cases_before + reported
    assert "p95 ≤ 100 ms" in result.notes["target"]
