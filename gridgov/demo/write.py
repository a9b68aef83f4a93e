"""Writing a planned street: every row in bulk, parents before children, personal
numbers through `core.protect`, name search keys through `people.text.pinyin_keys`.
Runs inside the caller's transaction."""

from gridgov.core.protect import Protected, protect
from gridgov.demo.persons import Family, Person
from gridgov.demo.rows import RowWriter
from gridgov.people.choices import ResidentStatus
from gridgov.people.models import (
    FocusGroup,
    FocusMembership,
    Household,
    HouseholdEvent,
    HouseholdEventKind,
    Organization,
    Resident,
)
from gridgov.people.text import pinyin_keys
from gridgov.places.models import Building, Dwelling

_NOTHING = Protected("", "", "")


class Protector:
    """`protect` once per distinct value: a household's phone is usually its head's."""

    def __init__(self):
        self._seen: dict[tuple[str, str], Protected] = {}

    def __call__(self, value: str, kind: str) -> Protected:
        if not value:
            return _NOTHING
        key = (value, kind)
        if key not in self._seen:
            self._seen[key] = protect(value, kind)
        return self._seen[key]


def _in_grid(row: dict) -> dict:
    return {
        "grid_id": row["grid_id"],
        "community_id": row["community_id"],
        "street_id": row["street_id"],
    }


def write_street(plan, groups: dict[str, FocusGroup]) -> dict:
    """All rows of the planned street. Returns the number of rows of each kind."""
    protected = Protector()
    counts = {}
    households_in: dict[int, int] = {}
    for family in plan.families:
        key = id(family.home["building"])
        households_in[key] = households_in.get(key, 0) + 1

    writer = RowWriter(Building)
    for site in plan.sites:
        row = site.building
        phone = protected(row.pop("head_phone", ""), "phone")
        row.update(
            head_phone_cipher=phone.cipher,
            head_phone_masked=phone.masked,
            household_count=households_in.get(id(row), 0),
        )
        row["id"] = writer.add(row)
    counts["buildings"] = writer.finish()

    writer = RowWriter(Dwelling)
    for site in plan.sites:
        for row in (*site.homes, *site.shops, *site.offices):
            row["building_id"] = row["building"]["id"]
            row["id"] = writer.add(row)
    counts["dwellings"] = writer.finish()

    writer = RowWriter(Organization)
    for row in plan.orgs:
        phone = protected(row["phone"], "phone")
        row.update(
            building_id=row["building"]["id"],
            dwelling_id=row["dwelling"]["id"] if row["dwelling"] else None,
            contact_phone_cipher=phone.cipher,
            contact_phone_index=phone.index,
            contact_phone_masked=phone.masked,
        )
        writer.add(row)
    counts["organizations"] = writer.finish()

    counts.update(_write_people(plan.families, groups, protected))
    return counts


def _write_people(families: list[Family], groups, protected: Protector) -> dict:
    households, residents = RowWriter(Household), RowWriter(Resident)
    for family in families:  # ids first: a household names its head, a resident its household
        family.record = households.reserve()
        for person in family.members:
            person.record = residents.reserve()
    for family in families:
        phone = protected(family.phone, "phone")
        row = {
            **_in_grid(family.home),
            "dwelling_id": family.home["id"],
            "number": family.number,
            "kind": family.kind,
            "head_id": family.head.record,
            "phone_cipher": phone.cipher,
            "phone_index": phone.index,
            "phone_masked": phone.masked,
            "member_count": len(family.living),
        }
        households.add(row, family.record)
    counts = {"households": households.finish()}
    for family in families:
        for person in family.members:
            residents.add(_resident(person, family, protected), person.record)
    counts["residents"] = residents.finish()
    memberships = RowWriter(FocusMembership)
    events = RowWriter(HouseholdEvent)
    for family in families:
        where = _in_grid(family.home)
        for person in family.members:
            for code, since, details in person.focus:
                memberships.add(
                    {
                        **where,
                        "resident_id": person.record,
                        "group_id": groups[code].pk,
                        "details": details,
                        "since": since,
                    }
                )
        for kind, on, person, note in history(family):
            events.add(
                {
                    **where,
                    "household_id": family.record,
                    "resident_id": person.record if person else None,
                    "kind": kind,
                    "happened_on": on,
                    "note": note,
                }
            )
    counts["focus_memberships"] = memberships.finish()
    counts["household_events"] = events.finish()
    counts["living"] = sum(len(f.living) for f in families)
    return counts


def _resident(person: Person, family: Family, protected: Protector) -> dict:
    number = protect(person.id_number, "id")
    phone = protected(person.phone, "phone")
    full, initials = pinyin_keys(person.name)
    return {
        **_in_grid(family.home),
        "household_id": family.record,
        "name": person.name,
        "name_pinyin": full,
        "name_initials": initials,
        "id_type": person.id_type,
        "id_cipher": number.cipher,
        "id_index": number.index,
        "id_masked": number.masked,
        "sex": "male" if person.male else "female",
        "birth_date": person.birth,
        "ethnicity": person.ethnicity,
        "phone_cipher": phone.cipher,
        "phone_index": phone.index,
        "phone_masked": phone.masked,
        "relation": person.relation,
        "registration": person.registration,
        "origin": person.origin,
        "arrival_date": person.arrival,
        "permit_number": person.permit_number,
        "permit_expiry": person.permit_expiry,
        "education": person.education,
        "occupation": person.occupation,
        "work_unit": person.work_unit[:100],
        "status": person.status,
        "status_date": person.status_date,
    }


def history(family: Family) -> list[tuple]:
    """(kind, date, person, note) of a household: created, then who joined later (born
    or moved in), moved out or died — matching each resident's status."""
    items = [(HouseholdEventKind.CREATED, family.created_on, None, "")]
    for person in family.members:
        if person.joined:
            verb = "出生入户" if person.joined == person.birth else "迁入"
            items.append(
                (HouseholdEventKind.MOVED_IN, person.joined, person, f"{person.name} {verb}")
            )
        if person.status == ResidentStatus.MOVED_OUT:
            items.append(
                (HouseholdEventKind.MOVED_OUT, person.status_date, person, f"{person.name} 迁出")
            )
        elif person.status == ResidentStatus.DECEASED:
            items.append(
                (HouseholdEventKind.DECEASED, person.status_date, person, f"{person.name} 死亡")
            )
    return items
