"""The case page: everything known about one case, its timeline, and one form per move
the user may make now (`workflow.allowed_actions`), each posting to `act`.

Every form carries the case `version` the user saw; a move made meanwhile by someone
else makes the action refuse (409) and the page comes back fresh with the message and
what the user typed, so nothing is lost and nothing is done twice.
"""

import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridgov.accounts.models import Department
from gridgov.cases import actions, queries, workflow
from gridgov.cases.choices import Level, PhotoKind, Rating
from gridgov.cases.forms import ActionForm
from gridgov.cases.models import Case, CasePhoto, DepartmentCategory
from gridgov.cases.notify import rating_link
from gridgov.cases.worktime import Unit
from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.core.scope import get_visible_or_404

# The moves that carry the case forward come first and in blue; those that end or
# undo something last and in red.
_PRIMARY = (
    "accept",
    "dispatch",
    "start",
    "handle",
    "resolve",
    "follow_up",
    "close",
    "approve_extension",
    "resume",
)
_DANGER = ("reject", "return", "reopen", "deny_extension", "suspend")


def rating_link_message(token: str) -> str:
    return _(
        "回访已记录。请把评价链接发给居民（只显示这一次；登记了电话的反映人已收到短信）：%(link)s"
    ) % {"link": rating_link(token)}


def _cases():
    return Case.objects.select_related(
        "category", "grid", "community", "street", "department", "merged_into"
    ).defer("community__boundary", "street__boundary")


def dispatch_departments(case):
    """The active departments serving the case's street: those inside it, and those of
    the district (or above) it belongs to."""
    path = case.street.path
    above = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
    return Department.objects.filter(is_active=True).filter(
        Q(area__path__startswith=path) | Q(area__path__in=above)
    )


def _suggested_department(case, departments):
    """The category's default department, or one that takes the category."""
    category = case.category
    if category.default_department_id:
        return category.default_department_id
    takes = DepartmentCategory.objects.filter(
        category_code__in=[category.code, category.parent_code], department__in=departments
    ).values_list("department_id", "category_code")
    by_code = {code: dept for dept, code in takes}
    return by_code.get(category.code) or by_code.get(category.parent_code)


_DATA_LABELS = {
    "department": gettext_lazy("处置部门"),
    "due_at": gettext_lazy("处置时限"),
    "target": gettext_lazy("合并到"),
    "level": gettext_lazy("层级"),
    "rating": gettext_lazy("评价"),
    "comment": gettext_lazy("评价意见"),
    "amount": gettext_lazy("时长"),
    "self_score": gettext_lazy("系统自评分"),
    "paused_minutes": gettext_lazy("挂起（分钟）"),
    "worker": gettext_lazy("核实网格员"),
    "verify_due_at": gettext_lazy("核实时限"),
}


def _data_rows(data: dict) -> list[tuple[str, str]]:
    """An event's data as (label, value) lines for the timeline."""
    rows = []
    for key, value in (data or {}).items():
        if key not in _DATA_LABELS or value in (None, ""):
            continue
        if key in ("due_at", "verify_due_at"):
            value = timezone.localtime(dt.datetime.fromisoformat(value))
            value = value.strftime("%Y-%m-%d %H:%M")
        elif key == "level":
            value = Level(value).label if value in Level.values else value
        elif key == "rating":
            value = Rating(value).label if value in Rating.values else value
        elif key == "amount" and data.get("unit") in Unit.values:
            value = f"{value} {Unit(data['unit']).label}"
        rows.append((str(_DATA_LABELS[key]), str(value)))
    return rows


def _action_buttons(user, case, bound=None, typed=None):
    """(action, label, style, form) for each move the user may make now."""
    allowed = workflow.allowed_actions(user, case)
    departments = suggested = workers = None
    if "dispatch" in allowed:
        departments = dispatch_departments(case)
        suggested = _suggested_department(case, departments)
    if "assign_verify" in allowed:
        workers = queries.street_grid_workers(case.street_id)
    rank = {"primary": 0, "secondary": 1, "danger": 2}
    buttons = []
    for action in allowed:
        if bound is not None and bound.action == action:
            form = bound
        else:
            form = ActionForm(
                action,
                case=case,
                departments=departments,
                department=suggested,
                workers=workers,
                typed=(typed or {}).get(action),
            )
        style = "danger" if action in _DANGER else "primary" if action in _PRIMARY else "secondary"
        buttons.append(
            {
                "action": action,
                "label": workflow.ACTION_LABELS[action],
                "style": style,
                "form": form,
                "has_fields": len(form.fields) > 1,
            }
        )
    return sorted(buttons, key=lambda b: rank[b["style"]])


def _render_case(request, case, *, bound=None, typed=None, error=None, status=200):
    photos = list(case.photos.only("id", "kind", "event_id"))
    events = list(case.events.all())
    for event in events:
        event.label = workflow.ACTION_LABELS.get(event.action, event.action)
        event.rows = _data_rows(event.data)
    point = [case.lon, case.lat] if case.lon is not None and case.lat is not None else None
    context = {
        "case": case,
        "now": timezone.now(),
        "is_overdue": case.is_overdue(),
        "events": events,
        "before_photos": [p for p in photos if p.kind == PhotoKind.BEFORE],
        "after_photos": [p for p in photos if p.kind == PhotoKind.AFTER],
        "contacts": list(case.contacts.only("id", "name", "phone_masked")),
        "buttons": _action_buttons(request.user, case, bound, typed),
        "open_action": bound.action if bound is not None else "",
        "error": error,
        "map_data": {"point": point, "grid": case.grid.boundary, "name": case.grid.name},
    }
    return render(request, "cases/case_detail.html", context, status=status)


@requires("cases.view")
def detail(request, pk):
    case = get_visible_or_404(_cases(), request.user, pk=pk)
    return _render_case(request, case)


@requires("cases.view")
@require_POST
def act(request, pk, action):
    case = get_visible_or_404(_cases(), request.user, pk=pk)
    if action not in workflow.ACTION_LABELS or action in ("report", "rate"):
        raise Http404
    departments = dispatch_departments(case) if action == "dispatch" else None
    workers = queries.street_grid_workers(case.street_id) if action == "assign_verify" else None
    form = ActionForm(
        action,
        request.POST,
        request.FILES,
        case=case,
        departments=departments,
        workers=workers,
    )
    if not form.is_valid():
        if "version" in form.errors:
            return _conflict(request, case, action, form)
        return _render_case(request, case, bound=form, status=400)
    try:
        case = actions.act(
            request.user, case, action, version=form.cleaned_data["version"], **form.inputs()
        )
    except ActionError as exc:
        if exc.status == 409 and exc.field is None:
            return _conflict(request, case, action, form, exc.message)
        if exc.field:
            form.show_refusal(exc)
            return _render_case(request, case, bound=form, status=exc.status)
        return _render_case(request, case, error=exc.message, status=exc.status)
    messages.success(
        request,
        _("已%(action)s：%(number)s")
        % {"action": workflow.ACTION_LABELS[action], "number": case.number},
    )
    if getattr(case, "rating_token", None):
        messages.info(request, rating_link_message(case.rating_token))
    return redirect("cases:detail", pk=case.pk)


def _conflict(request, case, action, form, message=None):
    """Someone else moved the case first: show it as it is now, say so, and keep what
    the user typed in the form of the same move if it is still possible."""
    fresh = _cases().get(pk=case.pk)
    typed = {
        name: form.data.get(form.add_prefix(name)) for name in form.fields if name != "version"
    }
    message = message or _("该案件已被他人处理，页面上的信息已过时。请刷新后重试。")
    return _render_case(request, fresh, typed={action: typed}, error=message, status=409)


@requires("cases.view")
def photo(request, pk):
    """A case photo, only to users who may see its case (404 otherwise)."""
    visible = Case.objects.visible_to(request.user).values("pk")
    photo = get_object_or_404(CasePhoto.objects.filter(case__in=visible), pk=pk)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response
