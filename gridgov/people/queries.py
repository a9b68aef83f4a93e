"""Reads of base data that the search page, the lists and the API share.

Every read starts from `Model.objects.visible_to(user)`, the scope rule, and only users
whose roles grant "people.view" get anything at all.

Search is built for 1.2 million residents. Each kind of match is its own small query on
an indexed column, ordered by that column and cut with LIMIT in SQL; nothing counts the
matches (a group shows at most `LIMIT` rows and says when there are more). A prefix is a
range — `key >= "zs" AND key < "zt"` — because both SQLite and PostgreSQL answer a range
from a plain B-tree index, while `LIKE 'zs%'` needs a NOCASE column on SQLite and
text_pattern_ops on PostgreSQL. With the street id of the scope in front, the range runs
on the (street, name_initials), (street, name_pinyin) and (street, name) indexes.
"""

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from gridgov.core.protect import blind_index, normalise
from gridgov.core.scope import scope_of
from gridgov.core.textsearch import contains_q
from gridgov.people.models import FocusGroup, FocusMembership, Household, Organization, Resident
from gridgov.places.models import Area, Building, Dwelling, Level

VIEW = "people.view"
LIMIT = 20
MAX_TEXT = 50
# Buildings whose households an address search ("幸福里3号 201") looks through.
ADDRESS_BUILDINGS = 50

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
PHONE = re.compile(r"^1[3-9]\d{9}$")
ID_NUMBER = re.compile(r"^(\d{15}|\d{17}[\dX])$")
LATIN = re.compile(r"^[a-z]+$")
# A Chinese name: Han characters, perhaps with the middle dot of minority names.
NAME = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff·•]+$")
ROOM = re.compile(r"^(\d{1,2}-)?\d{1,5}[A-Z]?(室|房|号房)?$", re.IGNORECASE)
# Household numbers, building codes, credit codes: letters and digits, at least one digit.
CODE = re.compile(r"^(?=.*\d)[0-9A-Za-z-]+$")

# The columns a result row shows; nothing else (no ciphers) leaves the database.
RESIDENT_ROW = (
    "name",
    "sex",
    "birth_date",
    "id_masked",
    "phone_masked",
    "registration",
    "status",
    "grid_id",
    "household",
    "household__number",
    "household__dwelling",
    "household__dwelling__unit",
    "household__dwelling__room",
    "household__dwelling__building",
    "household__dwelling__building__name",
    "household__dwelling__building__address",
)
HOUSEHOLD_ROW = (
    "number",
    "kind",
    "member_count",
    "phone_masked",
    "grid_id",
    "head",
    "head__name",
    "dwelling",
    "dwelling__unit",
    "dwelling__room",
    "dwelling__building",
    "dwelling__building__name",
    "dwelling__building__address",
)


def can_view(user) -> bool:
    return bool(user and user.is_authenticated and user.has_capability(VIEW))


# --- focus groups -------------------------------------------------------------------


def visible_focus_groups(user) -> list[FocusGroup]:
    """The active focus groups the user may see (FocusGroup.is_visible_to)."""
    if not can_view(user):
        return []
    groups = FocusGroup.objects.filter(is_active=True).order_by("sort", "code")
    return [group for group in groups if group.is_visible_to(user)]


def focus_prefetch(groups) -> Prefetch:
    """Each resident's current memberships of the given (visible) groups, as `tags`."""
    memberships = FocusMembership.objects.filter(
        group_id__in=[g.pk for g in groups], ended_on__isnull=True
    ).select_related("group")
    return Prefetch("focus", queryset=memberships, to_attr="tags")


# --- grids --------------------------------------------------------------------------


class GridRef(NamedTuple):
    """A grid as filters and list rows name it (a district offers some 1,600: plain
    tuples, not model instances)."""

    pk: int
    code: str
    name: str


def visible_grids(user) -> list[GridRef]:
    """The grids whose records the user sees (the scope's ids, not the area tree they
    may browse), for filters and for naming a row's grid."""
    if not can_view(user):
        return []
    scope = scope_of(user)
    inside = (
        Q(id__in=scope.grid_ids)
        | Q(parent_id__in=scope.community_ids)
        | Q(parent__parent_id__in=scope.street_ids)
    )
    rows = Area.objects.filter(inside, level=Level.GRID).order_by("code")
    return [GridRef(*row) for row in rows.values_list("id", "code", "name")]


# --- what was typed -----------------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """The search text, trimmed, and what it looks like."""

    text: str
    kind: str  # "id", "phone", "chinese", "pinyin" or "other"
    key: str  # the form the kind searches with: the normalised number, the pinyin, …


def classify(raw: str) -> Typed:
    text = " ".join((raw or "").split())
    compact = normalise(text)
    if ID_NUMBER.match(compact):
        return Typed(text, "id", compact)
    if len(compact) == 13 and compact.startswith("86"):
        compact = compact[2:]  # +86 138 0013 8000
    if PHONE.match(compact):
        return Typed(text, "phone", compact)
    if CJK.search(text):
        return Typed(text, "chinese", text)
    latin = re.sub(r"[\s']", "", text).lower()
    if LATIN.match(latin):
        return Typed(text, "pinyin", latin)
    return Typed(text, "other", text)


def check_text(typed: Typed, numbers_allowed: bool) -> str:
    """Why this text cannot be searched (in Chinese), or "" if it can."""
    if not typed.text:
        return _("请输入姓名、拼音、证件号码、电话、地址或户号。")
    if len(typed.text) > MAX_TEXT:
        return _("搜索内容不能超过 %(n)d 个字。") % {"n": MAX_TEXT}
    if typed.kind in ("id", "phone") and not numbers_allowed:
        return _("为保护个人信息，证件号码和电话号码请在搜索框中输入后提交，不要放在网址里。")
    if typed.kind != "chinese" and len(typed.key) < 2:
        return _("请至少输入 1 个汉字，或 2 个字母、数字。")
    return ""


# --- search -------------------------------------------------------------------------


@dataclass
class Group:
    rows: list = field(default_factory=list)
    more: bool = False  # more than LIMIT matched: the user should narrow the search

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass
class SearchResults:
    text: str = ""
    kind: str = ""
    message: str = ""
    residents: Group = field(default_factory=Group)
    households: Group = field(default_factory=Group)
    buildings: Group = field(default_factory=Group)
    organizations: Group = field(default_factory=Group)

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups().values())

    def groups(self) -> dict[str, Group]:
        return {
            "residents": self.residents,
            "households": self.households,
            "buildings": self.buildings,
            "organizations": self.organizations,
        }


def search(user, raw: str, *, numbers_allowed: bool = True) -> SearchResults:
    """One search box over residents, households, buildings and organizations in scope.

    `numbers_allowed` is False when the text came in a URL: ID and phone numbers are then
    refused, never looked up, so they cannot end up in browser history or server logs.
    """
    typed = classify(raw)
    results = SearchResults(text=typed.text, kind=typed.kind)
    if not can_view(user):
        return results
    results.message = check_text(typed, numbers_allowed)
    if results.message:
        return results
    if typed.kind == "id":
        index = blind_index(typed.key)
        results.residents = _cut(_exact(Resident, user, "id_index", index, resident_rows, ["id"]))
        # An all-digit credit code looks like an ID number: look it up too (it is public).
        credit_code = Q(credit_code=typed.key)
        results.organizations = _cut(_organizations(user).filter(credit_code))
    elif typed.kind == "phone":
        index = blind_index(typed.key)
        results.residents = _cut(
            _exact(Resident, user, "phone_index", index, resident_rows, ["name", "id"])
        )
        results.households = _cut(
            _exact(Household, user, "phone_index", index, household_rows, ["number"])
        )
        results.organizations = _cut(
            _exact(
                Organization, user, "contact_phone_index", index, organization_rows, ["name", "id"]
            )
        )
    else:
        if typed.kind == "chinese" and NAME.match(typed.key):
            results.residents = _names(user, typed.key)
        elif typed.kind == "pinyin":
            results.residents = _pinyin(user, typed.key)
        results.households = _households_by_text(user, typed)
        results.buildings = _cut(_buildings_by_text(user, typed.text))
        results.organizations = _cut(_organizations_by_text(user, typed.text))
    return results


def _cut(rows, limit: int = LIMIT) -> Group:
    rows = list(rows[: limit + 1])
    return Group(rows=rows[:limit], more=len(rows) > limit)


def _merge(*batches, limit: int = LIMIT) -> Group:
    """Concatenate result batches in order, without repeats."""
    seen, rows = set(), []
    for batch in batches:
        for row in batch:
            if row.pk not in seen:
                seen.add(row.pk)
                rows.append(row)
    return Group(rows=rows[:limit], more=len(rows) > limit)


def next_prefix(text: str) -> str:
    """The smallest string above every string starting with `text` ("zs" → "zt")."""
    return text[:-1] + chr(min(ord(text[-1]) + 1, 0x10FFFF))


def prefix_q(column: str, text: str) -> Q:
    return Q(**{f"{column}__gte": text, f"{column}__lt": next_prefix(text)})


def _prefixes_q(column: str, text: str) -> Q:
    """A code prefix as typed or in upper case (440105008101-h… finds -H…)."""
    match = Q()
    for variant in dict.fromkeys((text, text.upper())):
        match |= prefix_q(column, variant)
    return match


def _first(model, user, condition: Q, order: list[str], shape, limit: int = LIMIT + 1):
    """The first `limit` records of `model` in scope matching `condition`, in order.

    Two steps in one statement: the inner query picks the ids from the index alone (a
    covering range scan on (street, key), sorted and cut in SQL even when the scope spans
    many streets); the outer one reads only those rows, shaped by `shape` (joins, columns).
    """
    ids = model.objects.visible_to(user).filter(condition).order_by(*order).values("pk")
    return list(shape(model.objects.filter(pk__in=ids[:limit])).order_by(*order))


def _exact(model, user, column: str, index: str, shape, order: list[str]) -> list:
    """Records in scope whose blind index column equals `index`.

    The few ids come from that index alone first, then are read through the scope: given
    both filters at once, SQLite without statistics may prefer the scope's index and scan
    a whole street for one phone number.
    """
    # "Not empty" lets the planners use the partial unique index on the ID number.
    candidates = model.objects.filter(**{column: index}).exclude(**{column: ""}).order_by()
    ids = list(candidates.values_list("pk", flat=True)[:200])
    if not ids:
        return []
    return list(shape(model.objects.visible_to(user).filter(pk__in=ids)).order_by(*order))


def resident_rows(queryset):
    """Residents as rows show them: household number and address, masked numbers."""
    return queryset.select_related("household__dwelling__building").only(*RESIDENT_ROW)


def household_rows(queryset):
    return queryset.select_related("head", "dwelling__building").only(*HOUSEHOLD_ROW)


def building_rows(queryset):
    return queryset.defer("footprint", "head_phone_cipher")


def organization_rows(queryset):
    return queryset.select_related("building").defer(
        "contact_phone_cipher", "building__footprint", "building__head_phone_cipher"
    )


def _names(user, text: str) -> Group:
    """Names starting with the text (an indexed range), then — when the text is one
    character or nothing starts with it, as for a given name — names containing it.

    A longer text that starts some names is a full name: looking for it inside other
    names would scan every name in scope for nothing.
    """
    # `startswith` beside the range keeps the match exact under a linguistic collation.
    starting = prefix_q("name", text) & Q(name__startswith=text)
    first = _first(Resident, user, starting, ["name", "id"], resident_rows)
    if len(first) > LIMIT or (first and len(text) > 1):
        return _merge(first)
    inside = contains_q(Resident, "name", text) & ~Q(name__startswith=text)
    rest = _first(Resident, user, inside, ["name", "id"], resident_rows, LIMIT + 1 - len(first))
    return _merge(first, rest)


def _pinyin(user, key: str) -> Group:
    """Full pinyin prefix ("zhangs") first, then initials prefix ("zs")."""
    full = _first(
        Resident, user, prefix_q("name_pinyin", key), ["name_pinyin", "id"], resident_rows
    )
    if len(full) > LIMIT:
        return _merge(full)
    initials = _first(
        Resident, user, prefix_q("name_initials", key), ["name_initials", "id"], resident_rows
    )
    return _merge(full, initials)


def split_room(text: str) -> tuple[str, str]:
    """ "幸福里3号 201" → ("幸福里3号", "201"); without a room: (text, "")."""
    place, _sep, last = text.rpartition(" ")
    if place and ROOM.match(last):
        return place, re.sub(r"(室|房|号房)$", "", last)
    return text, ""


def _households_by_text(user, typed: Typed) -> Group:
    """By household number (prefix), or by address with a room ("幸福里3号 201")."""
    batches = []
    if CODE.match(typed.text):
        number = _prefixes_q("number", typed.text)
        batches.append(_first(Household, user, number, ["number"], household_rows))
    place, room = split_room(typed.text)
    if room:
        # Small steps, each on its own index: buildings, their rooms, the households.
        buildings = _buildings_by_text(user, place).values_list("pk", flat=True)
        buildings = list(buildings[:ADDRESS_BUILDINGS])
        dwellings = list(
            Dwelling.objects.visible_to(user)
            .filter(building_id__in=buildings, room__startswith=room)
            .order_by()
            .values_list("pk", flat=True)[:200]
        )
        at_room = Household.objects.visible_to(user).filter(dwelling_id__in=dwellings)
        batches.append(household_rows(at_room).order_by("number")[: LIMIT + 1] if dwellings else [])
    return _merge(*batches)


def _buildings_by_text(user, text: str):
    """Buildings by code prefix, name or address (a small table: ~1,400 a street)."""
    match = _text_q(("name", "address"), text)
    if CODE.match(text):
        match |= _prefixes_q("code", text)
    return building_rows(Building.objects.visible_to(user).filter(match)).order_by("code")


def _text_q(columns, text: str) -> Q:
    """Any of `columns` containing the text as typed, in lower case or in upper case
    ("soho", "SOHO"): plain LIKEs, several times cheaper on PostgreSQL than `icontains`,
    which runs UPPER() on every row of the scope."""
    variants = dict.fromkeys((text, text.lower(), text.upper()))
    match = Q()
    for column in columns:
        for variant in variants:
            match |= Q(**{f"{column}__contains": variant})
    return match


def _organizations_by_text(user, text: str):
    """Organizations by name, address or credit code (prefix)."""
    match = _text_q(("name", "address"), text)
    if CODE.match(text):
        match |= prefix_q("credit_code", text.upper())
    return _organizations(user).filter(match)


def _households(user):
    return household_rows(Household.objects.visible_to(user)).order_by("number")


def _organizations(user):
    return organization_rows(Organization.objects.visible_to(user)).order_by("name", "id")


# --- lists --------------------------------------------------------------------------


def scope_order(user) -> list[str]:
    """The scope's own column, when the scope holds one kind of area, to order lists by
    first: a list then walks the (street, name) — or (community, …), (grid, …) — index
    in order and stops after one page, instead of sorting every record in scope (for a
    district-wide user, 1.2 million residents: milliseconds instead of seconds)."""
    levels = [level for level, ids in scope_of(user).areas if ids]
    return [f"{levels[0]}_id"] if len(levels) == 1 else []


def resident_list(user, *, grid=None, focus=None, registration="", status="", q=""):
    """Residents in scope for the list page and the API, ordered by name."""
    qs = resident_rows(Resident.objects.visible_to(user)).order_by(*scope_order(user), "name", "id")
    if grid is not None:
        qs = qs.filter(grid_id=grid.pk)
    if focus is not None:
        members = FocusMembership.objects.visible_to(user).filter(
            group=focus, ended_on__isnull=True
        )
        qs = qs.filter(pk__in=members.values("resident_id"))
    if registration:
        qs = qs.filter(registration=registration)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(name_q(q))
    return qs


def name_q(text: str) -> Q:
    """A name filter for lists: Chinese contains (through the trigram index), latin
    pinyin or initials prefix."""
    typed = classify(text)
    if typed.kind == "pinyin":
        return prefix_q("name_pinyin", typed.key) | prefix_q("name_initials", typed.key)
    return contains_q(Resident, "name", typed.text)


def household_list(user, *, grid=None, kind="", building=None, q=""):
    qs = _households(user).order_by(*scope_order(user), "number")
    if grid is not None:
        qs = qs.filter(grid_id=grid.pk)
    if kind:
        qs = qs.filter(kind=kind)
    if building is not None:
        qs = qs.filter(dwelling__building_id=building.pk)
    if q:
        qs = qs.filter(_prefixes_q("number", q))
    return qs


def building_list(user, *, grid=None, use="", q=""):
    qs = building_rows(Building.objects.visible_to(user)).order_by(*scope_order(user), "code")
    if grid is not None:
        qs = qs.filter(grid_id=grid.pk)
    if use:
        qs = qs.filter(use=use)
    if q:
        qs = qs.filter(_text_q(("name", "address"), q) | _prefixes_q("code", q))
    return qs


def organization_list(user, *, grid=None, kind="", key_unit=None, building=None, q=""):
    qs = _organizations(user).order_by(*scope_order(user), "name", "id")
    if grid is not None:
        qs = qs.filter(grid_id=grid.pk)
    if kind:
        qs = qs.filter(kind=kind)
    if key_unit is not None:
        qs = qs.filter(is_key_unit=key_unit)
    if building is not None:
        qs = qs.filter(building_id=building.pk)
    if q:
        qs = qs.filter(_text_q(("name",), q) | prefix_q("credit_code", q.upper()))
    return qs
