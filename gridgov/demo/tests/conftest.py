"""The demo tests load the demo many times: a few households a street and a fortnight
of fieldwork are enough for them (the full street takes a while; its own tests ask for
the size they need)."""

import pytest


@pytest.fixture(autouse=True)
def _small_demo_population(monkeypatch):
    monkeypatch.setattr("gridgov.demo.population.DEFAULT_HOUSEHOLDS", 40)
    monkeypatch.setattr("gridgov.demo.cases.DEFAULT_CASES", 60)
    monkeypatch.setattr("gridgov.demo.hall.DEFAULT_APPLICATIONS", 300)
    monkeypatch.setattr("gridgov.demo.fieldwork.DEFAULT_DAYS", 14)
    monkeypatch.setattr("gridgov.demo.fieldwork.TRACK_DAYS", 2)
