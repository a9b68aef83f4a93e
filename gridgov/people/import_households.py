"""Import plans of households and residents, with what the per-record actions add:
the household history, heads and member counts, and the grid ids of moved members."""

from collections import defaultdict

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from gridgov.core.protect import blind_index, protect
from gridgov.core.spreadsheets import chunks, records_by
from gridgov.people import rules
from gridgov.people.actions import RESIDENT_PLAIN_FIELDS
from gridgov.people.choices import IdType, Relation, ResidentStatus
from gridgov.people.import_checks import PLACE, Plan, insert
from gridgov.people.models import (
    FocusMembership,
    Household,
    HouseholdEvent,
    HouseholdEventKind,
    Resident,
)
from gridgov.people.text import pinyin_keys
from gridgov.places.models import Building, Dwelling, move_to_place


class HouseholdPlan(Plan):
    model = Household

    def clean(self, row):
        values, problems = rules.clean_household(row)
        checker = rules.Checker(row)
        checker.text("building_code", 32, required=True)
        checker.text("unit", 10)
        checker.text("room", 20, required=True)
        values.update(checker.values)
        return values, problems + checker.problems

    def check(self) -> None:
        rows = self.cleaned()
        buildings = self.buildings_in_scope(values["building_code"] for _r, values, _o in rows)
        dwellings = {}
        for chunk in chunks([b.pk for b in buildings.values()]):
            for dwelling in Dwelling.objects.filter(building_id__in=chunk).only(
                "building_id", "unit", "room", *PLACE
            ):
                dwellings[(dwelling.building_id, dwelling.unit, dwelling.room)] = dwelling
        existing = records_by(
            Household.objects.all(), "number", (v["number"] for _r, v, _o in rows)
        )
        self.moved: list[tuple[Household, int]] = []
        seen: dict = {}
        for row, values, ok in rows:
            number = values["number"]
            if number and self.duplicate(seen, number, row, "number"):
                continue
            household = existing.get(number)
            if household is not None and not self.scope.contains(household):
                self.fail(row, "number", _("户号 %(n)s 已被范围外的住户使用。") % {"n": number})
                continue
            dwelling = self.dwelling_of(row, values, buildings, dwellings)
            if not ok or dwelling is None or not self.grid_agrees(row, dwelling, "room"):
                continue
            household = household or Household()
            changed: set = set()
            self.put(household, "number", number, changed)
            self.put(household, "kind", values["kind"], changed)
            self.put_secret(household, "phone", "phone", values["phone"], changed, "phone")
            if household.pk is not None and household.dwelling_id != dwelling.pk:
                self.moved.append((household, household.dwelling_id))
            self.put(household, "dwelling_id", dwelling.pk, changed, "room")
            self.place(household, dwelling, changed)
            self.keep(household, changed)

    def dwelling_of(self, row, values, buildings, dwellings) -> Dwelling | None:
        building = self.building_of(row, values, buildings)
        if building is None or not values["room"]:
            return None
        dwelling = dwellings.get((building.pk, values["unit"], values["room"]))
        if dwelling is None:
            self.fail(
                row,
                "room",
                _("楼宇 %(code)s 没有房屋“%(unit)s %(room)s”，请先导入房屋。")
                % {"code": values["building_code"], "unit": values["unit"], "room": values["room"]},
            )
        return dwelling

    def after_write(self) -> None:
        events = [
            self.event(h.place, h.pk, HouseholdEventKind.CREATED, self.today, None, _("导入建档"))
            for h in self.new
        ]
        note = _("导入时更换了房屋")
        for household, _old in self.moved:
            place = household.place
            move_to_place(Resident.objects.filter(household=household), place)
            move_to_place(FocusMembership.objects.filter(resident__household=household), place)
            events.append(
                self.event(place, household.pk, HouseholdEventKind.MOVED_DWELLING, None, None, note)
            )
        insert(HouseholdEvent, events)
        dwelling_ids = {h.dwelling_id for h in self.new} | {
            d for h, old in self.moved for d in (h.dwelling_id, old)
        }
        building_ids = set()
        for chunk in chunks(dwelling_ids):
            building_ids.update(
                Dwelling.objects.filter(pk__in=chunk).values_list("building_id", flat=True)
            )
        count = (
            Household.objects.filter(dwelling__building=OuterRef("pk"))
            .order_by()
            .values("dwelling__building")
            .annotate(n=Count("id"))
            .values("n")
        )
        for chunk in chunks(building_ids):
            Building.objects.filter(pk__in=chunk).update(
                household_count=Coalesce(Subquery(count), 0)
            )


def _unknown(number) -> str:
    return _("户号 %(n)s 不存在或不在您的管辖范围内。") % {"n": number}


class ResidentPlan(Plan):
    model = Resident
    plain = RESIDENT_PLAIN_FIELDS
    # The ID number decides sex and birth date: any of the four columns sets all four.
    IDENTITY = frozenset({"id_type", "id_number", "sex", "birth_date"})

    def clean(self, row):
        values, problems = rules.clean_resident(row, self.today)
        checker = rules.Checker(row)
        checker.text("household_number", 32, required=True)
        values.update(checker.values)
        return values, checker.problems + problems

    def applies(self, key: str) -> bool:
        if key in self.IDENTITY:
            return bool(self.columns & self.IDENTITY)
        return key in self.columns

    def check(self) -> None:
        rows = self.cleaned()
        households = self.in_scope_by(
            Household.objects.all(), "number", (v["household_number"] for _r, v, _o in rows)
        )
        indexes = {}
        for row, values, _ok in rows:
            if values["id_type"] != IdType.NONE and values["id_number"]:
                indexes[row["row"]] = blind_index(values["id_number"])
        by_index = records_by(Resident.objects.all(), "id_index", indexes.values())
        by_person = self.stored_without_id(rows, indexes, households)
        self.transitions: list[tuple[Resident, int | None, str | None]] = []
        seen: dict = {}
        for row, values, ok in rows:
            household = self.referred(row, values, "household_number", households, _unknown)
            index = indexes.get(row["row"])
            if index:
                found, resident = self.match(row, seen, index, "id_number", by_index.get(index))
            else:
                person = (values["household_number"], values["name"], values["birth_date"])
                stored = by_person.get((household.pk, *person[1:])) if household else None
                found, resident = self.match(row, seen, person, "name", stored)
            if not found or not ok or household is None:
                continue
            if not self.grid_agrees(row, household, "household_number"):
                continue
            if resident is None:
                self.plan_new_resident(values, household)
            else:
                self.plan_resident(resident, values, household)

    def match(self, row, seen: dict, key, column: str, resident):
        """(True, the stored resident the row updates or None for a new one), matched
        by its `key`: the ID number, or else household, name and birth date. (False,
        None) when another row has the same key or the match is registered outside
        the scope."""
        if self.duplicate(seen, key, row, column):
            return False, None
        if resident is not None and not self.scope.contains(resident):
            self.fail(row, "id_number", _("该证件号码已登记在其他住户中。"))
            return False, None
        return True, resident

    def stored_without_id(self, rows, indexes, households) -> dict:
        """Residents without an ID number match on household, name and birth date."""
        wanted = {
            households[v["household_number"]].pk
            for row, v, _ok in rows
            if row["row"] not in indexes and v["household_number"] in households
        }
        found = {}
        for chunk in chunks(wanted):
            for resident in Resident.objects.filter(household_id__in=chunk, id_index=""):
                found[(resident.household_id, resident.name, resident.birth_date)] = resident
        return found

    def plan_new_resident(self, values: dict, household: Household) -> None:
        """The common case, kept lean: a street's 60,000 residents pass through here."""
        resident = Resident(
            household_id=household.pk,
            grid_id=household.grid_id,
            community_id=household.community_id,
            street_id=household.street_id,
            **{key: values[key] for key in self.plain},
        )
        number = values["id_number"] if values["id_type"] != IdType.NONE else ""
        for prefix, value in (("id", number), ("phone", values["phone"])):
            protected = protect(value, prefix)
            setattr(resident, f"{prefix}_cipher", protected.cipher)
            setattr(resident, f"{prefix}_index", protected.index)
            setattr(resident, f"{prefix}_masked", protected.masked)
        resident.name_pinyin, resident.name_initials = pinyin_keys(resident.name)
        self.transitions.append((resident, None, None))
        self.new.append(resident)

    def plan_resident(self, resident: Resident, values: dict, household: Household) -> None:
        """A stored resident: only what differs is written (and goes into the history)."""
        changed: set = set()
        before = (resident.household_id, resident.status)
        for key in self.plain:
            self.put(resident, key, values[key], changed)
        number = values["id_number"] if values["id_type"] != IdType.NONE else ""
        self.put_secret(resident, "id", "id", number, changed, "id_number")
        self.put_secret(resident, "phone", "phone", values["phone"], changed, "phone")
        if "name" in changed:
            resident.name_pinyin, resident.name_initials = pinyin_keys(resident.name)
            changed.update({"name_pinyin", "name_initials"})
        self.put(resident, "household_id", household.pk, changed, "household_number")
        self.place(resident, household, changed)
        if changed:
            self.transitions.append((resident, *before))
        self.keep(resident, changed)

    def after_write(self) -> None:
        touched = {r.household_id for r, _h, _s in self.transitions}
        touched |= {old for _r, old, _s in self.transitions if old}
        places = {}
        for chunk in chunks(touched):
            places.update((h.pk, h.place) for h in Household.objects.filter(pk__in=chunk))
        events = []
        for resident, old_household, old_status in self.transitions:
            events.extend(self.history(resident, old_household, old_status, places))
        insert(HouseholdEvent, events)
        moved = defaultdict(list)
        for resident, old_household, _s in self.transitions:
            if old_household and old_household != resident.household_id:
                moved[resident.place].append(resident.pk)
        for place, ids in moved.items():
            for chunk in chunks(ids):
                move_to_place(FocusMembership.objects.filter(resident_id__in=chunk), place)
        refresh_households(touched)

    def history(self, resident, old_household, old_status, places) -> list:
        """The household-file lines of one imported resident (as the actions write them)."""
        name = {"name": resident.name}
        ended = {
            ResidentStatus.MOVED_OUT: (HouseholdEventKind.MOVED_OUT, _("%(name)s 迁出") % name),
            ResidentStatus.DECEASED: (HouseholdEventKind.DECEASED, _("%(name)s 死亡") % name),
        }
        moved_in = (HouseholdEventKind.MOVED_IN, _("%(name)s 迁入") % name)
        lines = []

        def line(household_id, kind, note, on=None):
            place = places[household_id]
            lines.append(self.event(place, household_id, kind, on, resident.pk, note))

        if old_household != resident.household_id:
            if old_household is not None:
                line(old_household, *ended[ResidentStatus.MOVED_OUT])
            line(resident.household_id, *moved_in)
            if resident.status in ended:
                line(resident.household_id, *ended[resident.status], resident.status_date)
        elif resident.status != old_status:
            line(resident.household_id, *ended.get(resident.status, moved_in), resident.status_date)
        else:
            line(
                resident.household_id,
                HouseholdEventKind.UPDATED,
                _("修改了 %(name)s 的信息") % name,
            )
        return lines


def refresh_households(household_ids) -> None:
    """Heads and member counts in SQL, as the per-resident actions keep them: a head
    who left or died is no head; a household without one takes its living member
    recorded as head; the count is of living members."""
    living = Resident.objects.filter(household=OuterRef("pk"), status=ResidentStatus.LIVING)
    head = living.filter(relation=Relation.HEAD).order_by("id").values("id")[:1]
    count = living.order_by().values("household").annotate(n=Count("id")).values("n")
    for chunk in chunks(household_ids):
        households = Household.objects.filter(pk__in=chunk)
        households.update(member_count=Coalesce(Subquery(count), 0))
        households.exclude(head=None).filter(
            ~Q(head__status=ResidentStatus.LIVING) | ~Q(head__household_id=F("pk"))
        ).update(head=None)
        households.filter(head=None).update(head=Subquery(head))
