"""The pages of residents' requests (群众诉求) and convenience services (便民服务):
lists in scope, recording one, a request's loop with its timeline and next move."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.models import Department
from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.core.scope import get_visible_or_404
from gridgov.fieldwork import actions, queries, request_actions
from gridgov.fieldwork.choices import RequestStatus
from gridgov.fieldwork.forms import RequestForm, RequestMoveForm, ServiceForm
from gridgov.fieldwork.models import Request
from gridgov.fieldwork.request_workflow import next_move
from gridgov.fieldwork.visit_views import client_id_of, grid_filter, page_of
from gridgov.places.models import Area


@requires("fieldwork.view")
def request_list(request):
    grids, grid = grid_filter(request)
    status = request.GET.get("status", "")
    status = status if status in RequestStatus.values else ""
    requests = queries.request_list(request.user, status=status, grid=grid)
    context = {
        "page": page_of(request, requests),
        "grids": grids if len(grids) > 1 else [],
        "grid": grid,
        "statuses": RequestStatus.choices,
        "status": status,
        "keep": [("status", status)] if status else [],
        "can_record": request.user.has_capability("fieldwork.record"),
    }
    return render(request, "fieldwork/request_list.html", context)


@requires("fieldwork.record")
def request_new(request):
    grids, _grid = grid_filter(request)
    form = RequestForm(
        request.POST or None, user=request.user, grids=queries.record_grids(request.user, grids)
    )
    if form.is_bound and form.is_valid():
        try:
            made = request_actions.record_request(
                request.user, client_id=client_id_of(request), **form.inputs()
            )
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("诉求已登记。"))
            return redirect("fieldwork:request_detail", pk=made.pk)
    context = {"form": form, "title": _("登记群众诉求"), "offline_kind": "request"}
    return render(
        request, "fieldwork/simple_form.html", context, status=400 if form.errors else 200
    )


def _departments(req: Request):
    """Active departments serving the request's street (inside it, or above it)."""
    street = Area.objects.only("path").get(pk=req.street_id)
    above = [street.path[: i + 1] for i, ch in enumerate(street.path) if ch == "/"]
    return list(
        Department.objects.filter(is_active=True)
        .filter(Q(area__path__startswith=street.path) | Q(area__path__in=above))
        .only("id", "name")
        .order_by("name")
    )


def _move_form(req: Request, data=None):
    move = next_move(req.status)
    if move is None:
        return None
    departments = _departments(req) if move.action == "pass_on" else ()
    return RequestMoveForm(data, action=move.action, departments=departments)


def _request(request, pk):
    requests = Request.objects.select_related("case", "department", "grid", "recorded_by")
    return get_visible_or_404(requests.defer("grid__boundary"), request.user, pk=pk)


@requires("fieldwork.view")
def request_detail(request, pk: int, form=None):
    req = _request(request, pk)
    can_move = request.user.has_capability("fieldwork.record")
    if form is None and can_move:
        form = _move_form(req)
    context = {
        "req": req,
        "events": list(req.events.select_related("actor")),
        "form": form if can_move else None,
        "move": next_move(req.status),
    }
    return render(
        request,
        "fieldwork/request_detail.html",
        context,
        status=400 if form and form.errors else 200,
    )


@requires("fieldwork.record")
@require_POST
def request_move(request, pk: int, action: str):
    req = _request(request, pk)
    move = next_move(req.status)
    if move is None or move.action != action:
        messages.error(request, _("诉求状态已变化，请查看最新情况。"))
        return redirect("fieldwork:request_detail", pk=req.pk)
    form = _move_form(req, request.POST)
    if form.is_valid():
        try:
            request_actions.move_request(request.user, req, action, **form.inputs())
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("已%(action)s。") % {"action": move.label})
            return redirect("fieldwork:request_detail", pk=req.pk)
    return request_detail(request, pk, form=form)


# -- convenience services ----------------------------------------------------------------


@requires("fieldwork.view")
def service_list(request):
    grids, grid = grid_filter(request)
    services = queries.service_list(request.user, grid=grid)
    context = {
        "page": page_of(request, services),
        "grids": grids if len(grids) > 1 else [],
        "grid": grid,
        "can_record": request.user.has_capability("fieldwork.record"),
    }
    return render(request, "fieldwork/service_list.html", context)


@requires("fieldwork.record")
def service_new(request):
    form = ServiceForm(request.POST or None, user=request.user)
    if form.is_bound and form.is_valid():
        try:
            actions.record_service(request.user, client_id=client_id_of(request), **form.inputs())
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("便民服务已登记。"))
            return redirect("fieldwork:services")
    context = {"form": form, "title": _("登记便民服务"), "offline_kind": "service"}
    return render(
        request, "fieldwork/simple_form.html", context, status=400 if form.errors else 200
    )
