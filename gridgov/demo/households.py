"""Who lives in the demo street: households of the kinds an old Guangzhou neighbourhood
has, and the people in them, before anything is written.

Registered (户籍) households are families of every shape — elderly people living alone,
elderly couples, couples with children, three generations under one roof; floating
(流动) households are mostly young people working in the city, alone, as couples, as
families or sharing a rented flat; mixed households are registered families with a
spouse from elsewhere; a few households are from Hong Kong, Macao, Taiwan or abroad.
Ages follow from the shape of the family (children are 22–38 years younger than their
mother, and so on), which gives the street its ageing population pyramid.

Every person gets a valid ID number whose birth date and sex are the person's, and a
birthplace code that existed in the birth year (see `numbers`). People who moved out
or died stay on the household's roll with their date, as the real file keeps them.
"""

import datetime
import random

from gridgov.demo import numbers
from gridgov.demo.lives import LifeDetails
from gridgov.demo.names import (
    GUANGDONG_PREFECTURES,
    GUANGZHOU_DISTRICTS,
    HOMETOWNS,
    OVERSEAS_ORIGINS,
    NameMaker,
    weighted,
)
from gridgov.demo.persons import AS_OF, YEAR_DAYS, Family, Person, WorkPlaces
from gridgov.people.choices import HouseholdKind, IdType, Registration, Relation, ResidentStatus

REGISTERED_SHAPES = (
    ("alone_elder", 10), ("elder_couple", 14), ("single", 5), ("couple", 6), ("nuclear", 31),
    ("three_generations", 24), ("single_parent", 5), ("grandparents_and_children", 1.5),
    ("adult_with_parent", 3.5),
)  # fmt: skip
FLOATING_SHAPES = (("single", 24), ("couple", 21), ("family", 43), ("shared", 12))
# Kinds of household by building: floating households rent in the old lanes more.
KIND_BY_BUILDING = {
    "lane": ((HouseholdKind.REGISTERED, 52), (HouseholdKind.FLOATING, 40), ("mixed", 6.5), ("overseas", 1.5)),
    "mid": ((HouseholdKind.REGISTERED, 58), (HouseholdKind.FLOATING, 31), ("mixed", 7.5), ("overseas", 3.5)),
    "tower": ((HouseholdKind.REGISTERED, 62), (HouseholdKind.FLOATING, 24), ("mixed", 8), ("overseas", 6)),
}  # fmt: skip

MINORITIES = ("03", "08", "11", "15", "06", "13")


class PeopleMaker(LifeDetails):
    """Makes families; keeps the ID numbers given so far unique."""

    def __init__(self, rng: random.Random, street_code: str, work: WorkPlaces):
        self.rng = rng
        self.names = NameMaker(rng)
        self.street_code = street_code
        self.work = work
        self.ids: set[str] = set()
        self._permits = 0

    # -- dates --------------------------------------------------------------------------
    def born(self, age: float) -> datetime.date:
        """A birth date for someone `age` years old (any day of that year of age)."""
        days = int((max(age, 0) + self.rng.random()) * YEAR_DAYS)
        return AS_OF - datetime.timedelta(days=min(days, 106 * 365))

    def years_ago(self, low: float, high: float) -> datetime.date:
        return AS_OF - datetime.timedelta(days=int(self.rng.uniform(low, high) * YEAR_DAYS))

    # -- identity -------------------------------------------------------------------------
    def give_id(self, person: Person, preferred) -> None:
        """A GB 11643 number: birthplace valid in the birth year, sequence odd for men."""
        code = numbers.birthplace(self.rng, preferred, person.birth.year)
        while True:
            number = numbers.resident_id(
                code, person.birth, numbers.id_sequence(self.rng, person.male)
            )
            if number not in self.ids:
                break
        self.ids.add(number)
        person.id_number = number

    def redraw_id(self, person: Person) -> None:
        """A new sequence number for someone whose number is taken already."""
        self.ids.discard(person.id_number)
        if person.id_type == IdType.RESIDENT_ID:
            self.give_id(person, person.id_number[:6])
        else:
            self.foreign_document(person, person.id_type, person.origin)

    def registered_birthplace(self, born_here: bool = False):
        roll = self.rng.random()
        if born_here or roll < 0.72:
            return ("440105", "440120")
        if roll < 0.87:
            return (self.rng.choice(GUANGZHOU_DISTRICTS), "440120")
        return (numbers.pick_county(self.rng, self.rng.choice(GUANGDONG_PREFECTURES)),)

    def foreign_document(self, person: Person, id_type: str, origin: str) -> None:
        rng = self.rng
        while True:
            if id_type == IdType.HK_MACAO:
                number = ("H" if origin.startswith("香港") else "M") + f"{rng.randrange(10**8):08d}"
            elif id_type == IdType.TAIWAN:
                number = f"{rng.randrange(10**8):08d}"
            else:
                number = rng.choice("EGKMNPST") + f"{rng.randrange(10**8):08d}"
            if number not in self.ids:
                break
        self.ids.add(number)
        person.id_type, person.id_number = id_type, number

    # -- people ---------------------------------------------------------------------------
    def local(self, male, age, relation, surname=None, born_here=False) -> Person:
        person = Person(
            self.names.full(male, surname),
            male,
            self.born(age),
            relation,
            Registration.REGISTERED,
        )
        self.give_id(person, self.registered_birthplace(born_here))
        if self.rng.random() < 0.007:
            person.ethnicity = self.rng.choice(MINORITIES)
        return person

    def incomer(self, male, age, relation, home: str, surname=None, ethnicity="01") -> Person:
        person = Person(
            self.names.full(male, surname, local=False),
            male,
            self.born(age),
            relation,
            Registration.FLOATING,
        )
        self.give_id(person, (home,))
        person.origin = numbers.place_name(home)
        person.ethnicity = ethnicity
        return person

    def hometown(self) -> tuple[str, str]:
        """A floating family's home county and the ethnicity most of its people have."""
        prefix = weighted(self.rng, HOMETOWNS)
        county = numbers.pick_county(self.rng, prefix)
        roll = self.rng.random()
        if prefix.startswith("45") and roll < 0.3:
            return county, "08"  # Zhuang, in Guangxi
        if prefix in {"4312", "4311"} and roll < 0.2:
            return county, self.rng.choice(("06", "15", "12", "13"))
        return county, "01" if roll > 0.015 else self.rng.choice(MINORITIES)

    def children(self, mother_age: float, father: Person, count: int, make) -> list[Person]:
        kids = []
        for _ in range(count):
            if mother_age < 22:
                break
            age = mother_age - self.rng.uniform(22, min(38, mother_age))
            kids.append(make(self.rng.random() < 0.52, age, father.name[0]))
        return kids

    def end(self, person: Person, status: str, earliest: datetime.date) -> None:
        """Mark someone moved out or dead, on a day after `earliest` (and after they
        were 16 for moving out); left living if no such day exists."""
        if status == ResidentStatus.MOVED_OUT:
            earliest = max(earliest, person.birth + datetime.timedelta(days=int(16 * YEAR_DAYS)))
        if earliest >= AS_OF - datetime.timedelta(days=2):
            return
        person.status, person.status_date = status, self.between(earliest, AS_OF)

    # -- families -------------------------------------------------------------------------
    def family(self, kind: str) -> Family:
        if kind == HouseholdKind.REGISTERED:
            family = self.registered(weighted(self.rng, REGISTERED_SHAPES))
        elif kind == HouseholdKind.FLOATING:
            family = self.floating(weighted(self.rng, FLOATING_SHAPES))
        elif kind == "mixed":
            family = self.mixed()
        else:
            family = self.overseas()
        self.finish(family)
        return family

    def registered(self, shape: str) -> Family:
        rng, surname = self.rng, self.names.surname()
        H, S, C, P = Relation.HEAD, Relation.SPOUSE, Relation.CHILD, Relation.PARENT

        def kid(male, age, family_name):
            return self.local(male, age, C, family_name, born_here=True)

        members: list[Person] = []
        widow_of = None
        if shape == "alone_elder":
            head = self.local(rng.random() < 0.35, rng.triangular(65, 96, 78), H, surname)
            members = [head]
            if rng.random() < 0.45:
                widow_of = self.local(not head.male, head.age() + rng.uniform(-3, 5), S)
                members.append(widow_of)
        elif shape == "elder_couple":
            head = self.local(True, rng.uniform(62, 90), H, surname)
            members = [head, self.local(False, max(58, head.age() - rng.uniform(0, 6)), S)]
        elif shape == "single":
            members = [self.local(rng.random() < 0.5, rng.uniform(22, 64), H, surname)]
        elif shape == "couple":
            head = self.local(True, rng.uniform(25, 62), H, surname)
            members = [head, self.local(False, max(22, head.age() - rng.uniform(0, 5)), S)]
        elif shape in {"nuclear", "three_generations"}:
            if shape == "three_generations":
                elder_age = rng.uniform(62, 92)
                head_age = min(62, max(30, elder_age - rng.uniform(25, 35)))
            else:
                head_age = rng.uniform(28, 56)
            head = self.local(True, head_age, H, surname)
            wife = self.local(False, max(24, head_age - rng.uniform(0, 5)), S)
            count = weighted(rng, ((1, 42), (2, 50), (3, 8)))
            members = [head, wife, *self.children(wife.age(), head, count, kid)]
            if shape == "three_generations":
                grandpa = self.local(True, elder_age, P, surname)
                grandma = self.local(False, max(55, elder_age - rng.uniform(0, 5)), P)
                if rng.random() < 0.55:  # one of them is widowed
                    alive, gone = (grandma, grandpa) if rng.random() < 0.7 else (grandpa, grandma)
                    members.append(alive)
                    if rng.random() < 0.5:
                        members.append(gone)
                        widow_of = gone
                else:
                    members += [grandpa, grandma]
        elif shape == "single_parent":
            mother = rng.random() < 0.7
            head = self.local(not mother, rng.uniform(28, 55), H, surname)
            family_name = self.names.surname() if mother else surname
            members = [head, *self.children(head.age(), head, 1, kid)]
            for child in members[1:]:
                child.name = family_name + child.name[1:]
        elif shape == "grandparents_and_children":
            head = self.local(True, rng.uniform(56, 78), H, surname)
            members = [head]
            if rng.random() < 0.5:
                members.append(self.local(False, max(52, head.age() - rng.uniform(0, 5)), S))
            for _ in range(rng.randint(1, 2)):
                members.append(
                    self.local(
                        rng.random() < 0.52, rng.uniform(3, 15), Relation.GRANDCHILD, surname
                    )
                )
        else:  # adult_with_parent
            head = self.local(rng.random() < 0.5, rng.uniform(40, 66), H, surname)
            parent = self.local(
                rng.random() < 0.35, min(100, head.age() + rng.uniform(22, 36)), P, surname
            )
            members = [head, parent]
        family = Family(HouseholdKind.REGISTERED, shape, members)
        head = family.head
        years = max(1.0, min(head.age() - 22, 40))
        family.created_on = max(self.years_ago(0.5, years), datetime.date(1985, 1, 1))
        if widow_of is not None:
            self.end(widow_of, ResidentStatus.DECEASED, family.created_on)
        for person in members[1:]:
            if person.relation == C and person.age() >= 22 and rng.random() < 0.3:
                self.end(person, ResidentStatus.MOVED_OUT, family.created_on)
            elif person.relation == P and person.age() >= 80 and rng.random() < 0.08:
                self.end(person, ResidentStatus.DECEASED, family.created_on)
        if shape == "grandparents_and_children":
            family.tags.add("left_behind")
        return family

    def arrive(self, person: Person, earliest: datetime.date | None = None) -> None:
        """When a floating person came to Guangzhou: after they were 16 (or born here)."""
        if earliest is None:
            span = max(0.3, min(person.age() - 16, 22))
            earliest = self.years_ago(0.2, 0.2 + span * self.rng.random() ** 1.5)
        person.arrival = min(AS_OF, max(earliest, person.birth))

    def floating(self, shape: str) -> Family:
        rng = self.rng
        home, ethnicity = self.hometown()
        H, S = Relation.HEAD, Relation.SPOUSE
        surname = self.names.surname(local=False)
        if shape == "single":
            members = [
                self.incomer(
                    rng.random() < 0.55, rng.triangular(18, 52, 26), H, home, surname, ethnicity
                )
            ]
        elif shape in {"couple", "family"}:
            head_age = rng.uniform(25, 48) if shape == "family" else rng.triangular(20, 50, 30)
            head = self.incomer(True, head_age, H, home, surname, ethnicity)
            wife = self.incomer(
                False, max(18, head_age - rng.uniform(0, 5)), S, home, None, ethnicity
            )
            members = [head, wife]
            if shape == "family":

                def kid(male, age, family_name):
                    return self.incomer(
                        male, min(age, 17), Relation.CHILD, home, family_name, ethnicity
                    )

                count = weighted(rng, ((1, 55), (2, 42), (3, 3)))
                members += self.children(wife.age(), head, count, kid)
        else:  # shared: workers renting together
            members = [
                self.incomer(rng.random() < 0.6, rng.uniform(18, 40), H, home, surname, ethnicity)
            ]
            for _ in range(rng.randint(1, 5)):
                town, eth = (home, ethnicity) if rng.random() < 0.5 else self.hometown()
                members.append(
                    self.incomer(
                        rng.random() < 0.6, rng.uniform(18, 40), Relation.TENANT, town, None, eth
                    )
                )
        head = members[0]
        self.arrive(head)
        for person in members[1:]:
            if person.relation == Relation.CHILD and person.birth > head.arrival:
                person.arrival = person.birth  # born in Guangzhou
            elif person.relation == Relation.TENANT:
                self.arrive(person)
            else:
                late = self.rng.random() < 0.4
                self.arrive(person, self.between(head.arrival) if late else head.arrival)
        family = Family(HouseholdKind.FLOATING, shape, members)
        family.created_on = max(head.arrival, self.years_ago(0.1, 6))
        for person in members[1:]:
            if person.relation == Relation.TENANT and rng.random() < 0.12:
                self.end(person, ResidentStatus.MOVED_OUT, max(family.created_on, person.arrival))
        return family

    def mixed(self) -> Family:
        """A registered family whose wife came from elsewhere (and kept her hukou)."""
        family = self.registered(
            weighted(self.rng, (("couple", 3), ("nuclear", 6), ("three_generations", 2)))
        )
        wife = family.members[1]
        home, ethnicity = self.hometown()
        moved = self.incomer(False, wife.age(), Relation.SPOUSE, home, None, ethnicity)
        moved.birth = wife.birth
        self.ids.discard(moved.id_number)
        self.ids.discard(wife.id_number)
        self.give_id(moved, (home,))
        self.arrive(moved)
        family.members[1] = moved
        family.kind = HouseholdKind.MIXED
        return family

    def overseas(self) -> Family:
        rng = self.rng
        origin, id_type, _weight = rng.choices(
            OVERSEAS_ORIGINS, weights=[w for *_x, w in OVERSEAS_ORIGINS]
        )[0]
        chinese = id_type != IdType.PASSPORT
        members = []
        head_male = rng.random() < 0.6
        ages = [rng.uniform(22, 62)]
        if rng.random() < 0.4:
            ages.append(max(20, ages[0] - rng.uniform(-3, 6)))
        surname = self.names.surname(local=origin != "台湾地区")
        for index, age in enumerate(ages):
            male = head_male if index == 0 else not head_male
            name = (
                self.names.full(male, surname if index == 0 else None)
                if chinese
                else (self.names.foreign(male))
            )
            relation = Relation.HEAD if index == 0 else Relation.SPOUSE
            person = Person(name, male, self.born(age), relation, Registration.OVERSEAS)
            person.origin = origin
            self.foreign_document(person, id_type, origin)
            members.append(person)
        self.arrive(members[0])
        for person in members[1:]:
            self.arrive(person, members[0].arrival)
        if id_type == IdType.PASSPORT:
            for person in members:
                if rng.random() < 0.8:
                    self._permits += 1
                    person.permit_number = f"W{self.street_code[-3:]}{self._permits:07d}"
                    person.permit_expiry = AS_OF + datetime.timedelta(days=rng.randint(-60, 700))
        family = Family(HouseholdKind.FLOATING, "overseas", members)
        family.created_on = members[0].arrival
        return family

    # -- details --------------------------------------------------------------------------
    def finish(self, family: Family) -> None:
        """Dates of joining, phones, schooling, work and residence permits."""
        for person in family.members:
            joined = max(person.birth, person.arrival or person.birth)
            person.joined = joined if joined > family.created_on else None
            if person.status_date and person.joined and person.status_date <= person.joined:
                person.status, person.status_date = ResidentStatus.LIVING, None
            self.schooling(person)
            self.phone(person)
            if person.registration == Registration.FLOATING:
                self.permit(person)
        living = family.living
        phones = [p.phone for p in living if p.phone]
        elderly = all(p.age() >= 65 for p in living)
        if elderly and self.rng.random() < 0.35 or not phones:
            family.phone = numbers.landline(self.rng)
        else:
            family.phone = family.head.phone or phones[0]
