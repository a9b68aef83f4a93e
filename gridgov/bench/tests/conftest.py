"""The benchmarks' tests share a small demo street: the full demo takes minutes."""

import pytest

from gridgov.cases.models import Category
from gridgov.cases.seed import seed_categories
from gridgov.command.models import AlertKind
from gridgov.command.seed import seed_alert_kinds


@pytest.fixture
def small_demo(monkeypatch, transactional_db, purgeable_audit):
    """The demo with a few households, cases and a small hall year (a transactional
    test starts from an emptied database, so the seeded reference data is put back
    first)."""
    from gridgov.demo.load import load_demo

    monkeypatch.setattr("gridgov.demo.population.DEFAULT_HOUSEHOLDS", 40)
    monkeypatch.setattr("gridgov.demo.cases.DEFAULT_CASES", 60)
    monkeypatch.setattr("gridgov.demo.hall.DEFAULT_APPLICATIONS", 300)
    monkeypatch.setattr("gridgov.demo.fieldwork.DEFAULT_DAYS", 14)
    monkeypatch.setattr("gridgov.demo.fieldwork.TRACK_DAYS", 2)
    seed_categories(Category)
    seed_alert_kinds(AlertKind)
    load_demo("Nanhua-2026!")
