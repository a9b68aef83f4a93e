"""Searching inside names goes through the trigram index (core.textsearch) and finds
exactly what the plain `contains` filter finds, for texts of every length, on both
databases; the index follows every insert, rename and delete."""

import pytest
from django.db.models import Q

from gridgov.core.textsearch import contains_q
from gridgov.people import queries
from gridgov.people.models import Resident
from gridgov.testing import resident

NAMES = ["欧阳明华", "司马相如", "明华", "华明", "张明华", "Anna·李", "anna王", "阿卜杜·热合曼"]
TERMS = ["明", "华", "李", "明华", "欧阳", "马相", "张三", "欧阳明", "阳明华", "明华明", "ANN"]
TERMS += ["Anna", "卜杜·", "·热合曼", "司马相如", "张三丰", "三丰", "zzz", '"明', "明%华", "明_"]
TERMS += ["an", "AN", "na", "a·", "·李", "杜·", "热合", "阳明", "相如", "如", "a王"]


@pytest.fixture
def named(people_base):
    household = people_base["households"]["301"]
    for name in NAMES:
        resident(household, name, relation="other")
    return people_base


def _ids(condition) -> list[int]:
    return sorted(Resident.objects.filter(condition).values_list("pk", flat=True))


@pytest.mark.parametrize("term", TERMS)
def test_the_index_finds_what_contains_finds(named, term):
    assert _ids(contains_q(Resident, "name", term)) == _ids(Q(name__contains=term))


def test_the_index_follows_renames_and_deletes(named):
    renamed = Resident.objects.get(name="司马相如")
    renamed.name = "司徒雷登"
    renamed.save()
    Resident.objects.filter(name="欧阳明华").delete()
    assert _ids(contains_q(Resident, "name", "马相如")) == []
    assert _ids(contains_q(Resident, "name", "欧阳明")) == _ids(Q(name__contains="欧阳明"))
    assert _ids(contains_q(Resident, "name", "徒雷登")) == [renamed.pk]
    assert _ids(contains_q(Resident, "name", "相如")) == []  # the old name's pieces are gone
    assert _ids(contains_q(Resident, "name", "雷登")) == [renamed.pk]
    assert _ids(contains_q(Resident, "name", "阳明")) == _ids(Q(name__contains="阳明"))


def test_search_and_lists_find_a_part_of_a_name_through_it(personas, named):
    leader = personas["street_leader"]
    found = queries.search(leader, "阳明华")
    assert [r.name for r in found.residents.rows] == ["欧阳明华"]
    listed = queries.resident_list(leader, q="明华")
    assert sorted(r.name for r in listed) == ["张明华", "明华", "欧阳明华"]
    by_initials = queries.resident_list(leader, q="smxr")
    assert [r.name for r in by_initials] == ["司马相如"]


def _plan(text: str) -> str:
    """The plan of a bare search (no ordering, so no join). On PostgreSQL a tiny table is
    read whole, and a btree on another column may be picked after other tests' rows
    changed the statistics: with plain and index scans off, only the text index serves."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        return Resident.objects.filter(contains_q(Resident, "name", text)).order_by().explain()


def test_a_long_enough_text_is_looked_up_in_the_index(named):
    assert "people_resident_name_trgm" in _plan("欧阳明")


def test_a_two_character_text_is_looked_up_in_the_pieces_index(named):
    assert "people_resident_name_bigram" in _plan("明华")
