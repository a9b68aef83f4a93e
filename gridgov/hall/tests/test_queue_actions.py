"""The queue's actions: numbers per group and per day, calling, recall until no-show,
serving, transfers that keep their place, windows; each with its audit row, each
refused with a clear message (and nothing changed) when it makes no sense, and only
in the clerk's own street."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gridgov.accounts.roles import Role
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.hall import queue_actions as qa
from gridgov.hall.models import Priority, Ticket, TicketStatus, WindowStatus
from gridgov.hall.queue_queries import ticket_by_token, token_digest
from gridgov.testing import make_user


def audits(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def issue(hall, group="A", priority="", **kw):
    return qa.issue_ticket(hall["clerk"], hall["groups"][group], priority, **kw)[0]


def test_numbers_run_per_group_and_start_again_each_day(hall):
    clerk, items = hall["clerk"], hall["items"]
    first, token = qa.issue_ticket(clerk, items["pension"])
    numbers = [first.number]
    numbers.append(qa.issue_ticket(clerk, items["allowance"], Priority.ELDERLY)[0].number)
    numbers.append(qa.issue_ticket(clerk, items["pension"])[0].number)
    numbers.append(qa.issue_ticket(clerk, hall["groups"]["B"])[0].number)
    assert numbers == ["A001", "B001", "A002", "B002"]
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert issue(hall, now=tomorrow).number == "A001"
    # The ticket keeps its item and priority; the link's token is not stored, its digest is.
    stored = Ticket.objects.get(number="B001")
    assert (stored.item, stored.priority, stored.status) == (
        items["allowance"],
        Priority.ELDERLY,
        TicketStatus.WAITING,
    )
    assert first.token_digest == token_digest(token) != token
    assert ticket_by_token(token) == first
    entry = audits("hall.ticket_issue")[0]
    assert (entry.object_repr, entry.actor, entry.after["item"]) == (
        "A001",
        clerk,
        items["pension"].pk,
    )


def test_a_draft_item_or_a_made_up_priority_gets_no_number(hall):
    with pytest.raises(ActionError, match="未发布"):
        qa.issue_ticket(hall["clerk"], hall["items"]["draft"])
    with pytest.raises(ActionError, match="优先类别无效"):
        qa.issue_ticket(hall["clerk"], hall["items"]["pension"], "vip")
    assert not Ticket.objects.exists() and not AuditEntry.objects.exists()


def test_call_next_marks_the_ticket_called_at_the_window(hall):
    now = timezone.now()
    ticket = issue(hall, now=now - dt.timedelta(minutes=5))
    called = qa.call_next(hall["clerk"], hall["windows"][1], now=now)
    assert called.pk == ticket.pk
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.status == TicketStatus.CALLED
    assert (stored.calls, stored.window, stored.clerk) == (1, hall["windows"][1], hall["clerk"])
    assert (stored.called_at, stored.wait_seconds) == (now, 300)
    entry = audits("hall.ticket_call")[0]
    assert (entry.object_repr, entry.after) == ("A001", {"window": 1})


def test_a_window_calls_only_its_own_groups_and_says_when_nobody_waits(hall):
    issue(hall, "B")
    assert qa.call_next(hall["clerk"], hall["windows"][1]) is None  # window 1 serves A only
    assert qa.call_next(hall["clerk"], hall["windows"][2]).number == "B001"
    assert len(audits("hall.ticket_call")) == 1


def test_yesterdays_waiting_tickets_are_not_called(hall):
    issue(hall, now=timezone.now() - dt.timedelta(days=1))
    assert qa.call_next(hall["clerk"], hall["windows"][1]) is None


def test_call_next_on_a_paused_window_is_refused_and_changes_nothing(hall):
    window = hall["windows"][1]
    qa.set_window(hall["clerk"], window, WindowStatus.PAUSED)
    issue(hall)
    count = AuditEntry.objects.count()
    with pytest.raises(ActionError) as error:
        qa.call_next(hall["clerk"], window)
    assert "1号窗口未在服务中（暂停）" in str(error.value.message)
    assert Ticket.objects.get().status == TicketStatus.WAITING
    assert AuditEntry.objects.count() == count


def test_a_called_number_must_be_dealt_with_before_the_next(hall):
    clerk, window = hall["clerk"], hall["windows"][1]
    first, second = issue(hall), issue(hall)
    qa.call_next(clerk, window)
    with pytest.raises(ActionError, match="A001 号已叫号尚未办理"):
        qa.call_next(clerk, window)
    assert Ticket.objects.get(pk=second.pk).status == TicketStatus.WAITING
    # Serving it, the next call finishes it first, in the same audit row.
    started = qa.start(clerk, first).started_at
    assert qa.call_next(clerk, window, now=started + dt.timedelta(minutes=7)).pk == second.pk
    done = Ticket.objects.get(pk=first.pk)
    assert (done.status, done.service_seconds) == (TicketStatus.DONE, 420)
    assert audits("hall.ticket_call")[-1].after == {"window": 1, "finished": "A001"}


def test_recall_counts_calls_and_a_recall_after_the_limit_is_a_no_show(hall):
    hall["settings"].no_show_calls = 3
    hall["settings"].save()
    clerk = hall["clerk"]
    issue(hall)
    ticket = qa.call_next(clerk, hall["windows"][1])
    assert qa.recall(clerk, ticket).calls == 2
    assert qa.recall(clerk, ticket).calls == 3
    assert Ticket.objects.get().status == TicketStatus.CALLED
    gone = qa.recall(clerk, ticket)
    assert (gone.status, gone.calls) == (TicketStatus.NO_SHOW, 3)
    assert [e.after["calls"] for e in audits("hall.ticket_recall")] == [2, 3]
    assert audits("hall.ticket_no_show")[0].object_repr == "A001"
    with pytest.raises(ActionError) as error:
        qa.recall(clerk, ticket)
    assert error.value.status == 409


def test_skip_start_finish(hall):
    clerk, window = hall["clerk"], hall["windows"][2]
    issue(hall), issue(hall, "B")
    first = qa.call_next(clerk, window)
    assert qa.skip(clerk, first).status == TicketStatus.NO_SHOW
    second = qa.call_next(clerk, window)
    with pytest.raises(ActionError):
        qa.finish(clerk, second)  # not started yet
    serving = qa.start(clerk, second)
    assert serving.status == TicketStatus.SERVING and serving.started_at is not None
    done = qa.finish(clerk, second, now=serving.started_at + dt.timedelta(seconds=95))
    assert (done.status, done.service_seconds) == (TicketStatus.DONE, 95)
    assert Ticket.objects.get(pk=first.pk).service_seconds is None  # never served
    assert [len(audits(f"hall.ticket_{a}")) for a in ("no_show", "start", "finish")] == [1, 1, 1]


def test_transfer_keeps_the_place_and_the_link(hall):
    """A001 taken early, then B001…B003; A001 turns out to be a B matter: its new
    number B004 is called before B002 and B003, and its QR link follows it."""
    clerk, now = hall["clerk"], timezone.now()
    early, token = qa.issue_ticket(
        clerk, hall["items"]["pension"], now=now - dt.timedelta(minutes=9)
    )
    issue(hall, "B", now=now - dt.timedelta(minutes=10))
    issue(hall, "B", now=now - dt.timedelta(minutes=5))
    issue(hall, "B", now=now - dt.timedelta(minutes=4))
    called = qa.call_next(clerk, hall["windows"][1])
    assert called.pk == early.pk
    moved = qa.transfer(clerk, called, hall["groups"]["B"])
    assert (moved.number, moved.status, moved.transferred_from_id) == (
        "B004",
        TicketStatus.WAITING,
        early.pk,
    )
    assert moved.issued_at == early.issued_at and moved.item is None
    assert Ticket.objects.get(pk=early.pk).status == TicketStatus.TRANSFERRED
    assert ticket_by_token(token).pk == moved.pk
    assert audits("hall.ticket_transfer")[0].after["to"] == "B004"
    order = []
    window = hall["windows"][2]
    while (ticket := qa.call_next(clerk, window)) is not None:
        order.append(ticket.number)
        qa.start(clerk, ticket)
    assert order == ["B001", "B004", "B002", "B003"]


def test_transfer_to_the_same_group_is_refused(hall):
    ticket = issue(hall)
    with pytest.raises(ActionError, match="无需转移"):
        qa.transfer(hall["clerk"], ticket, hall["groups"]["A"])
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_set_window_opens_pauses_and_names_the_clerk_on_duty(hall):
    clerk, window = hall["clerk"], hall["windows"][2]
    other = make_user("clerk8b", Role.HALL_CLERK, hall["street"])
    qa.set_window(clerk, window, WindowStatus.OPEN, other)
    window.refresh_from_db()
    assert (window.status, window.clerk) == (WindowStatus.OPEN, other)
    qa.set_window(clerk, window, WindowStatus.PAUSED)  # the clerk stays on duty
    window.refresh_from_db()
    assert (window.status, window.clerk) == (WindowStatus.PAUSED, other)
    entry = audits("hall.window_set")[-1]
    assert (entry.before["status"], entry.after["status"]) == ("open", "paused")
    with pytest.raises(ActionError, match="值班人员"):
        qa.set_window(clerk, window, WindowStatus.OPEN, hall["approver"])
    with pytest.raises(ActionError, match="窗口状态无效"):
        qa.set_window(clerk, window, "broken")


def test_another_streets_clerk_and_other_roles_cannot_act(hall, tree):
    ticket = issue(hall)
    with pytest.raises(ActionError) as error:
        qa.call_next(hall["other_clerk"], hall["windows"][1])
    assert error.value.status == 404
    with pytest.raises(ActionError):
        qa.issue_ticket(hall["other_clerk"], hall["groups"]["A"])
    grid_worker = make_user("grid8", Role.GRID_WORKER, tree["g1"])
    with pytest.raises(PermissionDenied):
        qa.call_next(grid_worker, hall["windows"][1])
    with pytest.raises(PermissionDenied):
        qa.recall(hall["approver"], ticket)
    assert Ticket.objects.get().status == TicketStatus.WAITING
    assert not audits("hall.ticket_call")
