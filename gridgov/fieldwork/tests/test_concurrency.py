"""A phone that sends the same item twice at the same moment (a retry racing the first
try): one row is stored and both answers name it. Real threads with their own
connections, committing; the unique client id decides."""

import uuid

import pytest

from gridgov.core.models import AuditEntry
from gridgov.fieldwork import diary_actions, visit_actions
from gridgov.fieldwork.models import DiaryEntry, DiaryItem, Visit
from gridgov.testing import at_once

transactional = pytest.mark.django_db(transaction=True)


@transactional
def test_a_visit_sent_twice_at_once_is_stored_once(separate_connections, field):
    client_id = uuid.uuid4()
    inputs = {"kind": "routine", "household": field["households"]["101"], "client_id": client_id}
    outcomes = at_once(
        lambda: visit_actions.record_visit(field["worker"], **inputs),
        lambda: visit_actions.record_visit(field["worker"], **inputs),
    )
    assert all(isinstance(o, Visit) for o in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert sorted(o.replayed for o in outcomes) == [False, True]
    assert Visit.objects.count() == 1
    assert AuditEntry.objects.filter(action="visit.record").count() == 1


@transactional
def test_the_days_entry_opened_twice_at_once_is_one_entry(separate_connections, field):
    outcomes = at_once(
        lambda: diary_actions.add_item(field["worker"], kind="opinion", text="第一条"),
        lambda: diary_actions.add_item(field["worker"], kind="other", text="第二条"),
    )
    assert all(isinstance(o, DiaryItem) for o in outcomes), outcomes
    assert DiaryEntry.objects.count() == 1 and DiaryItem.objects.count() == 2
