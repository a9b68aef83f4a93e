"""`search_contains` and `case_list_district` run end to end on a small demo street,
briefly, over real sockets (the test's live server standing in for gunicorn): every
kind of text and filter runs without errors, as a leader of the whole district."""

import functools
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from gridgov.accounts.models import User
from gridgov.bench import REGISTRY
from gridgov.bench import pages as bench
from gridgov.bench.http import BenchContext
from gridgov.people.models import Resident


def test_it_is_registered_by_the_issues_name():
    assert REGISTRY["search_contains"].floor == "http_floor"


@pytest.mark.django_db(transaction=True)
def test_it_searches_names_and_titles_district_wide(live_server, small_demo, monkeypatch):
    monkeypatch.setattr(bench, "load", functools.partial(bench.load, seconds=0.5, warmup=0.2))
    ctx = BenchContext()
    ctx._server = SimpleNamespace(port=urlsplit(live_server.url).port)
    result = bench.search_contains(ctx)
    assert result.count > 0 and result.errors == 0
    assert {"name_2", "name_3", "title", "api_name_3", "api_title"} <= set(result.notes)
    district_leader = User.objects.get(username="bench_district")
    assert Resident.objects.visible_to(district_leader).count() == Resident.objects.count()


@pytest.mark.django_db(transaction=True)
def test_the_district_case_list_runs_every_filter(live_server, small_demo, monkeypatch):
    from gridgov.bench import cases as case_bench

    monkeypatch.setattr(
        case_bench, "load", functools.partial(case_bench.load, seconds=0.5, warmup=0.2)
    )
    ctx = BenchContext()
    ctx._server = SimpleNamespace(port=urlsplit(live_server.url).port)
    result = case_bench.case_list_district(ctx)
    assert result.count > 0 and result.errors == 0
    assert {"all", "open", "grid", "number", "page_5"} <= set(result.notes)
