"""The demo's people and households as planned, before anything is written: plain
objects, light enough for 60,000 at a time."""

import datetime
from dataclasses import dataclass, field

from gridgov.people.choices import IdType, ResidentStatus

AS_OF = datetime.date(2026, 1, 5)  # the demo's "today", so every run gives the same data
YEAR_DAYS = 365.2425


class Person:
    """One resident as planned; `record` is the Resident's id once written."""

    __slots__ = (
        "name", "male", "birth", "id_type", "id_number", "phone", "relation", "registration",
        "origin", "arrival", "permit_number", "permit_expiry", "education", "occupation",
        "work_unit", "ethnicity", "status", "status_date", "joined", "focus", "record",
    )  # fmt: skip

    def __init__(self, name, male, birth, relation, registration):
        self.name, self.male, self.birth = name, male, birth
        self.relation, self.registration = relation, registration
        self.id_type, self.id_number, self.phone = IdType.RESIDENT_ID, "", ""
        self.origin, self.arrival, self.permit_number, self.permit_expiry = "", None, "", None
        self.education, self.occupation, self.work_unit, self.ethnicity = "", "", "", "01"
        self.status, self.status_date, self.joined = ResidentStatus.LIVING, None, None
        self.focus: list[tuple[str, datetime.date, dict]] = []
        self.record = None

    @property
    def living(self) -> bool:
        return self.status == ResidentStatus.LIVING

    def age(self, on: datetime.date = AS_OF) -> int:
        return on.year - self.birth.year - ((on.month, on.day) < (self.birth.month, self.birth.day))


@dataclass
class Family:
    """A household as planned: its kind, its members (the head first) and its history."""

    kind: str
    shape: str
    members: list[Person]
    created_on: datetime.date = AS_OF
    phone: str = ""
    number: str = ""
    home: dict | None = None  # the dwelling's row
    record: int | None = None  # the Household's id once written
    tags: set[str] = field(default_factory=set)

    @property
    def head(self) -> Person:
        return self.members[0]

    @property
    def living(self) -> list[Person]:
        return [p for p in self.members if p.living]


@dataclass
class WorkPlaces:
    """Where people of the street work: names of local organizations by kind, and the
    shops still looking for an owner among the residents."""

    schools: list[str] = field(default_factory=list)
    clinics: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    firms: list[str] = field(default_factory=list)
    unowned_shops: list = field(default_factory=list)
