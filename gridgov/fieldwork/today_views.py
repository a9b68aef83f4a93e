"""The grid worker's "today" (/field/, the phone app's start page and a grid worker's
landing page after login), and a supervisor's board of the grid workers in their
scope with each one's day, read-only.

Views parse, read `fieldwork.today` and render; a worker outside the viewer's scope is
404, as one who does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from gridgov.core.permissions import requires
from gridgov.fieldwork import queries, today
from gridgov.fieldwork.visit_views import grid_filter, page_of

TODAY = "fieldwork.today"
WORKERS = "fieldwork.workers"


@login_required
def today_page(request):
    """A grid worker's own day; a supervisor who opens /field/ goes to their board."""
    user = request.user
    if not user.has_capability(TODAY):
        if user.has_capability(WORKERS):
            return redirect("fieldwork:workers")
        raise PermissionDenied(TODAY)
    grid = today.worker_grid_of(user)
    if grid is None:
        raise Http404
    day = today.worker_day(user, user, grid)
    return render(request, "fieldwork/today.html", {"day": day, "own": True})


@requires(WORKERS)
def workers(request):
    """The grid workers in the viewer's scope with the state of their day."""
    grids, grid = grid_filter(request)
    page = page_of(request, queries.grid_workers(request.user, grid), 50)
    context = {
        "page": page,
        "rows": today.workers_board(request.user, list(page)),
        "grids": grids if len(grids) > 1 else [],
        "grid": grid,
        "today": timezone.localdate(),
    }
    return render(request, "fieldwork/workers.html", context)


@requires(WORKERS)
def worker_today(request, user_id: int):
    """One grid worker's "today" as their supervisor reads it (no forms)."""
    held = today.supervised(request.user, user_id)
    if held is None:
        raise Http404
    day = today.worker_day(request.user, held.user, held.area)
    return render(request, "fieldwork/today.html", {"day": day, "own": False})
