"""A long list's page is read as its ids first, then their rows: the page holds the same
rows in the same order as a plain slice, whatever the filters and joins, and the count
stops at the cap."""

import pytest

from gridgov.cases import queries
from gridgov.core import pagination
from gridgov.core.pagination import CappedPaginator, capped_count, page_rows


@pytest.fixture
def cases(report):
    return [report(title=f"路灯不亮 {i}") for i in range(7)] + [report(title="井盖缺失")]


def test_a_page_is_the_plain_slice(cases, dispatcher):
    listed = queries.filtered_cases(dispatcher, queries.CaseFilters(q="路灯"))
    for bottom, top in ((0, 3), (3, 6), (6, 9), (9, 12)):
        plain = [c.pk for c in listed[bottom:top]]
        assert [c.pk for c in page_rows(listed, bottom, top)] == plain
    first = page_rows(listed, 0, 1)[0]
    assert first.category.code and first.grid.name  # the joins came along


def test_the_paginator_pages_through_in_order(cases, dispatcher, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    listed = queries.filtered_cases(dispatcher, queries.CaseFilters())
    paginator = CappedPaginator(listed, 4)
    assert paginator.capped and paginator.count == 6 == capped_count(listed)
    pages = [[c.pk for c in paginator.page(n)] for n in (1, 2)]
    assert pages == [[c.pk for c in listed[:4]], [c.pk for c in listed[4:6]]]


def test_lists_of_plain_rows_page_too():
    assert page_rows([1, 2, 3], 1, 5) == [2, 3]
    assert capped_count(list(range(3))) == 3
