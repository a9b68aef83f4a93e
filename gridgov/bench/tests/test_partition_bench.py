"""The partition benchmark runs on a small generated community without the database:
`gridgov bench --only partition` finds it, prints ours, the METIS baseline and the
redraw side by side with the targets, and our layouts cover the community exactly."""

import re

import pytest

from gridgov.bench import partition as bench
from gridgov.bench.runner import run

SIZE = 150


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(bench, "SIZES", (SIZE,))
    monkeypatch.setattr(bench, "RUNS", 1)


def _figure(note: str, name: str) -> float:
    return float(re.search(rf"{name} ([0-9.]+)", note).group(1))


def test_ours_baseline_and_redraw_are_printed_with_the_targets(small):
    result = bench.partition_bench(None)

    assert list(result.notes) == [
        f"{SIZE} ours",
        f"{SIZE} baseline",
        f"{SIZE} re-partition",
        "targets",
    ]
    assert result.unit == "buildings/s" and result.rate > 0 and result.count == SIZE
    for key in (f"{SIZE} ours", f"{SIZE} re-partition"):
        assert _figure(result.notes[key], "disconnected") == 0
        assert _figure(result.notes[key], "gap") < 1.0
        assert _figure(result.notes[key], "overlap") < 1.0
    assert result.errors == 0
    moved = _figure(result.notes[f"{SIZE} re-partition"], "moved")
    assert 0 <= moved <= 100
    assert result.notes["targets"].startswith(f"at {SIZE} buildings: ")
    assert result.notes["targets"].count("met") == 7  # each target, met or NOT met


def test_bench_command_finds_it_by_name(small, capsys):
    assert run(only="partition") == 0

    printed = capsys.readouterr().out
    assert printed.startswith("partition ")
    assert f"{SIZE} baseline" in printed and "targets" in printed
