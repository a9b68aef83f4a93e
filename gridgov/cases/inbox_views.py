"""The user's own desk: "my cases" (what I reported, what waits for me) and the inbox
of notices the case loop sends."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.cases.actions import mark_notices_read
from gridgov.cases.choices import Level, Status
from gridgov.cases.models import Case, Notice
from gridgov.core.permissions import requires

PAGE_SIZE = 20
_HELD = (Status.REPORTED, Status.ACCEPTED, Status.FOLLOWED_UP)
_AT_DEPARTMENT = (Status.DISPATCHED, Status.IN_PROGRESS)
_BEFORE_DISPATCH = (Status.REPORTED, Status.ACCEPTED)


def waiting_for(user) -> Q:
    """The cases whose next move is the user's: the same rule as `notify.current_holders`
    (the level's holder before dispatch and after follow-up, the department while it
    handles, the assigned grid worker for the follow-up, the grid worker sent to
    verify), turned into one filter."""
    q = Q(status=Status.HANDLED, assignee=user)
    q |= Q(verifier=user, verify_due_at__isnull=False, status__in=_BEFORE_DISPATCH)
    held = RoleAssignment.objects.filter(user=user).values_list("role", "area_id", "department_id")
    for role, area, department in held:
        if role == Role.GRID_WORKER and area:
            q |= Q(level=Level.GRID, grid_id=area, status__in=_HELD)
            q |= Q(status=Status.HANDLED, assignee__isnull=True, grid_id=area)
        elif role == Role.COMMUNITY_STAFF and area:
            q |= Q(level=Level.COMMUNITY, community_id=area, status__in=_HELD)
        elif role == Role.DISPATCHER and area:
            q |= Q(level=Level.STREET, street_id=area, status__in=_HELD)
        elif role == Role.DEPARTMENT_STAFF and department:
            q |= Q(department_id=department, status__in=_AT_DEPARTMENT)
    return q


_ROW_FIELDS = (
    "id",
    "number",
    "title",
    "status",
    "level",
    "priority",
    "due_at",
    "suspended_at",
    "reported_at",
    "category__name",
)
TABS = (
    ("todo", gettext_lazy("待我处理")),
    ("follow_up", gettext_lazy("待我回访")),
    ("reported", gettext_lazy("我上报的")),
)


def _tab_filters(user) -> dict[str, Q]:
    return {
        "todo": waiting_for(user),
        "follow_up": Q(status=Status.HANDLED, assignee=user),
        "reported": Q(reporter=user),
    }


@requires("cases.view")
def mine(request):
    user = request.user
    filters = _tab_filters(user)
    tab = request.GET.get("tab") if request.GET.get("tab") in filters else "todo"
    visible = Case.objects.visible_to(user)
    counts = {name: visible.filter(q).count() for name, q in filters.items()}
    # What waits for me: the nearest deadline first; what I reported: the newest first.
    order = ("-id",) if tab == "reported" else (F("due_at").asc(nulls_last=True), "-id")
    rows = (
        visible.filter(filters[tab]).select_related("category").only(*_ROW_FIELDS).order_by(*order)
    )
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = counts[tab]  # counted above already
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    for case in page:
        case.overdue_now = case.is_overdue(now)
    tabs = [{"name": n, "label": label, "count": counts[n]} for n, label in TABS]
    context = {"page": page, "tab": tab, "tabs": tabs}
    return render(request, "cases/my_cases.html", context)


@requires("cases.view")
def inbox(request):
    notices = (
        Notice.objects.filter(recipient=request.user)
        .select_related("case")
        .only("id", "kind", "message", "created_at", "read_at", "case__id", "case__number")
        .order_by(F("read_at").asc(nulls_first=True), "-id")
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = Notice.objects.filter(recipient=request.user, read_at__isnull=True).count()
    return render(request, "cases/inbox.html", {"page": page, "unread": unread})


@requires("cases.view")
@require_POST
def inbox_read(request):
    count = mark_notices_read(request.user)
    messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": count})
    return redirect("cases:inbox")
