"""The demo street's service hall (一窗办): its settings, six window groups, eight
windows (7 taking applications, 8 the unified pick-up window), about 120 published
items with their materials, clerks and approvers (each assigned a share of the
themes), and a year of its work: about 41,000 applications (the source's 41,363 in
2015) from queue tickets, each with its timeline, and the applicants' ratings
(99.93 % satisfied). Today's tickets stop at "now": some served, some at the windows,
some still waiting, so the call display has numbers on it.

Rows are written in bulk (`rows.RowWriter`) with one audit row, as the cases are;
tests shrink the year through `DEFAULT_APPLICATIONS`.
"""

import datetime as dt
import random
import secrets

from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.cases.calendar import load_calendar
from gridgov.cases.notify import token_digest
from gridgov.cases.worktime import Unit
from gridgov.core import audit
from gridgov.core.protect import protect
from gridgov.demo.hall_items import ALIASES, DEPARTMENTS, GROUPS, ITEMS, WINDOWS
from gridgov.demo.names import NameMaker, weighted
from gridgov.demo.rows import RowWriter
from gridgov.hall.catalogue_queries import SEARCH_KEY_FIELDS, fill_search_keys
from gridgov.hall.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    ApproverAssignment,
    FollowUp,
    HallSettings,
    ItemStatus,
    Material,
    Rating,
    ServiceItem,
    Theme,
    Ticket,
    TicketStatus,
    Window,
    WindowGroup,
    WindowStatus,
)

SEED = 20151231
DEFAULT_APPLICATIONS = 41_000  # a year
CONSULT_ONLY = 0.12  # tickets that end at the desk without an application
SCORES = ((5, 85.0), (4, 13.0), (3, 1.93), (2, 0.05), (1, 0.02))  # 99.93 % satisfied
PRIORITY = (("", 88), ("elderly", 9), ("disabled", 2), ("pregnant", 1))
OPEN_HOURS = ((dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30)))


def load_hall(street, out=None, applications: int | None = None) -> int:
    """The hall of `street` and its year; nothing if the street has a hall already.
    Returns the number of applications written."""
    if HallSettings.objects.filter(street=street).exists():
        return 0
    rng = random.Random(f"{SEED}:{street.code}")
    with transaction.atomic():
        hall = HallSettings.objects.create(
            street=street,
            name=f"{street.name}政务服务中心",
            signage="一窗受理 · 集成服务",
            norms="首问负责、一次告知、限时办结、统一出件；文明用语，微笑服务。",
        )
        groups, items = _catalogue(street)
        windows, approvers = _windows(street, groups, rng)
        approvers = _route(street, approvers)
        written = _history(
            street, groups, items, windows, approvers, rng,
            DEFAULT_APPLICATIONS if applications is None else applications,
        )  # fmt: skip
        audit.record(None, "demo.hall", hall, after={"items": len(items), **written})
    if out:
        out.write(
            f"{hall.name}：{len(items)} 个事项、{written['applications']:,} 件办件、"
            f"{written['ratings']:,} 条评价\n"
        )
    return written["applications"]


def _catalogue(street):
    groups = {
        letter: WindowGroup.objects.create(street=street, letter=letter, name=name)
        for letter, name, _themes in GROUPS
    }
    group_of = {theme: groups[letter] for letter, _name, themes in GROUPS for theme in themes}
    items = []
    for t, (theme, entries) in enumerate(ITEMS.items(), start=1):
        for n, (name, days, materials) in enumerate(entries, start=1):
            item = ServiceItem.objects.create(
                street=street,
                code=f"NHX-{t:02d}{n:02d}",
                name=name,
                aliases=ALIASES.get(name, ""),
                theme=theme,
                department=DEPARTMENTS[theme],
                legal_basis="《广东省政务服务事项目录》及相关法律法规",
                authority="公共服务" if days <= 5 else "行政确认",
                conditions="本街道户籍居民或持有效居住证的来穗人员",
                statutory_days=days * 2,
                promised_days=days,
                group=group_of[theme],
                online=days <= 3,
                status=ItemStatus.PUBLISHED,
            )
            fill_search_keys(item).save(update_fields=SEARCH_KEY_FIELDS)
            Material.objects.bulk_create(
                Material(item=item, sort=s, name=m, form=form, count=1)
                for s, (m, form) in enumerate(materials)
            )
            items.append(item)
    return groups, items


def _windows(street, groups, rng):
    names = NameMaker(rng)
    clerks = list(
        User.objects.filter(role_assignments__role=Role.HALL_CLERK, role_assignments__area=street)
    )
    approvers = list(
        User.objects.filter(
            role_assignments__role=Role.HALL_APPROVER, role_assignments__area=street
        ).order_by("pk")
    )
    while len(clerks) < len(WINDOWS):
        clerks.append(
            _account(
                f"clerk{street.code[-3:]}{len(clerks):02d}",
                names.full(rng.random() < 0.6),
                Role.HALL_CLERK,
                street,
            )
        )
    while len(approvers) < 3:
        approvers.append(
            _account(
                f"approver{street.code[-3:]}{len(approvers):02d}",
                names.full(rng.random() < 0.5),
                Role.HALL_APPROVER,
                street,
            )
        )
    windows = {}
    for (number, letters), clerk in zip(WINDOWS.items(), clerks, strict=False):
        window = Window.objects.create(
            street=street,
            number=number,
            clerk=clerk,
            status=WindowStatus.OPEN,
            is_pickup=not letters,
        )
        window.groups.set([groups[letter] for letter in letters])
        windows[number] = window
    return windows, approvers


def _route(street, approvers) -> dict:
    """Each approver is assigned a share of the catalogue's themes, in turn; returns
    the approver of each theme, who decides its applications."""
    routed = {theme: approvers[i % len(approvers)] for i, theme in enumerate(Theme.values)}
    ApproverAssignment.objects.bulk_create(
        ApproverAssignment(street=street, approver=approver, theme=theme)
        for theme, approver in routed.items()
    )
    return routed


def _account(username, full_name, role, street):
    from gridgov.accounts.models import RoleAssignment

    user = User(username=username, full_name=full_name)
    user.set_unusable_password()
    user.save()
    RoleAssignment.objects.create(user=user, role=role, area=street)
    audit.record(None, "account.create", user, after={"username": username, "role": role})
    return user


def _moment(rng, day, zone):
    """A time in the hall's opening hours on `day`, busier in the morning."""
    start, end = OPEN_HOURS[0] if rng.random() < 0.6 else OPEN_HOURS[1]
    span = (dt.datetime.combine(day, end) - dt.datetime.combine(day, start)).seconds
    return dt.datetime.combine(day, start, zone) + dt.timedelta(seconds=rng.uniform(0, span))


def _history(street, groups, items, windows, approvers, rng, total):
    calendar = load_calendar()
    zone = timezone.get_current_timezone()
    now = timezone.now()
    today = timezone.localdate()
    days = [today - dt.timedelta(days=d) for d in range(365, -1, -1)]
    days = [d for d in days if calendar.is_working_day(d)]
    per_day = total / (1 - CONSULT_ONLY) / max(1, len(days))
    popularity = tuple((item, rng.paretovariate(1.2)) for item in items)
    serving = {g.pk: [w for w in windows.values() if g in w.groups.all()] for g in groups.values()}
    pickup = next(w for w in windows.values() if w.is_pickup)
    tickets, apps = RowWriter(Ticket), RowWriter(Application)
    events, ratings = RowWriter(ApplicationEvent), RowWriter(Rating)
    phones = [
        protect(f"13{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}", "phone")
        for _ in range(300)
    ]
    materials = {item.pk: [m.name for m in item.materials.all()] for item in items}
    names = NameMaker(rng)
    number_of_day: dict = {}
    for day in days:
        count = max(1, round(rng.gauss(per_day, per_day * 0.15)))
        moments = sorted(_moment(rng, day, zone) for _ in range(count))
        seq: dict[str, int] = {}
        busy: set[int] = set()
        for issued in moments:
            if issued > now:
                break
            item = weighted(rng, popularity)
            group = item.group
            seq[group.letter] = seq.get(group.letter, 0) + 1
            window = rng.choice(serving[item.group_id])
            called = issued + dt.timedelta(minutes=rng.uniform(2, 25))
            started = called + dt.timedelta(minutes=rng.uniform(0.3, 2))
            finished = started + dt.timedelta(minutes=rng.uniform(4, 18))
            status = TicketStatus.DONE
            if day == today and finished > now and window.pk in busy:
                called = now + dt.timedelta(minutes=1)  # its window serves another: it waits
            if day == today and called > now:
                status, called, started, finished, window = (
                    TicketStatus.WAITING,
                    None,
                    None,
                    None,
                    None,
                )
            elif day == today and finished > now:
                status, finished = TicketStatus.SERVING, None
                busy.add(window.pk)  # one number at a window at a time
            ticket_id = tickets.add(
                {
                    "street_id": street.pk,
                    "group_id": group.pk,
                    "day": day,
                    "seq": seq[group.letter],
                    "number": f"{group.letter}{seq[group.letter]:03d}",
                    "priority": weighted(rng, PRIORITY),
                    "item_id": item.pk,
                    "status": status,
                    "calls": 1 if called else 0,
                    "window_id": window.pk if window else None,
                    "clerk_id": window.clerk_id if window else None,
                    "token_digest": token_digest(secrets.token_hex(8)),
                    "issued_at": issued,
                    "called_at": called,
                    "started_at": started,
                    "finished_at": finished,
                    "wait_seconds": round((called - issued).total_seconds()) if called else None,
                    "service_seconds": round((finished - started).total_seconds())
                    if finished
                    else None,
                }
            )
            if status != TicketStatus.DONE or rng.random() < CONSULT_ONLY:
                continue
            key = day.strftime("%Y%m%d")
            number_of_day[key] = number_of_day.get(key, 0) + 1
            app = _application(
                rng, calendar, street, item, ticket_id, window, approvers, pickup, finished,
                f"{street.code}{key}{number_of_day[key]:04d}", names.full(rng.random() < 0.5),
                rng.choice(phones), materials[item.pk], now,
            )  # fmt: skip
            app_id = apps.add(app["row"])
            for event in app["events"]:
                events.add({"application_id": app_id, **event})
            if rng.random() < 0.85:
                score = weighted(rng, SCORES)
                ratings.add(
                    {
                        "street_id": street.pk,
                        "ticket_id": ticket_id,
                        "application_id": app_id,
                        "window_id": window.pk,
                        "clerk_id": window.clerk_id,
                        "item_id": item.pk,
                        "score": score,
                        "reason": "等候时间长" if score <= 2 else "",
                        "at": finished + dt.timedelta(minutes=1),
                        "follow_up": (FollowUp.OPEN if day > today - dt.timedelta(days=7) else FollowUp.DONE)
                        if score <= 2 else FollowUp.NONE,
                        "follow_up_note": "已回访致歉并优化叫号" if score <= 2 and day <= today - dt.timedelta(days=7) else "",
                    }
                )  # fmt: skip
    return {
        "tickets": tickets.finish(),
        "applications": apps.finish(),
        "events": events.finish(),
        "ratings": ratings.finish(),
    }


def _application(
    rng,
    calendar,
    street,
    item,
    ticket_id,
    window,
    approvers,
    pickup,
    at,
    number,
    name,
    phone,
    materials,
    now,
):
    """One application and its timeline, played forward from the front desk to where
    "now" stops it."""
    due = calendar.add(at, item.promised_days, Unit.WORK_DAYS)
    approver = approvers[item.theme]
    events = [
        {
            "action": "receive",
            "from_status": "",
            "to_status": ApplicationStatus.RECEIVED,
            "actor_id": window.clerk_id,
            "at": at,
        }
    ]
    status, decided_at, collected_at, paused_at, reason = (
        ApplicationStatus.RECEIVED,
        None,
        None,
        None,
        "",
    )
    clock = at
    if rng.random() < 0.03:  # materials asked for, brought a few days later
        asked = at + dt.timedelta(hours=rng.uniform(2, 30))
        if asked < now:
            events.append(
                {
                    "action": "supplement",
                    "from_status": status,
                    "to_status": ApplicationStatus.SUPPLEMENT,
                    "actor_id": approver.pk,
                    "at": asked,
                    "note": "请补充材料原件",
                }
            )
            status, paused_at = ApplicationStatus.SUPPLEMENT, asked
            back = asked + dt.timedelta(days=rng.uniform(1, 4))
            if back < now:
                events.append(
                    {
                        "action": "resubmit",
                        "from_status": status,
                        "to_status": ApplicationStatus.RECEIVED,
                        "actor_id": window.clerk_id,
                        "at": back,
                    }
                )
                due += back - asked
                status, paused_at, clock = ApplicationStatus.RECEIVED, None, back
    if status == ApplicationStatus.RECEIVED:
        span = (due - clock) * (
            rng.uniform(0.1, 0.9) if rng.random() < 0.995 else rng.uniform(1.0, 1.3)
        )
        decided = clock + span
        if decided < now:
            rejected = rng.random() < 0.02
            status = ApplicationStatus.REJECTED if rejected else ApplicationStatus.READY
            reason = "不符合申请条件" if rejected else ""
            events.append(
                {
                    "action": "reject" if rejected else "approve",
                    "from_status": ApplicationStatus.RECEIVED,
                    "to_status": status,
                    "actor_id": approver.pk,
                    "at": decided,
                    "note": reason,
                }
            )
            decided_at = decided
            taken = decided + dt.timedelta(days=rng.uniform(0.1, 6))
            if not rejected and taken < now:
                events.append(
                    {
                        "action": "collect",
                        "from_status": status,
                        "to_status": ApplicationStatus.COLLECTED,
                        "actor_id": pickup.clerk_id,
                        "at": taken,
                    }
                )
                status, collected_at = ApplicationStatus.COLLECTED, taken
    row = {
        "street_id": street.pk,
        "number": number,
        "item_id": item.pk,
        "ticket_id": ticket_id,
        "applicant_name": name,
        "phone_cipher": phone.cipher,
        "phone_masked": phone.masked,
        "materials": materials,
        "status": status,
        "received_at": at,
        "received_by_id": window.clerk_id,
        "due_at": due,
        "paused_at": paused_at,
        "decided_at": decided_at,
        "decided_by_id": approver.pk if decided_at else None,
        "reason": reason,
        "collected_at": collected_at,
        "token_digest": token_digest(secrets.token_hex(8)),
        "version": len(events),
    }
    return {"row": row, "events": events}
