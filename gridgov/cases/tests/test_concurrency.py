"""Two dispatchers acting on the same case at the same moment: one succeeds, the other
is told clearly that someone else got there first, and nothing is lost or doubled.

Real threads with their own database connections, committing: on PostgreSQL the case
row is locked (`select_for_update`), on SQLite the IMMEDIATE transactions queue
behind the busy timeout. Either way the second move re-reads the case after the
first commits and is refused."""

import pytest

from gridgov.accounts.roles import Role
from gridgov.cases import actions
from gridgov.cases.choices import Status
from gridgov.cases.models import Case, CaseEvent
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.testing import at_once, make_user

CONFLICT = "该案件已被他人处理"

transactional = pytest.mark.django_db(transaction=True)


@transactional
@pytest.mark.parametrize("with_version", [True, False])
def test_two_dispatchers_at_once_one_wins(
    separate_connections, report, dispatcher, department, tree, with_version
):
    other = make_user("dispatcher2", Role.DISPATCHER, tree["street"])
    case = report(actor=dispatcher)
    seen = {"version": case.version} if with_version else {}
    events, audits = CaseEvent.objects.count(), AuditEntry.objects.count()

    outcomes = at_once(
        lambda: actions.act(dispatcher, case, "dispatch", department=department, **seen),
        lambda: actions.act(other, case, "reject", reason="不属于受理范围", **seen),
    )

    wins = [o for o in outcomes if isinstance(o, Case)]
    losses = [o for o in outcomes if isinstance(o, ActionError)]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    assert losses[0].status == 409
    message = str(losses[0].message)
    if with_version:
        assert CONFLICT in message and "刷新" in message
    else:
        assert "案件当前状态为" in message
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == wins[0].status in (Status.DISPATCHED, Status.REJECTED)
    assert stored.version == case.version + 1
    assert CaseEvent.objects.count() == events + 1
    assert AuditEntry.objects.count() == audits + 1


@transactional
def test_many_moves_at_once_lose_nothing(separate_connections, report, dispatcher, department):
    """Eight suspend/resume requests without versions: each applied move is recorded once,
    each refused one changes nothing, and the version counts the applied moves."""
    case = actions.act(dispatcher, report(actor=dispatcher), "dispatch", department=department)
    moves = [
        (lambda: actions.act(dispatcher, case, "suspend", reason="等待"))
        if i % 2 == 0
        else (lambda: actions.act(dispatcher, case, "resume"))
        for i in range(8)
    ]
    outcomes = at_once(*moves)
    applied = sum(isinstance(o, Case) for o in outcomes)
    assert all(isinstance(o, Case) or o.status == 409 for o in outcomes), outcomes
    stored = Case.objects.get(pk=case.pk)
    assert stored.version == case.version + applied
    assert stored.events.filter(action__in=("suspend", "resume")).count() == applied
    assert (
        AuditEntry.objects.filter(
            object_id=str(case.pk), action__in=("case.suspend", "case.resume")
        ).count()
        == applied
    )


def test_a_stale_version_is_refused_and_changes_nothing(report, dispatcher, department):
    case = report(actor=dispatcher)
    seen = case.version
    actions.act(dispatcher, case, "accept", version=seen)
    before = Case.objects.get(pk=case.pk)
    events, audits = CaseEvent.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ActionError) as error:
        actions.act(dispatcher, case, "dispatch", version=seen, department=department)
    assert error.value.status == 409 and CONFLICT in str(error.value.message)
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.version, after.department_id) == (
        before.status,
        before.version,
        None,
    )
    assert (CaseEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)
    # The current version is accepted.
    actions.act(dispatcher, case, "dispatch", version=after.version, department=department)


def _waiting_on_a_lock_or_done(thread) -> bool:
    """The other writer has finished, or sits waiting on a lock (PostgreSQL's view of
    its sessions)."""
    from django.db import connection

    if not thread.is_alive():
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@transactional
def test_the_live_feed_misses_no_event_committed_out_of_order(
    separate_connections, report, dispatcher
):
    """Two dispatchers accept two cases: the first inserts its event and is slow to
    commit, the second is quick. A map polling the feed in between, then after both
    have committed, sees both events: ids become visible in the order given out."""
    import threading

    from django.db import connection, transaction

    from gridgov.command.queries import feed

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's writers take turns for their whole transaction (core.sqlite)")
    first, second = report(actor=dispatcher), report(actor=dispatcher)
    start = feed(dispatcher)["cursor"]
    inserted, go = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                actions.act(dispatcher, first, "accept")
                inserted.set()
                assert go.wait(60)
        finally:
            connection.close()

    def quick_writer():
        try:
            actions.act(dispatcher, second, "accept")
        finally:
            connection.close()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert inserted.wait(60)
    quick = threading.Thread(target=quick_writer)
    quick.start()
    pause = threading.Event()
    for _ in range(600):
        if _waiting_on_a_lock_or_done(quick):
            break
        pause.wait(0.05)
    middle = feed(dispatcher, after=start)
    go.set()
    slow.join(60)
    quick.join(60)
    end = feed(dispatcher, after=middle["cursor"])

    accepted = {i["case_id"] for i in middle["items"] + end["items"] if i["action"] == "accept"}
    assert accepted == {first.pk, second.pk}
