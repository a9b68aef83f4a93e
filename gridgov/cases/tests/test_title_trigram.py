"""The case list's search by words of the title goes through the trigram index
(core.textsearch) and finds what the plain `contains` filter finds, on both databases."""

import pytest
from django.db.models import Q

from gridgov.cases import queries
from gridgov.cases.models import Case
from gridgov.core.textsearch import contains_q

TITLES = ["幸福里路灯不亮", "路灯杆倾斜", "垃圾堆放", "井盖缺失 No.3", "no.3 楼道堆物"]
TERMS = ["灯", "路灯", "路灯不", "灯不亮", "垃圾堆放", "堆", "No.", "no.3", "井盖缺失 N", "亮灯"]
TERMS += ["NO", "o.", "3 ", "杆倾", "斜", "井盖", "失 "]


@pytest.fixture
def titled(report):
    return [report(title=title) for title in TITLES]


@pytest.mark.parametrize("term", TERMS)
def test_the_index_finds_what_contains_finds(titled, term):
    through_index = Case.objects.filter(contains_q(Case, "title", term))
    plain = Case.objects.filter(Q(title__contains=term))
    assert sorted(through_index.values_list("pk", flat=True)) == sorted(
        plain.values_list("pk", flat=True)
    )


def test_the_list_filter_finds_titles_and_numbers(titled, dispatcher):
    by_words = queries.filtered_cases(dispatcher, queries.CaseFilters(q="路灯"))
    assert sorted(c.title for c in by_words) == ["幸福里路灯不亮", "路灯杆倾斜"]
    number = titled[2].number
    by_number = queries.filtered_cases(dispatcher, queries.CaseFilters(q=number))
    assert [c.title for c in by_number] == ["垃圾堆放"]
    retitled = titled[0]
    Case.objects.filter(pk=retitled.pk).update(title="路面塌陷")
    found = queries.filtered_cases(dispatcher, queries.CaseFilters(q="路面塌"))
    assert [c.pk for c in found] == [retitled.pk]
    found = queries.filtered_cases(dispatcher, queries.CaseFilters(q="塌陷"))
    assert [c.pk for c in found] == [retitled.pk]
    assert not queries.filtered_cases(dispatcher, queries.CaseFilters(q="不亮")).exists()
