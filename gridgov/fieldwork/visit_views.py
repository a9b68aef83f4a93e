"""The home-visit pages: the households due a visit, the visits in scope, recording a
visit (from a household's file or the due list), a visit with its corrections, raising
a case from it, and community staff's queue of corrections to confirm.

Views parse, call `fieldwork.visit_actions` and render; scope is `visible_to` (404).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import ActionError
from gridgov.core.pagination import CappedPaginator
from gridgov.core.permissions import in_scope, requires
from gridgov.core.scope import get_visible_or_404
from gridgov.fieldwork import queries, rules, visit_actions
from gridgov.fieldwork.choices import CorrectionState, VisitKind
from gridgov.fieldwork.forms import CaseForm, VisitForm
from gridgov.fieldwork.models import Visit
from gridgov.people.models import Household, Organization
from gridgov.people.queries import visible_grids

PAGE_SIZE = 30


def page_of(request, rows, size: int = PAGE_SIZE):
    """A page of a query (counted up to the cap, core.pagination) or of a list."""
    paginator = Paginator if isinstance(rows, list) else CappedPaginator
    return paginator(rows, size).get_page(request.GET.get("page"))


def grid_filter(request) -> tuple[list, object]:
    """The grids the user may filter by, and the one picked (?grid=<code>), if theirs."""
    grids = visible_grids(request.user)
    code = request.GET.get("grid", "")
    return grids, next((g for g in grids if g.code == code), None)


@requires("fieldwork.record")
def due(request):
    """The households of the user's grid(s) due a visit, most overdue first."""
    grids, grid = grid_filter(request)
    within = 7 if request.GET.get("within") == "7" else 0
    households = Household.objects.visible_to(request.user)
    if grid is not None:
        households = households.filter(grid=grid)
    found = rules.due_visits(request.user, households, horizon=within)
    context = {
        "page": page_of(request, found, 50),
        "grids": grids if len(grids) > 1 else [],
        "grid": grid,
        "within": within,
        "keep": [("within", within)] if within else [],
        "overdue": sum(1 for d in found if d.status == rules.OVERDUE),
        "total": len(found),
    }
    return render(request, "fieldwork/due.html", context)


@requires("fieldwork.view")
def visit_list(request):
    grids, grid = grid_filter(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in VisitKind.values else ""
    pending = request.GET.get("pending") == "1"
    visits = queries.visit_list(request.user, grid=grid, kind=kind, pending=pending)
    context = {
        "page": page_of(request, visits),
        "grids": grids if len(grids) > 1 else [],
        "grid": grid,
        "kinds": VisitKind.choices,
        "kind": kind,
        "pending": pending,
    }
    return render(request, "fieldwork/visit_list.html", context)


def _target(request):
    """The household or organization to visit (?household= / ?organization=), if the
    user sees it; 404 otherwise."""
    params = request.POST if request.method == "POST" else request.GET
    for model, key in ((Household, "household"), (Organization, "organization")):
        value = params.get(key, "")
        if value:
            if not value.isdigit():
                raise Http404
            return get_object_or_404(model.objects.visible_to(request.user), pk=int(value))
    raise Http404


def client_id_of(request) -> str:
    """The phone's id of the record a form posts (outbox.js fills it): posted again
    after its answer was lost, or sent later from the outbox, it is stored once."""
    return request.POST.get("client_id", "")


@requires("fieldwork.record")
def visit_new(request):
    target = _target(request)
    is_household = isinstance(target, Household)
    members = queries.members_of(target) if is_household else []
    kind = request.GET.get("kind", "")
    initial = {"kind": kind if kind in VisitKind.values else VisitKind.ROUTINE}
    initial["visited_at"] = timezone.localtime().replace(second=0, microsecond=0)
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = VisitForm(*data, members=members, initial=initial)
    if form.is_bound and form.is_valid():
        inputs = form.inputs()
        if not form.errors:
            key = "household" if is_household else "organization"
            try:
                visit = visit_actions.record_visit(
                    request.user, **{key: target}, client_id=client_id_of(request), **inputs
                )
            except ActionError as exc:
                exc.show_on(form)
            else:
                messages.success(request, _("走访已登记。"))
                return redirect("fieldwork:visit_detail", pk=visit.pk)
    context = {"form": form, "target": target, "is_household": is_household}
    if is_household:  # the file as the phone loads it: a visit sent later against it checks it
        context["household_version"] = queries.household_version(target)
    return render(request, "fieldwork/visit_form.html", context, status=400 if form.errors else 200)


@requires("fieldwork.view")
def visit_detail(request, pk: int):
    visits = Visit.objects.select_related(
        "household__dwelling__building", "organization", "worker", "case", "grid"
    ).defer("grid__boundary", "household__dwelling__building__footprint")
    visit = get_visible_or_404(visits, request.user, pk=pk)
    can_decide = request.user.has_capability("fieldwork.supervise")
    corrections = [
        {**p, "index": i, "queued": p.get("state") == CorrectionState.QUEUED}
        for i, p in enumerate(visit.corrections)
    ]
    context = {
        "visit": visit,
        "corrections": corrections,
        "can_decide": can_decide,
        "can_record": request.user.has_capability("fieldwork.record"),
        "requests": list(visit.requests.only("id", "content", "status")),
        "states": dict(CorrectionState.choices),
    }
    return render(request, "fieldwork/visit_detail.html", context)


@requires("fieldwork.view")
@in_scope(Visit)
def visit_photo(request, visit: Visit):
    """A visit's photo, only to users who may see the visit (404 otherwise)."""
    if not visit.photo:
        raise Http404
    try:
        handle = visit.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type=visit.photo_type or "application/octet-stream")


@requires("fieldwork.record")
@in_scope(Visit)
def visit_case(request, visit: Visit):
    """Report what a visit found as a case, linked to it."""
    form = CaseForm(request.POST or None, initial={"description": visit.findings})
    if form.is_bound and form.is_valid():
        try:
            case = visit_actions.raise_case_from_visit(request.user, visit, **form.inputs())
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("案件 %(number)s 已上报。") % {"number": case.number})
            return redirect("cases:detail", pk=case.pk)
    context = {"form": form, "title": _("走访上报案件"), "back": visit}
    return render(request, "fieldwork/case_form.html", context, status=400 if form.errors else 200)


@requires("fieldwork.supervise")
def corrections_queue(request):
    """Visits with corrections of the household file waiting for community staff."""
    visits = queries.pending_corrections(request.user)
    return render(request, "fieldwork/corrections.html", {"page": page_of(request, visits)})


@requires("fieldwork.supervise")
@in_scope(Visit)
@require_POST
def correction_decide(request, visit: Visit, index: int, decision: str):
    """Confirm (apply) or refuse one queued correction, then back to where it was."""
    try:
        if decision == "confirm":
            visit_actions.confirm_correction(request.user, visit, index)
            messages.success(request, _("已确认，住户信息已更新。"))
        else:
            visit_actions.refuse_correction(request.user, visit, index, request.POST.get("note"))
            messages.success(request, _("已记录不采纳。"))
    except ActionError as exc:
        messages.error(request, exc.message)
    if request.POST.get("next") == "queue":
        return redirect("fieldwork:corrections")
    return redirect("fieldwork:visit_detail", pk=visit.pk)
