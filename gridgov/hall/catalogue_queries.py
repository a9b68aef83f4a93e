"""Reading the service catalogue: which hall a public page shows, its published items
found by keyword or pinyin and grouped by theme, one item with its materials and the
windows that take it; and, for street staff, the street whose catalogue they keep.

The public side sees only published items of one street's hall and nothing personal:
an item, its materials and its window group are reference data. The search matches
pinyin keys stored on the item, of its name and of its aliases; `fill_search_keys`
sets them and every write of an item's name or aliases must call it (the import does,
and so does the aliases form).
"""

import re
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from gridgov.core.scope import street_q
from gridgov.hall.models import HallSettings, ItemStatus, ServiceItem, Theme, Window
from gridgov.people.text import pinyin_keys
from gridgov.places.models import Area, Level

MAX_QUERY = 50
# What a pinyin search looks like once spaces and apostrophes are gone: "zui di", "xi'an".
PINYIN_RE = re.compile(r"^[a-z]+$")
KEYWORD_FIELDS = ("name", "aliases", "code", "department", "conditions")
# The keys `fill_search_keys` sets: saves of an item's name or aliases write them too.
SEARCH_KEY_FIELDS = ("name_pinyin", "name_initials", "alias_keys")
ALIAS_SEPARATOR = "、"
ALIAS_SPLIT_RE = re.compile(r"[、,，;；/\s]+")
# What the public list shows of an item; the rest is on its own page.
LIST_FIELDS = (
    *("code", "name", "theme", "department", "statutory_days", "promised_days", "fee"),
    *("online", "group__letter", "group__name"),
)


def normal_aliases(typed: str) -> str:
    """Aliases as stored: "低保， 最低生活保障 、低保" → "低保、最低生活保障" (split on
    顿号, commas, semicolons, slashes or spaces; each once, in the order typed)."""
    aliases = dict.fromkeys(a for a in ALIAS_SPLIT_RE.split(typed or "") if a)
    return ALIAS_SEPARATOR.join(aliases)


def fill_search_keys(item: ServiceItem) -> ServiceItem:
    """Set the item's pinyin keys from its name ("最低生活保障" → "zuidishenghuobaozhang",
    "zdshbz") and from each of its aliases; the caller saves `SEARCH_KEY_FIELDS`."""
    item.name_pinyin, item.name_initials = pinyin_keys(item.name)
    keys = (key for alias in item.aliases.split(ALIAS_SEPARATOR) for key in pinyin_keys(alias))
    item.alias_keys = "".join(f" {key}" for key in keys if key)[:1000]
    return item


# --- which hall -----------------------------------------------------------------------


def hall_for(street_code: str | None) -> HallSettings:
    """The hall of the street `?street=` names, or of the first street (by code) that has
    one; 404 when there is none. The demo and most deployments have one street."""
    halls = HallSettings.objects.select_related("street").only(
        "name", "signage", "street__code", "street__name"
    )
    code = (street_code or "").strip()
    if code:
        hall = halls.filter(street__code=code[:15]).first()
    else:
        hall = halls.order_by("street__code").first()
    if hall is None:
        raise Http404
    return hall


# --- the public list --------------------------------------------------------------------


def search(items, q: str | None):
    """Items whose name, aliases, code, department or conditions contain every word of
    `q`, or whose name's or an alias's full pinyin or initials start with it (letters
    only)."""
    q = " ".join((q or "").split())[:MAX_QUERY]
    if not q:
        return items
    found = Q()
    for word in q.split():
        found &= Q.create([(f"{name}__icontains", word) for name in KEYWORD_FIELDS], Q.OR)
    letters = q.replace(" ", "").replace("'", "").lower()
    if PINYIN_RE.match(letters):
        found |= (
            Q(name_pinyin__startswith=letters)
            | Q(name_initials__startswith=letters)
            | Q(alias_keys__contains=f" {letters}")
        )
    return items.filter(found)


def published_items(street_id: int, q: str | None = None, theme: str = "") -> list[ServiceItem]:
    """The street's published items matching `q` (and of `theme`, if given), with their
    window group, by code."""
    items = ServiceItem.objects.filter(street_id=street_id, status=ItemStatus.PUBLISHED)
    if theme:
        items = items.filter(theme=theme)
    items = search(items, q).select_related("group").only(*LIST_FIELDS)
    return list(items.order_by("code"))


@dataclass
class ThemeGroup:
    value: str
    label: str
    items: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)


def by_theme(items) -> list[ThemeGroup]:
    """The items under their themes, in the order of `Theme`; themes without items left
    out."""
    groups = {value: ThemeGroup(value, str(label)) for value, label in Theme.choices}
    for item in items:
        groups.setdefault(item.theme, ThemeGroup(item.theme, item.theme)).items.append(item)
    return [group for group in groups.values() if group.items]


def published_item(street_id: int, code: str) -> ServiceItem | None:
    """One published item with its group, its materials in order and, on the group as
    `service_windows`, the numbers of the windows that call it (not the pick-up one)."""
    windows = Prefetch(
        "group__windows",
        queryset=Window.objects.filter(is_pickup=False).only("id", "number").order_by("number"),
        to_attr="service_windows",
    )
    return (
        ServiceItem.objects.filter(street_id=street_id, status=ItemStatus.PUBLISHED, code=code)
        .select_related("group")
        .prefetch_related("materials", windows)
        .first()
    )


# --- street staff -----------------------------------------------------------------------


def managed_streets(user) -> list[Area]:
    """The streets whose catalogue the user keeps (their assigned streets), by code."""
    streets = Area.objects.filter(street_q(user, "pk"), level=Level.STREET)
    return list(streets.only("id", "code", "name").order_by("code"))


def managed_street(streets: list[Area], code: str | None) -> Area:
    """The street `?street=` names among `streets`, else the first; 404 if none fits."""
    for street in streets:
        if not code or street.code == code:
            return street
    raise Http404


def managed(user, code: str | None) -> tuple[Area, list[Area]]:
    """(the street `?street=` names among the user's, all the user's streets); 404 when
    it names none of theirs."""
    streets = managed_streets(user)
    return managed_street(streets, code), streets


def managed_items(user, street: Area, status: str, q: str | None):
    """(the street's items matching `q` with the given status, counts by status). Staff
    see drafts and withdrawn items too; the street must be one of the user's."""
    items = search(ServiceItem.objects.visible_to(user).filter(street=street), q)
    counts = items.aggregate(
        total=Count("id"),
        **{value: Count("id", filter=Q(status=value)) for value in ItemStatus.values},
    )
    if status:
        items = items.filter(status=status)
    return items.select_related("group").order_by("code"), counts
