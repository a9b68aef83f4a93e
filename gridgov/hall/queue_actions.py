"""Every write of the hall's queue: taking a number, calling, recalling, no-shows,
serving, transfers, opening and pausing a window. Each runs in one transaction with
its audit row; calls are the busiest action of the hall, so their rows are small.

Two things must hold however many windows act at once:

* Numbers: a ticket's number is the next of its group that day. The group's row is
  locked while the number is drawn; the unique (street, day, group, seq) constraint
  stands behind it.
* Calls: no ticket is called twice and none is passed over. The window's row is
  locked (two clerks at one window), and the ticket the fairness rule picks is taken
  with `SELECT … FOR UPDATE SKIP LOCKED`, so on PostgreSQL two windows calling at
  once each get the best ticket the other has not already taken. SQLite takes no row
  locks: there every transaction starts IMMEDIATE (settings), so calls run one after
  the other.

A clerk (`hall.desk`) acts only in the hall of their own street; a ticket or window of
another street answers as if it did not exist (404).
"""

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied
from django.db import connections, router, transaction
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core import audit
from gridgov.core.errors import ActionError
from gridgov.core.scope import street_of
from gridgov.hall import queue
from gridgov.hall.models import (
    HallSettings,
    ItemStatus,
    Priority,
    ServiceItem,
    Ticket,
    TicketStatus,
    Window,
    WindowGroup,
    WindowStatus,
)
from gridgov.hall.queue_queries import (
    AT_A_WINDOW,
    DEFAULT_STARVATION_MINUTES,
    at_window,
    local_day,
    queue_rules,
    token_digest,
)

CAPABILITY = "hall.desk"
# Chinese names of the audit codes, for the auditor's pages (registered by the app).
ACTION_LABELS = {
    "hall.ticket_issue": gettext_lazy("取号"),
    "hall.ticket_call": gettext_lazy("叫号"),
    "hall.ticket_recall": gettext_lazy("重呼"),
    "hall.ticket_no_show": gettext_lazy("过号"),
    "hall.ticket_start": gettext_lazy("开始办理"),
    "hall.ticket_finish": gettext_lazy("办结"),
    "hall.ticket_transfer": gettext_lazy("转其他窗口"),
    "hall.window_set": gettext_lazy("窗口状态"),
}
KEEP = object()  # set_window: leave the clerk on duty as it is


def _check(actor, street_id: int, *capabilities: str) -> None:
    """The actor's roles allow the move (else 403), in the hall of their own street
    (else 404, as for a record that does not exist)."""
    allowed = capabilities or (CAPABILITY,)
    if not (actor and actor.is_authenticated and any(actor.has_capability(c) for c in allowed)):
        raise PermissionDenied(allowed[0])
    if street_of(actor, street_id) is None:
        raise ActionError(_("该记录不存在。"), status=404)


def _desk_of(user, street_id: int) -> bool:
    return user.has_capability(CAPABILITY) and street_of(user, street_id) is not None


def _stale() -> ActionError:
    return ActionError(_("该号已被处理，页面上的信息已过时。请刷新后重试。"), status=409)


def _locked_ticket(actor, ticket: Ticket, *allowed: str) -> Ticket:
    """The ticket's row as it is now, locked; refused unless in one of `allowed`."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check(actor, ticket.street_id)
    if ticket.status not in allowed:
        raise _stale()
    return ticket


def _new_ticket(group: WindowGroup, day: dt.date, **fields) -> Ticket:
    """A ticket with the next number of its group that day. The caller holds the
    group's row lock, so two desks never draw the same number."""
    last = Ticket.objects.filter(street_id=group.street_id, day=day, group=group).aggregate(
        last=Max("seq")
    )["last"]
    seq = (last or 0) + 1
    return Ticket.objects.create(
        street_id=group.street_id,
        group=group,
        day=day,
        seq=seq,
        number=f"{group.letter}{seq:03d}",
        **fields,
    )


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(18)
    return token, token_digest(token)


# -- taking a number ----------------------------------------------------------------------


def issue_ticket(actor, group_or_item, priority: str = "", *, now=None) -> tuple[Ticket, str]:
    """Take a number for a service item (or straight for a window group): the ticket
    and the token of its QR link, which is shown this once and never stored."""
    item = group_or_item if isinstance(group_or_item, ServiceItem) else None
    group = item.group if item is not None else group_or_item
    if not isinstance(group, WindowGroup):
        raise ActionError(_("请选择办理的事项。"), field="item")
    _check(actor, group.street_id)
    if item is not None and item.status != ItemStatus.PUBLISHED:
        raise ActionError(_("该事项未发布或已停办，不能取号。"), field="item")
    if priority not in Priority.values:
        raise ActionError(_("优先类别无效。"), field="priority")
    now = now or timezone.now()
    token, digest = _new_token()
    with transaction.atomic():
        group = WindowGroup.objects.select_for_update().get(pk=group.pk)
        ticket = _new_ticket(
            group,
            local_day(now),
            priority=priority,
            item=item,
            token_digest=digest,
            issued_at=now,
        )
        audit.record(
            actor,
            "hall.ticket_issue",
            ticket,
            after={"item": item.pk if item else None, "priority": priority},
        )
    return ticket, token


# -- calling --------------------------------------------------------------------------------


def _candidate(window: Window, now, starvation_minutes: int) -> Ticket | None:
    """The ticket the fairness rule calls next at this window, locked; tickets another
    window is taking at this moment are passed by, not waited for.

    Written in SQL: the call is the hall's busiest action, and the ORM took ten times
    longer to build this query than the database takes to answer it. The groups are
    read first and listed, not joined: today's tickets are newer than the planner's
    statistics, and PostgreSQL, expecting one row, joined every waiting ticket to
    the window's groups one by one."""
    connection = connections[router.db_for_write(Ticket)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT windowgroup_id FROM {Window.groups.through._meta.db_table}"  # noqa: S608
            " WHERE window_id = %s",
            [window.pk],
        )
        groups = [row[0] for row in cursor.fetchall()]
    if not groups:
        return None
    ops = connection.ops
    lock = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    # Table name from the model, every value a parameter.
    sql = (
        "SELECT id, street_id, group_id, number, priority, calls, issued_at"  # noqa: S608
        f" FROM {Ticket._meta.db_table}"
        " WHERE street_id = %s AND day = %s AND status = %s"
        f" AND group_id IN ({', '.join(['%s'] * len(groups))})"
        f" ORDER BY {queue.RANK_SQL}, issued_at, id LIMIT 1{lock}"
    )
    cutoff = now - dt.timedelta(minutes=starvation_minutes)
    params = [
        window.street_id,
        ops.adapt_datefield_value(local_day(now)),
        TicketStatus.WAITING.value,
        *groups,
        ops.adapt_datetimefield_value(cutoff),
    ]
    return next(iter(Ticket.objects.raw(sql, params, using=connection.alias)), None)


def _seconds(since, until) -> int:
    """Whole seconds between two moments, never below zero (kept for the supervision
    figures, which average plain integers)."""
    return max(0, round((until - since).total_seconds()))


def _close(ticket: Ticket, now) -> None:
    """The service at the window ends: DONE, with how long it took."""
    ticket.status, ticket.finished_at = TicketStatus.DONE, now
    ticket.service_seconds = _seconds(ticket.started_at, now) if ticket.started_at else None
    ticket.save(update_fields=["status", "finished_at", "service_seconds"])


def _locked_window(window: Window) -> Window:
    """The window's row, locked (two clerks at one window call one after the other),
    with its hall's `starvation_minutes` read in the same query."""
    rule = HallSettings.objects.filter(street_id=OuterRef("street_id"))
    return (
        Window.objects.select_for_update(of=("self",))
        .annotate(
            starvation_minutes=Coalesce(
                Subquery(rule.values("starvation_minutes")[:1]),
                DEFAULT_STARVATION_MINUTES,
            )
        )
        .only("id", "number", "status", "street_id")
        .get(pk=window.pk)
    )


def call_next(actor, window: Window, *, now=None) -> Ticket | None:
    """Call the next number at an open window (the fairness rule in `hall.queue`).

    The number being served there is finished first; a number called and not yet
    started must be started, recalled or marked no-show before the next is called.
    None when nobody waits.
    """
    _check(actor, window.street_id)
    now = now or timezone.now()
    with transaction.atomic():
        window = _locked_window(window)
        if window.status != WindowStatus.OPEN:
            raise ActionError(
                _("%(n)s号窗口未在服务中（%(status)s），请先开始服务再叫号。")
                % {"n": window.number, "status": WindowStatus(window.status).label},
                status=409,
            )
        finished = None
        for current in at_window(window).order_by().only("id", "number", "status", "started_at"):
            if current.status == TicketStatus.CALLED:
                raise ActionError(
                    _("%(number)s 号已叫号尚未办理：请先开始办理、重呼或按过号处理。")
                    % {"number": current.number},
                    status=409,
                )
            _close(current, now)
            finished = current
        ticket = _candidate(window, now, window.starvation_minutes)
        if ticket is None:
            if finished is not None:
                audit.record(actor, "hall.ticket_finish", finished)
            return None
        ticket.status, ticket.calls, ticket.called_at = TicketStatus.CALLED, 1, now
        ticket.window, ticket.clerk = window, actor
        ticket.wait_seconds = _seconds(ticket.issued_at, now)
        ticket.save(
            update_fields=["status", "calls", "called_at", "window", "clerk", "wait_seconds"]
        )
        # One row for both moves: the busiest action of the hall keeps its rows small.
        after = {"window": window.number}
        if finished is not None:
            after["finished"] = finished.number
        audit.record(actor, "hall.ticket_call", ticket, after=after)
    return ticket


def recall(actor, ticket: Ticket, *, now=None) -> Ticket:
    """Call the same number again. After the hall's `no_show_calls` calls a further
    recall marks it a no-show instead: the applicant has gone."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _locked_ticket(actor, ticket, TicketStatus.CALLED)
        no_show_calls = queue_rules(ticket.street_id)[0]
        if ticket.calls >= no_show_calls:
            return _no_show(actor, ticket)
        ticket.calls += 1
        ticket.called_at = now
        ticket.save(update_fields=["calls", "called_at"])
        audit.record(actor, "hall.ticket_recall", ticket, after={"calls": ticket.calls})
    return ticket


def _no_show(actor, ticket: Ticket) -> Ticket:
    ticket.status = TicketStatus.NO_SHOW
    ticket.save(update_fields=["status"])
    audit.record(actor, "hall.ticket_no_show", ticket, after={"calls": ticket.calls})
    return ticket


def skip(actor, ticket: Ticket) -> Ticket:
    """The called applicant did not come: a no-show (过号)."""
    with transaction.atomic():
        ticket = _locked_ticket(actor, ticket, TicketStatus.CALLED)
        return _no_show(actor, ticket)


def start(actor, ticket: Ticket, *, now=None) -> Ticket:
    """The applicant is at the window: serving begins."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _locked_ticket(actor, ticket, TicketStatus.CALLED)
        ticket.status, ticket.started_at = TicketStatus.SERVING, now
        ticket.save(update_fields=["status", "started_at"])
        audit.record(actor, "hall.ticket_start", ticket)
    return ticket


def finish(actor, ticket: Ticket, *, now=None) -> Ticket:
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _locked_ticket(actor, ticket, TicketStatus.SERVING)
        _close(ticket, now)
        audit.record(actor, "hall.ticket_finish", ticket)
    return ticket


def transfer(actor, ticket: Ticket, group: WindowGroup, *, now=None) -> Ticket:
    """Send the applicant to another window group: this ticket ends (TRANSFERRED) and
    a waiting one of the other group takes its place there by the time the first
    number was taken. The QR link moves to the new ticket, so the applicant's phone
    follows the new number. Returns the new ticket."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _locked_ticket(actor, ticket, TicketStatus.WAITING, *AT_A_WINDOW)
        if group is None or group.street_id != ticket.street_id:
            raise ActionError(_("请选择本服务中心的窗口分组。"), field="group")
        if group.pk == ticket.group_id:
            raise ActionError(_("已在该分组排队，无需转移。"), field="group")
        group = WindowGroup.objects.select_for_update().get(pk=group.pk)
        digest = ticket.token_digest
        ticket.status, ticket.token_digest = TicketStatus.TRANSFERRED, _new_token()[1]
        ticket.save(update_fields=["status", "token_digest"])
        item = ticket.item if ticket.item_id and ticket.item.group_id == group.pk else None
        moved = _new_ticket(
            group,
            local_day(now),
            priority=ticket.priority,
            item=item,
            token_digest=digest,
            issued_at=ticket.issued_at,
            transferred_from=ticket,
        )
        audit.record(
            actor,
            "hall.ticket_transfer",
            ticket,
            after={"to": moved.number, "to_id": moved.pk},
        )
    return moved


# -- windows --------------------------------------------------------------------------------


def set_window(actor, window: Window, status: str, clerk=KEEP) -> Window:
    """Open, pause or close a window, and say who is on duty there (`clerk`: a clerk of
    the street, None for nobody, KEEP to leave it)."""
    _check(actor, window.street_id, CAPABILITY, "hall.manage")
    if status not in WindowStatus.values:
        raise ActionError(_("窗口状态无效。"), field="status")
    if clerk is not KEEP and clerk is not None and not _desk_of(clerk, window.street_id):
        raise ActionError(_("值班人员须是本服务中心的窗口人员。"), field="clerk")
    with transaction.atomic():
        window = Window.objects.select_for_update().get(pk=window.pk)
        before = audit.snapshot(window, ["status", "clerk"])
        window.status = status
        if clerk is not KEEP:
            window.clerk = clerk
        window.save(update_fields=["status", "clerk"])
        audit.record(
            actor,
            "hall.window_set",
            window,
            before=before,
            after=audit.snapshot(window, ["status", "clerk"]),
        )
    return window
