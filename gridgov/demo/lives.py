"""The details of a planned person's life: schooling, work, phone and residence
permit, by age and by where the person comes from."""

import datetime

from gridgov.demo import numbers
from gridgov.demo.names import INDUSTRIES, JOBS_FLOATING, JOBS_LOCAL, company_prefixes, weighted
from gridgov.demo.persons import AS_OF, Person
from gridgov.people.choices import Education, Registration, ResidentStatus

EDUCATION_BY_COHORT = (
    # (born before, table)
    (1950, ((Education.NONE, 15), (Education.PRIMARY, 35), (Education.JUNIOR, 30),
            (Education.SENIOR, 15), (Education.COLLEGE, 3), (Education.BACHELOR, 2))),
    (1970, ((Education.NONE, 3), (Education.PRIMARY, 15), (Education.JUNIOR, 37),
            (Education.SENIOR, 30), (Education.COLLEGE, 8), (Education.BACHELOR, 6),
            (Education.POSTGRADUATE, 1))),
    (1985, ((Education.PRIMARY, 5), (Education.JUNIOR, 25), (Education.SENIOR, 30),
            (Education.COLLEGE, 18), (Education.BACHELOR, 19), (Education.POSTGRADUATE, 3))),
    (9999, ((Education.PRIMARY, 1), (Education.JUNIOR, 12), (Education.SENIOR, 25),
            (Education.COLLEGE, 25), (Education.BACHELOR, 30), (Education.POSTGRADUATE, 7))),
)  # fmt: skip
EDUCATION_FLOATING = (
    (Education.PRIMARY, 6), (Education.JUNIOR, 38), (Education.SENIOR, 30),
    (Education.COLLEGE, 14), (Education.BACHELOR, 11), (Education.POSTGRADUATE, 1),
)  # fmt: skip


class LifeDetails:
    """Part of `PeopleMaker`: needs its `rng`, `work`, `street_code` and `_permits`."""

    def between(self, start: datetime.date, end: datetime.date = AS_OF) -> datetime.date:
        span = (end - start).days
        return start + datetime.timedelta(days=self.rng.randint(0, max(span, 0)))

    def phone(self, person: Person) -> None:
        age = person.age()
        if age < 16:
            return
        chance = {
            ResidentStatus.LIVING: 0.6 if age >= 75 else 0.96,
            ResidentStatus.MOVED_OUT: 0.8,
            ResidentStatus.DECEASED: 0.3,
        }[person.status]
        if self.rng.random() < chance:
            person.phone = numbers.mobile(self.rng)

    def permit(self, person: Person) -> None:
        """A Guangdong residence permit: for those here half a year or more, valid
        three years, renewed by most."""
        rng = self.rng
        settled = person.arrival + datetime.timedelta(days=183)
        if person.age() < 16 or not person.living or settled > AS_OF or rng.random() > 0.78:
            return
        issued = self.between(settled, min(AS_OF, settled + datetime.timedelta(days=240)))
        expiry = (
            issued.replace(year=issued.year + 3)
            if issued.month != 2 or issued.day != 29
            else (issued + datetime.timedelta(days=3 * 365))
        )
        while expiry < AS_OF and rng.random() < 0.85:
            expiry = expiry + datetime.timedelta(days=3 * 365)
        self._permits += 1
        person.permit_number = f"4401{self.street_code[-3:]}{issued.year}{self._permits:06d}"
        person.permit_expiry = expiry

    def schooling(self, person: Person) -> None:
        """Education, occupation and work unit, by age and where the person is from."""
        rng, age, work = self.rng, person.age(), self.work
        floating = person.registration != Registration.REGISTERED
        if age < 6:
            person.education, person.occupation = Education.NONE, "学龄前儿童"
            return
        if age < 18:
            levels = ((12, Education.PRIMARY), (15, Education.JUNIOR), (18, Education.SENIOR))
            person.education = next(level for below, level in levels if age < below)
            person.occupation = "学生"
            if age < 15 and work.schools and rng.random() < 0.7:
                person.work_unit = rng.choice(work.schools)
            return
        if age < 23 and rng.random() < 0.55:
            person.education = rng.choice((Education.COLLEGE, Education.BACHELOR))
            person.occupation = "学生"
            return
        table = (
            EDUCATION_FLOATING
            if floating and person.birth.year >= 1970
            else next(t for year, t in EDUCATION_BY_COHORT if person.birth.year < year)
        )
        person.education = weighted(rng, table)
        retire_at = 60 if person.male else rng.choice((50, 55))
        if age >= retire_at:
            person.occupation = "退休人员" if not floating else "无业"
            return
        person.occupation = weighted(rng, JOBS_FLOATING if floating else JOBS_LOCAL)
        person.work_unit = self.work_unit(person.occupation)

    def work_unit(self, job: str) -> str:
        rng, work = self.rng, self.work
        if job in {"无业", "自由职业者"}:
            return ""
        pools = {"教师": work.schools, "医生": work.clinics, "护士": work.clinics}
        pools.update(dict.fromkeys(("公务员", "事业单位职工"), work.agencies))
        if job in pools:
            return rng.choice(pools[job]) if pools[job] and rng.random() < 0.5 else ""
        if job == "个体经营者":
            return ""  # given a shop of the street afterwards, when one is free
        if work.firms and rng.random() < 0.35:
            return rng.choice(work.firms)
        return f"广州{rng.choice(company_prefixes())}{rng.choice(INDUSTRIES)}有限公司"
