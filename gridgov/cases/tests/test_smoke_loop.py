"""One case round the loop through the actions, as the transition table allows."""

from gridgov.cases import actions
from gridgov.cases.choices import Level, Status
from gridgov.core.models import AuditEntry


def test_a_case_goes_round_the_loop(personas, dispatcher, department, report):
    case = report()
    assert case.status == Status.REPORTED and case.level == Level.GRID
    assert case.number.startswith("440105008")
    case = actions.act(personas["grid_worker"], case, "escalate", version=case.version)
    case = actions.act(personas["community_staff"], case, "escalate", version=case.version)
    assert case.level == Level.STREET
    case = actions.act(dispatcher, case, "accept", version=case.version)
    case = actions.act(dispatcher, case, "dispatch", version=case.version, department=department)
    assert case.status == Status.DISPATCHED and case.handle_due_at
    staff = personas["department_staff"]
    case = actions.act(staff, case, "start", version=case.version)
    case = actions.act(staff, case, "handle", version=case.version, result="已清运")
    case = actions.act(personas["grid_worker"], case, "follow_up", note="已告知居民")
    assert case.rating_token
    case = actions.rate_by_token(case.rating_token, "not_satisfied", "还有异味")
    assert case.status == Status.DISPATCHED and case.rework_count == 1
    case = actions.act(staff, case, "handle", result="已冲洗")
    case = actions.act(personas["grid_worker"], case, "follow_up", note="再次回访")
    case = actions.rate_by_token(case.rating_token, "satisfied")
    assert case.status == Status.CLOSED
    assert case.events.count() == AuditEntry.objects.filter(action__startswith="case.").count()
