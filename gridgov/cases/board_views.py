"""The command center's dispatch board (with bulk dispatch) and a department's task
queue. The moves themselves happen on the case page; these pages find the cases that
need one and link there."""

from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from gridgov.cases import actions, board_queries
from gridgov.cases.forms import BulkDispatchForm
from gridgov.cases.models import Case
from gridgov.core.permissions import requires

QUEUE_PAGE = 50
MAX_BULK = 200  # cases in one bulk dispatch: a page of the board, with room to spare
LIST_LINKS = {"overdue": "overdue=1", "closing": "status=followed_up"}
SHOWN_NUMBERS = 5


def _tab(value) -> str:
    return value if value in board_queries.SECTION_KEYS else "new"


def _page_number(value) -> int:
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1


@requires("cases.dispatch")
def board(request):
    tab = _tab(request.GET.get("tab"))
    page = _page_number(request.GET.get("page"))
    now = timezone.now()
    counts = board_queries.section_counts(request.user, now)
    rows = board_queries.section_rows(request.user, tab, page, now)
    section = next(s for s in board_queries.SECTIONS if s.key == tab)
    sections = [(s, counts[s.key]) for s in board_queries.SECTIONS]
    list_link = LIST_LINKS.get(tab)
    context = {
        "tab": tab,
        "section": section,
        "sections": sections,
        "rows": rows[: board_queries.SECTION_ROWS],
        "page": page,
        "has_next": len(rows) > board_queries.SECTION_ROWS,
        "departments": board_queries.dispatch_departments() if section.dispatchable else (),
        "list_url": f"{reverse('cases:list')}?{list_link}" if list_link else "",
        "now": now,
    }
    return render(request, "cases/board.html", context)


def _checked_ids(request) -> list[int]:
    ids = {int(v) for v in request.POST.getlist("case") if v.isdigit()}
    return sorted(ids)[:MAX_BULK]


def _report(request, done, failed, missing: int) -> None:
    """One message for the dispatched cases, one per reason for those that were not."""
    if done:
        messages.success(
            request,
            _("已派遣 %(n)d 件案件至%(department)s。")
            % {"n": len(done), "department": done[0].department},
        )
    by_reason = defaultdict(list)
    for case, reason in failed:
        by_reason[reason].append(case.number)
    for reason, numbers in by_reason.items():
        shown = pgettext("enumeration", "、").join(numbers[:SHOWN_NUMBERS])
        shown += _("等") if len(numbers) > SHOWN_NUMBERS else ""
        messages.error(
            request,
            _("%(n)d 件未派遣（%(numbers)s）：%(reason)s")
            % {"n": len(numbers), "numbers": shown, "reason": reason},
        )
    if missing:
        messages.error(
            request, _("%(n)d 件案件不存在或不在您的管辖范围内，未派遣。") % {"n": missing}
        )


@requires("cases.dispatch")
@require_POST
def bulk_dispatch(request):
    tab = _tab(request.POST.get("tab"))
    back = redirect(f"{reverse('cases:board')}?tab={tab}")
    ids = _checked_ids(request)
    if not ids:
        messages.error(request, _("请勾选要派遣的案件。"))
        return back
    form = BulkDispatchForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return back
    cases = list(Case.objects.visible_to(request.user).filter(pk__in=ids).order_by("id"))
    done, failed = actions.bulk_dispatch(
        request.user, cases, form.cleaned_data["department"], form.cleaned_data["due_at"]
    )
    _report(request, done, failed, missing=len(ids) - len(cases))
    return back


@requires("cases.handle")
def queue(request):
    now = timezone.now()
    cases = board_queries.queue_cases(request.user, now)
    page = Paginator(cases, QUEUE_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "recent": board_queries.recently_handled(request.user, now),
        "now": now,
    }
    return render(request, "cases/queue.html", context)
