"""The demo's catalogue: the words residents use for the common items find them."""

from gridgov.demo.hall import load_hall
from gridgov.demo.hall_items import ALIASES, ITEMS
from gridgov.hall.catalogue_queries import published_items


def test_every_alias_belongs_to_an_item_of_the_demo():
    names = {name for entries in ITEMS.values() for name, _days, _materials in entries}
    assert set(ALIASES) <= names


def test_residents_words_find_the_demo_items(tree):
    street = tree["street"]
    load_hall(street, applications=0)
    for q, name in [
        ("低保", "最低生活保障申请"),
        ("残疾证", "残疾人证申领初审"),
        ("社保卡", "社会保障卡申领"),
        ("gongzufang", "公共租赁住房申请初审"),
        ("zzz", "广东省居住证申领"),
    ]:
        assert name in [item.name for item in published_items(street.pk, q)], q
