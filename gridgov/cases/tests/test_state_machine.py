"""A Hypothesis state machine drives the transition table with every role: the grid
worker, community staff, a dispatcher, the department's staff, another department's
staff, a stranger, the resident holding the rating link, and the system. Each step
picks a person and an action (any action, or one the buttons would offer) with
plausible inputs, and checks:

- a move happens only if (status, action) is in TRANSITIONS, the person plays an
  allowed part at the case's level, the guard passes and the inputs are there;
- a refused move changes nothing (status, version, events, audit rows);
- every move adds exactly one CaseEvent and one AuditEntry (the system's evaluation
  chained after a rating counts as a move of its own), so version = events = audit rows;
- closed, rejected and merged cases change no more;
- due times follow the calendar.
"""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from gridgov.accounts.models import Department, DepartmentKind
from gridgov.accounts.roles import Role
from gridgov.cases import actions
from gridgov.cases.calendar import load_calendar
from gridgov.cases.choices import FINAL_STATUSES, LEVEL_ORDER, Rating, Status
from gridgov.cases.models import Case, CaseEvent
from gridgov.cases.notify import token_digest
from gridgov.cases.workflow import (
    RESIDENT,
    SYSTEM,
    TRANSITIONS,
    acting_parts,
    allowed_actions,
    guard,
    parts_of,
)
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.testing import make_user

ACTIONS = sorted({action for _status, action in TRANSITIONS} | {"rate"})
PEOPLE = (
    "grid_worker",
    "community_staff",
    "dispatcher",
    "department_staff",
    "other_department_staff",
    "stranger",
    "resident",
    "system",
)
TERMINAL = ("reject", "merge")
RATINGS = ("bogus", "", *Rating.values)  # careful draws skip the bogus one


def _audit_rows(case_pk) -> int:
    return AuditEntry.objects.filter(object_type="cases.case", object_id=str(case_pk)).count()


def _expected_refusal(actor, case, action, inputs, version):
    """The status of the refusal the table, the parts and the guard call for (None: the
    move may happen, though an effect may still turn down a bad input)."""
    if actor == RESIDENT:
        token = inputs.get("token") or ""
        if not token or token_digest(token) != case.rating_token_digest:
            return 404
    elif action == "rate" and actor is not None:
        return 403  # people rate only through the link
    if actor not in (None, RESIDENT) and version is not None and version != case.version:
        return 409  # only people name the version they saw
    move = TRANSITIONS.get((case.status, action))
    if move is None:
        return 409
    parts = frozenset({RESIDENT}) if actor == RESIDENT else parts_of(actor, case)
    if not acting_parts(move, parts, case.level):
        return 403
    if guard(case, action):
        return 409
    if any(inputs.get(need) in (None, "", []) for need in move.needs):
        return 400
    return None


class CaseLoop(RuleBasedStateMachine):
    """One fresh case per example, moved around by everybody."""

    def __init__(self, people, departments):
        super().__init__()
        self.people = people
        self.department, self.inactive = departments
        self.token = ""

    @initialize(reporter=st.sampled_from(["grid_worker", "community_staff", "dispatcher"]))
    def report(self, reporter):
        values = {"title": "垃圾堆放", "lon": 113.2425, "lat": 23.1025}
        values["category"] = self.people["category"]
        case = actions.report_case(self.people[reporter], **values)
        self.target = actions.report_case(self.people["dispatcher"], **values)
        self.case_pk = case.pk
        self.final = None
        calendar = load_calendar()
        assert case.due_at == calendar.add(case.reported_at, *case.category.limit("accept"))

    # -- the steps ---------------------------------------------------------------------

    @rule(data=st.data(), who=st.sampled_from(PEOPLE), action=st.sampled_from(ACTIONS))
    def any_move(self, data, who, action):
        self._try(data, who, action, careful=False)

    @rule(data=st.data())
    def offered_move(self, data):
        """Someone takes an action the buttons offer them now, with good inputs."""
        case = self._case()
        offers = {who: self._offered(who, case) for who in PEOPLE}
        offers = {who: offered for who, offered in offers.items() if offered}
        if offers:
            who = data.draw(st.sampled_from(sorted(offers)), label="who")
            self._try(data, who, data.draw(st.sampled_from(offers[who])), careful=True)

    def _offered(self, who, case):
        if who == "resident":
            return ["rate"] if case.status == Status.FOLLOWED_UP and self.token else []
        if who == "system":
            return []  # the sweep's moves; any_move tries them
        # Rejecting and merging end a case at once; any_move still tries them.
        return [a for a in allowed_actions(self._actor(who), case) if a not in TERMINAL]

    def _try(self, data, who, action, careful):
        if who == "resident":
            action = "rate"  # the link does one thing
        before = self._case()
        actor = self._actor(who)
        inputs = self._inputs(data, action, before, careful)
        versions = [None, before.version] + ([] if careful else [before.version - 1])
        version = data.draw(st.sampled_from(versions), label="version")
        expected = _expected_refusal(actor, before, action, inputs, version)
        events = list(before.events.values_list("id", flat=True))
        audit_rows = _audit_rows(before.pk)
        try:
            if who == "resident":
                after = actions.rate_by_token(inputs["token"], inputs.get("rating", ""))
            elif who == "system":
                after = actions.system_move(before, action, **inputs)
            else:
                after = actions.act(actor, before, action, version=version, **inputs)
        except ActionError as error:
            if expected is not None:
                assert error.status == expected, (who, action, before.status, error.message)
            self._assert_unchanged(before, events, audit_rows)
            return
        assert expected is None, f"{who} made {action} on a {before.status} case"
        assert before.status not in FINAL_STATUSES
        if getattr(after, "rating_token", None):
            self.token = after.rating_token
        self._check_move(before, action, inputs, events)

    # -- inputs --------------------------------------------------------------------------

    def _actor(self, who):
        if who == "resident":
            return RESIDENT
        return None if who == "system" else self.people[who]

    def _inputs(self, data, action, case, careful):
        """Plausible inputs: good ones when careful, else sometimes missing or wrong."""

        def pick(label, good, *bad):
            return data.draw(st.sampled_from([good] if careful else [good, *bad]), label=label)

        inputs = {"reason": pick("reason", "现场核实需要", "")}
        if action == "dispatch":
            inputs["department"] = pick("department", self.department, None, self.inactive)
            if data.draw(st.booleans(), label="explicit due time"):
                inputs["due_at"] = timezone.now() + dt.timedelta(days=2)
        elif action in ("resolve", "handle"):
            inputs["result"] = pick("result", "已清运", "")
        elif action == "follow_up":
            inputs["note"] = pick("note", "已告知居民", "")
            inputs["rating"] = data.draw(st.sampled_from(RATINGS[careful:]), label="rating")
        elif action == "merge":
            inputs["target"] = pick("target", self.target.number, "", case.number)
        elif action == "request_extension":
            inputs["amount"] = pick("amount", "2.5", "", "0", "abc")
        elif action == "rate":
            inputs["rating"] = data.draw(st.sampled_from(RATINGS[careful:]), label="rating")
            inputs["token"] = pick("token", self.token, "", "forged")
        return inputs

    # -- the checks ----------------------------------------------------------------------

    def _case(self) -> Case:
        return Case.objects.select_related("category").get(pk=self.case_pk)

    def _assert_unchanged(self, before, events, audit_rows):
        now = self._case()
        assert (now.status, now.version, now.level, now.due_at) == (
            before.status,
            before.version,
            before.level,
            before.due_at,
        )
        assert list(now.events.values_list("id", flat=True)) == events
        assert _audit_rows(now.pk) == audit_rows

    def _check_move(self, before, action, inputs, old_events):
        case = self._case()
        new = list(CaseEvent.objects.filter(case=case).exclude(id__in=old_events))
        assert 1 <= len(new) <= 2 and new[0].action == action
        assert new[0].from_status == before.status
        if len(new) == 2:  # the evaluation the system makes right after a rating
            assert action in ("rate", "follow_up") and new[1].actor is None
            assert new[1].action in ("close", "reopen")
        assert case.version == before.version + len(new)
        move = TRANSITIONS[(before.status, action)]
        if move.to is None:
            assert new[0].to_status == before.status
        elif not (action == "reopen" and before.department_id is None):
            assert new[0].to_status == move.to
        self._check_due(before, case, action, inputs, new)
        if case.status in FINAL_STATUSES:
            self.final = (case.status, case.version)

    def _check_due(self, before, case, action, inputs, new):
        calendar, category = load_calendar(), case.category
        if len(new) == 2:
            return
        if action == "dispatch":
            expected = inputs.get("due_at") or calendar.add(
                case.dispatched_at, *category.limit("handle")
            )
            assert case.handle_due_at == case.due_at == expected
        elif action == "accept":
            assert case.due_at == calendar.add(case.accepted_at, *category.limit("dispatch"))
        elif action == "escalate":
            assert LEVEL_ORDER.index(case.level) == LEVEL_ORDER.index(before.level) + 1
            assert case.due_at == calendar.add(new[0].created_at, *category.limit("accept"))
        elif action in ("handle", "resolve"):
            assert case.due_at == calendar.add(case.handled_at, *category.limit("follow_up"))
        elif action == "approve_extension":
            assert case.handle_due_at == calendar.add(
                before.handle_due_at, before.extension_amount, category.handle_unit
            )
            assert case.extension_count == before.extension_count + 1 <= 2
        elif action == "resume":
            paused = (before.suspended_at, new[0].created_at)
            assert case.due_at == calendar.shift(before.due_at, *paused, before.due_unit)
        elif action in ("close", "reject", "merge"):
            assert case.due_at is None and case.closed_at

    @invariant()
    def every_move_has_one_event_and_one_audit_row(self):
        case = self._case()
        assert case.version == case.events.count() == _audit_rows(case.pk)

    @invariant()
    def final_cases_change_no_more(self):
        if self.final:
            case = self._case()
            assert (case.status, case.version) == self.final

    @invariant()
    def at_most_two_extensions(self):
        assert self._case().extension_count <= 2


@pytest.mark.django_db
def test_the_transition_table_holds_for_everyone(personas, dispatcher, department, category, tree):
    other = Department.objects.create(
        name="南华西派出所", kind=DepartmentKind.OUTSIDE_UNIT, area=tree["street"]
    )
    closed_down = Department.objects.create(
        name="已撤销单位", kind=DepartmentKind.OUTSIDE_UNIT, area=tree["street"], is_active=False
    )
    people = personas | {
        "dispatcher": dispatcher,
        "other_department_staff": make_user("police", Role.DEPARTMENT_STAFF, department=other),
        "category": category,
    }
    run_state_machine_as_test(
        lambda: CaseLoop(people, (department, closed_down)),
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            database=None,  # every run explores afresh; a failure prints its steps
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_system_and_resident_parts_are_what_the_table_names():
    """The two parts with no user behind them act only where the table says."""
    system = {action for (_s, action), m in TRANSITIONS.items() if SYSTEM in m.parts}
    resident = {action for (_s, action), m in TRANSITIONS.items() if RESIDENT in m.parts}
    assert system == {"escalate", "close", "reopen"} and resident == {"rate"}
