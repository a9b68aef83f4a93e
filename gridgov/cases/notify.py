"""Telling people about cases: a Notice in each recipient's inbox, written in the
action's transaction, then an email copy sent by the task worker after commit."""

import hashlib

from django.db import transaction
from django.tasks import task

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.cases.choices import Level, Status
from gridgov.cases.models import Notice


def _users(role: str, **where) -> set[int]:
    return set(
        RoleAssignment.objects.filter(role__in=[role] if isinstance(role, str) else role, **where)
        .filter(user__is_active=True)
        .values_list("user_id", flat=True)
    )


def level_holders(case, level: str | None = None) -> set[int]:
    """Who holds a case at a level: the grid's worker, the community's staff, or the
    street's dispatchers."""
    level = level or case.level
    if level == Level.GRID:
        return _users(Role.GRID_WORKER, area_id=case.grid_id)
    if level == Level.COMMUNITY:
        return _users(Role.COMMUNITY_STAFF, area_id=case.community_id)
    return _users(Role.DISPATCHER, area_id=case.street_id)


def department_staff(case) -> set[int]:
    if case.department_id is None:
        return set()
    return _users(Role.DEPARTMENT_STAFF, department_id=case.department_id)


def current_holders(case) -> set[int]:
    """Who has to act next on the case."""
    if case.status in (Status.DISPATCHED, Status.IN_PROGRESS):
        return department_staff(case)
    if case.status == Status.HANDLED:
        return {case.assignee_id} if case.assignee_id else level_holders(case, Level.GRID)
    return level_holders(case)


def grid_workers(grid_id: int) -> list[int]:
    """The grid's workers, the responsible one (一格一员: the first assigned) first."""
    return list(
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, area_id=grid_id, user__is_active=True)
        .order_by("id")
        .values_list("user_id", flat=True)
    )


def grid_worker_of(grid_id: int) -> int | None:
    """The grid worker responsible for a grid."""
    workers = grid_workers(grid_id)
    return workers[0] if workers else None


def token_digest(token: str) -> str:
    """What is stored of a rating link's token: a stolen table opens no link."""
    return hashlib.sha256(token.encode()).hexdigest()


def rating_link(token: str) -> str:
    """The address residents open to rate a case (no login; the token is the key)."""
    from django.conf import settings

    return f"{settings.SITE_URL.rstrip('/')}/r/{token}"


def notify(case, kind: str, recipients: set[int], message: str, exclude=None) -> None:
    recipients = {r for r in recipients if r and r != getattr(exclude, "pk", None)}
    if not recipients:
        return
    notices = Notice.objects.bulk_create(
        Notice(recipient_id=r, case=case, kind=kind, message=message[:300])
        for r in sorted(recipients)
    )
    ids = [n.pk for n in notices if n.pk]
    if ids:
        transaction.on_commit(lambda: email_notices.enqueue(ids))


@task
def email_notices(notice_ids: list[int]) -> int:
    """Email a copy of each notice to recipients who have an address."""
    from django.conf import settings
    from django.core.mail import send_mail

    sent = 0
    for notice in Notice.objects.filter(pk__in=notice_ids).select_related("recipient", "case"):
        address = notice.recipient.email
        if not address:
            continue
        subject = (
            f"[gridgov] {notice.get_kind_display()} {notice.case.number if notice.case else ''}"
        )
        send_mail(subject, notice.message, settings.DEFAULT_FROM_EMAIL, [address])
        sent += 1
    return sent
