"""A year of the demo street's cases (about 30,000), each with its whole timeline.

Every case is played forward from its report through the same steps the transition
table allows — escalation from the grid, acceptance, dispatch, handling (sometimes
late, sometimes extended), follow-up, the residents' rating, closing or rework —
with step times drawn around the category's limits on the working calendar. Cases
reported in the last days stop where "now" falls, so the open ones are in every
status and some are overdue. Rows are written in bulk (`rows.RowWriter`) with one
audit row for the whole load, like the population: replaying 200,000 moves through
the actions would take most of an hour.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import Department, RoleAssignment, User
from gridgov.accounts.roles import Role
from gridgov.cases.calendar import load_calendar
from gridgov.cases.choices import Level, Rating, Source, Status
from gridgov.cases.models import Case, CaseCounter, CaseEvent, Category
from gridgov.cases.workflow import self_score
from gridgov.core import audit
from gridgov.demo.case_staff import ensure_case_staff, taker_of
from gridgov.demo.names import weighted
from gridgov.demo.rows import RowWriter
from gridgov.places.models import Area, Building
from gridgov.places.models import Level as AreaLevel

SEED = 20261125
ADDRESS_PREFIX = "广州市海珠区"
DEFAULT_CASES = 30_000  # a year of Nanhua West
LIVE_CASES = 40  # reported in the last hours, so the dispatch board has work on it
SOURCES = (
    (Source.GRID_WORKER, 70),
    (Source.COMMAND_CENTER, 10),
    (Source.HOTLINE, 9),
    (Source.RESIDENT, 7),
    (Source.INFORMANT, 2),
    (Source.LEADER_VISIT, 2),
)
RATINGS = ((Rating.SATISFIED, 915), (Rating.BASIC, 60), (Rating.NOT_SATISFIED, 15), ("", 10))
RESULTS = (
    "已现场处理完毕",
    "已安排人员清理",
    "已维修恢复正常",
    "已责令整改完毕",
    "已协调相关单位处理",
)
FOLLOW_UPS = ("已电话告知居民处理结果", "已上门告知，居民认可", "现场回访，问题已解决")


@dataclass
class Story:
    """One case played forward; stops at `now` (the case is then still open)."""

    now: dt.datetime
    status: str = Status.REPORTED
    at: dt.datetime | None = None
    events: list = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    stopped: bool = False

    def step(self, action, to, at, actor, note="", data=None) -> bool:
        if self.stopped or at > self.now:
            self.stopped = True
            return False
        self.events.append((action, self.status, to or self.status, at, actor, note, data or {}))
        self.status, self.at = to or self.status, at
        return True


class CasePlayer:
    """Plays demo cases of one street on the working calendar."""

    def __init__(self, street: Area, rng: random.Random, now: dt.datetime):
        self.rng, self.now, self.calendar = rng, now, load_calendar()
        self.street = street
        self.categories = [c for c in Category.objects.current() if c.parent_code]
        departments = {d.name: d for d in Department.objects.all()}
        self.department = {c.pk: departments[taker_of(c.code)] for c in self.categories}
        self.departments = list(departments.values())
        roles = RoleAssignment.objects.select_related("user")
        self.grid_worker = {
            r.area_id: r.user for r in roles.filter(role=Role.GRID_WORKER).order_by("-id")
        }
        self.community_staff = {
            r.area_id: r.user for r in roles.filter(role=Role.COMMUNITY_STAFF).order_by("-id")
        }
        self.dispatcher = User.objects.filter(
            role_assignments__role=Role.DISPATCHER, role_assignments__area=street
        ).first()
        self.department_user = {
            r.department_id: r.user for r in roles.filter(role=Role.DEPARTMENT_STAFF)
        }
        self.buildings = list(
            Building.objects.filter(street=street).values_list(
                "grid_id", "community_id", "lon", "lat", "address"
            )
        )
        self.grids = dict(
            Area.objects.filter(level=AreaLevel.GRID, path__startswith=street.path)
            .current()
            .values_list("id", "code")
        )

    def _later(self, at, minutes_low, minutes_high):
        return at + dt.timedelta(minutes=self.rng.uniform(minutes_low, minutes_high))

    def _reported_at(self, days: int) -> dt.datetime:
        rng = self.rng
        day = self.now - dt.timedelta(days=rng.uniform(0, days))
        hour = rng.choice((8, 9, 9, 10, 10, 10, 11, 11, 14, 15, 15, 16, 16, 17, 19, 21))
        moment = timezone.localtime(day).replace(hour=hour, minute=rng.randrange(60))
        return moment if moment < self.now else moment - dt.timedelta(days=1)

    def play(self, days: int, live: bool = False):
        """(case fields, events) of one case reported in the last `days` days; a `live`
        one was reported in the last hours and nobody has got far with it yet."""
        rng, cal = self.rng, self.calendar
        category = rng.choice(self.categories)
        grid_id, community_id, lon, lat, address = rng.choice(self.buildings)
        source = weighted(rng, SOURCES)
        if live:
            reported = self.now - dt.timedelta(minutes=rng.uniform(5, 180))
            story = Story(now=reported + dt.timedelta(minutes=rng.uniform(0, 90)))
        else:
            reported = self._reported_at(days)
            story = Story(now=self.now)
        worker = self.grid_worker.get(grid_id)
        community = self.community_staff.get(community_id)
        by_worker = source == Source.GRID_WORKER
        level = Level.GRID if by_worker else Level.STREET
        story.step("report", Status.REPORTED, reported, worker if by_worker else self.dispatcher)
        fields = {
            "category_id": category.pk,
            "grid_id": grid_id,
            "community_id": community_id,
            "street_id": self.street.pk,
            "lon": lon + rng.uniform(-0.0001, 0.0001),
            "lat": lat + rng.uniform(-0.0001, 0.0001),
            "address": address,
            "source": source,
            "title": f"{address.removeprefix(ADDRESS_PREFIX)}{category.name}",
            "description": f"{address}发现{category.name}，请尽快处理。",
            "reporter_id": worker.pk if by_worker and worker else None,
            "reporter_name": "" if by_worker else "热心市民",
            "assignee_id": worker.pk if worker else None,
            "reported_at": reported,
            "priority": "urgent" if category.handle_unit == "clock_hours" else "normal",
        }
        fields["due_at"] = cal.add(reported, category.accept_limit, category.accept_unit)
        fields["due_unit"] = category.accept_unit
        if by_worker and rng.random() < 0.3:
            self._on_the_spot(story, fields, worker)
        else:
            level = self._dispatch_path(story, fields, category, level, worker, community)
        fields.update(level=level, status=story.status)
        return fields, story.events

    def _on_the_spot(self, story, fields, worker):
        at = self._later(story.at, 10, 90)
        result = self.rng.choice(RESULTS)
        if story.step("resolve", Status.HANDLED, at, worker, result):
            fields.update(result=result, handled_at=at, handle_due_at=at)
        self._follow_up_and_close(story, fields, worker)

    def _dispatch_path(self, story, fields, category, level, worker, community) -> str:
        rng, cal = self.rng, self.calendar
        if level == Level.GRID:
            if story.step("escalate", None, self._later(story.at, 2, 15), worker):
                level = Level.COMMUNITY
            if story.step("escalate", None, self._later(story.at, 5, 40), community):
                level = Level.STREET
        if rng.random() < 0.02:
            at = self._later(story.at, 3, 14)
            if story.step("reject", Status.REJECTED, at, self.dispatcher, "不属于受理范围"):
                fields.update(due_at=None, closed_at=at)
            return level
        accepted = self._later(story.at, 2, 16 if rng.random() < 0.95 else 40)
        if not story.step("accept", Status.ACCEPTED, accepted, self.dispatcher):
            return level
        fields["accepted_at"] = accepted
        fields["due_at"] = cal.add(accepted, category.dispatch_limit, category.dispatch_unit)
        fields["due_unit"] = category.dispatch_unit
        department = self.department[category.pk]
        self._dispatch(story, fields, category, department, self._later(accepted, 3, 45))
        return level

    def _dispatch(self, story, fields, category, department, at, may_return=True):
        rng, cal = self.rng, self.calendar
        if not story.step(
            "dispatch", Status.DISPATCHED, at, self.dispatcher, "", {"department": department.name}
        ):
            return
        handle_due = cal.add(at, category.handle_limit, category.handle_unit)
        fields.update(
            department_id=department.pk,
            dispatched_at=at,
            handle_due_at=handle_due,
            due_at=handle_due,
            due_unit=category.handle_unit,
        )
        staff = self.department_user.get(department.pk)
        if may_return and rng.random() < 0.03:
            self._return_and_redispatch(story, fields, category, department, staff)
            return
        if not story.step("start", Status.IN_PROGRESS, self._later(at, 5, 120), staff):
            return
        span = handle_due - at
        if rng.random() < 0.03:
            ask = story.at + span * 0.5
            if story.step("request_extension", None, ask, staff, "需协调产权单位", {"amount": "1"}):
                fields.update(extension_amount=1, extension_reason="需协调产权单位")
            if story.step("approve_extension", None, self._later(ask, 10, 120), self.dispatcher):
                handle_due = cal.add(handle_due, 1, category.handle_unit)
                fields.update(
                    handle_due_at=handle_due,
                    due_at=handle_due,
                    extension_count=fields.get("extension_count", 0) + 1,
                    extension_amount=None,
                    extension_reason="",
                )
        # Most are handled well inside the limit; some late, a few very late (these
        # are the overdue ones on the board when "now" falls before their handling).
        late = rng.random()
        share = (
            rng.uniform(1.5, 4.0)
            if late < 0.03
            else rng.uniform(1.02, 1.5)
            if late < 0.07
            else rng.uniform(0.15, 0.9)
        )
        handled = at + (handle_due - at) * share
        result = rng.choice(RESULTS)
        if not story.step("handle", Status.HANDLED, handled, staff, result):
            return
        fields.update(result=result, handled_at=handled)
        self._follow_up_and_close(
            story, fields, self.grid_worker.get(fields["grid_id"]), category, department
        )

    def _return_and_redispatch(self, story, fields, category, department, staff):
        """The department sends the case back (not theirs); the dispatcher sends it on."""
        at = self._later(story.at, 10, 90)
        reason = "不属于本部门职责，请改派"
        if not story.step(
            "return", Status.ACCEPTED, at, staff, reason, {"department": department.name}
        ):
            return
        fields.update(department_id=None, handle_due_at=None, due_unit=category.dispatch_unit)
        fields["due_at"] = self.calendar.add(at, category.dispatch_limit, category.dispatch_unit)
        other = self.rng.choice([d for d in self.departments if d.pk != department.pk])
        self._dispatch(story, fields, category, other, self._later(at, 5, 60), may_return=False)

    def _follow_up_and_close(self, story, fields, worker, category=None, department=None):
        rng, cal = self.rng, self.calendar
        at = self._later(story.at, 30, 600)
        note = rng.choice(FOLLOW_UPS)
        fields["due_at"] = cal.add(story.at, 1, "work_days")
        fields["due_unit"] = "work_days"
        if not story.step("follow_up", Status.FOLLOWED_UP, at, worker, note):
            return
        fields["followed_up_at"] = at
        fields["due_at"] = cal.add(at, 3, "work_days")
        rating = weighted(rng, RATINGS)
        if (
            rating == Rating.NOT_SATISFIED
            and department is not None
            and not fields.get("rework_count")
        ):
            rated = self._later(at, 60, 1440)
            if story.step("rate", None, rated, None, "问题仍未彻底解决", {"rating": rating}):
                story.step("reopen", Status.DISPATCHED, rated, None)
                fields.update(rework_count=1, rating="", handled_at=None, followed_up_at=None)
                self._rework(story, fields, category, department)
            return
        if rating == Rating.NOT_SATISFIED:
            rating = Rating.BASIC
        closed = self._later(at, 60, 2880) if rating else cal.add(at, 3, "work_days")
        if rating:
            if not story.step("rate", None, closed, None, "", {"rating": rating}):
                return
            fields.update(rating=rating, rated_at=closed)
        case_like = _Scored(fields)
        fields["self_score"] = self_score(case_like)
        if story.step(
            "close", Status.CLOSED, closed, None, "", {"self_score": fields["self_score"]}
        ):
            fields.update(closed_at=closed, due_at=None)

    def _rework(self, story, fields, category, department):
        cal = self.calendar
        at = story.at
        handle_due = cal.add(at, category.handle_limit, category.handle_unit)
        fields.update(
            dispatched_at=at,
            handle_due_at=handle_due,
            due_at=handle_due,
            due_unit=category.handle_unit,
        )
        staff = self.department_user.get(department.pk)
        handled = at + (handle_due - at) * self.rng.uniform(0.2, 0.8)
        if story.step("handle", Status.HANDLED, handled, staff, "已返工处理"):
            fields.update(result="已返工处理", handled_at=handled)
            self._follow_up_and_close(
                story, fields, self.grid_worker.get(fields["grid_id"]), category, department
            )


class _Scored:
    """Enough of a case for `workflow.self_score`."""

    def __init__(self, fields):
        handled, due = fields.get("handled_at"), fields.get("handle_due_at")
        self.handled_on_time = None if not (handled and due) else handled <= due
        self.rework_count = fields.get("rework_count", 0)
        self.extension_count = fields.get("extension_count", 0)


def load_cases(street: Area, total: int = DEFAULT_CASES, days: int = 365, out=None) -> int:
    """Write `total` cases reported over the last `days` days into `street`, unless it
    has cases already. Returns the number written."""
    if (
        Case.objects.filter(street=street).exists()
        or not Building.objects.filter(street=street).exists()
    ):
        return 0  # done already, or no buildings to place cases at
    ensure_case_staff(street, SEED)
    rng = random.Random(SEED + int(street.code))
    now = timezone.now()
    player = CasePlayer(street, rng, now)
    live = min(LIVE_CASES, total // 10)
    plays = [player.play(days) for _ in range(total - live)]
    plays += [player.play(days, live=True) for _ in range(live)]
    played = sorted(plays, key=lambda p: p[0]["reported_at"])
    with transaction.atomic():
        counts = _write(street, played, out)
        audit.record(None, "demo.cases", street, after=counts)
    return counts["cases"]


def _write(street, played, out) -> dict:
    cases, events = RowWriter(Case), RowWriter(CaseEvent)
    sequence: dict[dt.date, int] = {}
    names: dict[int, str] = {}
    for fields, story_events in played:
        day = timezone.localtime(fields["reported_at"]).date()
        sequence[day] = sequence.get(day, 0) + 1
        fields["number"] = f"{street.code}{day:%Y%m%d}{sequence[day]:04d}"
        last = story_events[-1][3]
        fields.update(version=len(story_events), updated_at=last)
        case_id = cases.add(fields)
        for action, before, after, at, actor, note, data in story_events:
            if actor is not None and actor.pk not in names:
                names[actor.pk] = str(actor)
            events.add(
                {
                    "case_id": case_id,
                    "actor_id": actor.pk if actor else None,
                    "actor_name": names[actor.pk]
                    if actor
                    else ("居民" if action == "rate" else "系统"),
                    "action": action,
                    "from_status": "" if action == "report" else before,
                    "to_status": after,
                    "note": note,
                    "data": data,
                    "created_at": at,
                }
            )
        if out and cases.count % 10_000 == 0:
            out.write(f"  {cases.count:,} cases\n")
    counts = {"cases": cases.finish(), "events": events.finish()}
    CaseCounter.objects.bulk_create(
        CaseCounter(street_code=street.code, day=day, last=last) for day, last in sequence.items()
    )
    return counts
