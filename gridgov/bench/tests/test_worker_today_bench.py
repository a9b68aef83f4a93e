"""`worker_today` runs end to end on a small demo street, briefly, over real sockets
(the test's live server standing in for gunicorn): the demo's grid worker gets their
"today" every time, and the figures name the target."""

import functools
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from gridgov.bench import REGISTRY
from gridgov.bench import fieldwork as bench
from gridgov.bench.http import BenchContext


def test_it_is_registered_by_the_issues_name_beside_the_http_floor():
    assert REGISTRY["worker_today"].floor == "http_floor"


@pytest.mark.django_db(transaction=True)
def test_the_grid_worker_opens_today(live_server, small_demo, monkeypatch):
    monkeypatch.setattr(bench, "load", functools.partial(bench.load, seconds=0.5, warmup=0.2))
    ctx = BenchContext()
    ctx._server = SimpleNamespace(port=urlsplit(live_server.url).port)
    result = bench.worker_today(ctx)
    assert result.name == "worker_today" and result.count > 0 and result.errors == 0
    assert "p95 ≤ 100 ms" in result.notes["target"] and "items" in result.notes["listed"]
