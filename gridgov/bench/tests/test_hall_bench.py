"""The service hall's benchmarks run end to end on a small demo street, briefly, over
real sockets (the test's live server standing in for gunicorn): the windows call
without errors and never take a number twice, the notes carry the target and the
burst, and the windows are closed again afterwards."""

import functools
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from gridgov.bench import REGISTRY
from gridgov.bench import hall as bench
from gridgov.bench.http import BenchContext
from gridgov.hall.models import Ticket, TicketStatus, Window, WindowStatus

WINDOWS = range(101, 105)


@pytest.fixture
def brief(monkeypatch):
    monkeypatch.setattr(bench, "BENCH_WINDOWS", WINDOWS)
    monkeypatch.setattr(bench, "WAITING", 40)
    monkeypatch.setattr(bench, "CALLS", 3)
    monkeypatch.setattr(bench, "WARMUP_CALLS", 1)
    monkeypatch.setattr(bench, "SERVICE_SECONDS", (0.0, 0.05))
    monkeypatch.setattr(bench, "BURST_ROUNDS", 2)
    monkeypatch.setattr(bench, "load", functools.partial(bench.load, seconds=0.5, warmup=0.2))


@pytest.fixture
def ctx(live_server):
    context = BenchContext()
    context._server = SimpleNamespace(port=urlsplit(live_server.url).port)
    return context


def test_both_are_registered_by_the_issues_names():
    assert REGISTRY["hall_call_next"].floor == REGISTRY["hall_stats_year"].floor == "http_floor"


def test_call_next_calls_each_number_once_and_closes_its_windows(small_demo, brief, ctx):
    result = bench.hall_call_next(ctx)

    measured = len(WINDOWS) * (bench.CALLS - bench.WARMUP_CALLS)
    assert result.count == measured and result.errors == 0 and result.p95_ms is not None
    assert result.notes["burst"].startswith(f"all {len(WINDOWS)} at once, 2 rounds: p50 ")
    assert "p95 ≤ 50 ms: " in result.notes["target"]
    # As many numbers called as calls made: none was handed to two windows.
    called = Ticket.objects.filter(window__number__in=WINDOWS)
    assert called.count() == len(WINDOWS) * (bench.CALLS + bench.BURST_ROUNDS)
    assert not called.filter(status=TicketStatus.WAITING).exists()
    windows = Window.objects.filter(number__in=WINDOWS)
    assert set(windows.values_list("status", flat=True)) == {WindowStatus.CLOSED}


def test_stats_year_opens_the_page_by_window_clerk_and_item(small_demo, brief, ctx):
    result = bench.hall_stats_year(ctx)

    assert result.count > 0 and result.errors == 0
    assert {"window", "clerk", "item"} <= set(result.notes)
    assert "p95 ≤ 300 ms: " in result.notes["target"]
    assert result.notes["applications"].endswith("in the database")
