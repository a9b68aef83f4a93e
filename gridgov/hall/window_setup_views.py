"""The window setup page (窗口设置) for street staff: the window groups and windows of
their street's hall, with forms to add a group or a window and to change one. Every
change calls one function of `window_actions`, which writes its audit row.

It needs "hall.manage" (403 otherwise) and works on one of the user's streets at a
time (`?street=`, as the catalogue's staff pages do); a group or window of another
street is a 404. A form the action refuses comes back with the message on its field
and what was typed kept.
"""

from collections import Counter

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.core.scope import get_visible_or_404
from gridgov.hall import window_actions
from gridgov.hall.catalogue_queries import managed, managed_streets
from gridgov.hall.forms import WindowForm, WindowGroupForm
from gridgov.hall.models import Window, WindowGroup

CAPABILITY = window_actions.CAPABILITY


def _setup_url(street) -> str:
    return f"{reverse('hall:window_setup')}?{urlencode({'street': street.code})}"


def _record(request, model, pk: int):
    """(a group or window of the user's streets, its street, all the user's streets)."""
    record = get_visible_or_404(model.objects.all(), request.user, pk=pk)
    streets = managed_streets(request.user)
    street = next(s for s in streets if s.pk == record.street_id)
    return record, street, streets


def _groups(street) -> list[WindowGroup]:
    """The street's groups by letter, each with how many service items it takes."""
    groups = WindowGroup.objects.filter(street=street).annotate(item_count=Count("items"))
    return list(groups.order_by("letter"))


def _windows(street) -> list[Window]:
    windows = Window.objects.filter(street=street).select_related("clerk")
    return list(windows.prefetch_related("groups").order_by("number"))


def _page(
    request,
    street,
    streets,
    *,
    groups=None,
    windows=None,
    group_form=None,
    window_form=None,
    editing_group=None,
    editing_window=None,
    status=200,
):
    """The page: both lists, and the group and window forms (new ones unless given)."""
    groups = _groups(street) if groups is None else groups
    windows = _windows(street) if windows is None else windows
    calling = Counter(group.pk for window in windows for group in window.groups.all())
    for group in groups:
        group.window_count = calling[group.pk]
    context = {
        "street": street,
        "streets": streets,
        "groups": groups,
        "windows": windows,
        "group_form": group_form or WindowGroupForm(),
        "window_form": window_form or WindowForm(groups=groups),
        "editing_group": editing_group,
        "editing_window": editing_window,
    }
    return render(request, "hall/window_setup.html", context, status=status)


def _delete(request, model, pk: int, delete) -> HttpResponseRedirect:
    """Delete a group or window through its action; the refusal or the confirmation
    shows on the page it comes back to."""
    record, street, _streets = _record(request, model, pk)
    try:
        delete(request.user, record)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除“%(record)s”。") % {"record": record})
    return redirect(_setup_url(street))


@requires(CAPABILITY)
def window_setup(request):
    street, streets = managed(request.user, request.GET.get("street"))
    return _page(request, street, streets)


# -- window groups --------------------------------------------------------------------------


@requires(CAPABILITY)
@require_POST
def group_new(request):
    street, streets = managed(request.user, request.GET.get("street"))
    form = WindowGroupForm(request.POST)
    if form.is_valid():
        try:
            group = window_actions.create_group(request.user, street, **form.cleaned_data)
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("已新增 %(group)s 分组。") % {"group": group})
            return redirect(_setup_url(street))
    return _page(request, street, streets, group_form=form, status=400)


@requires(CAPABILITY)
def group_edit(request, pk: int):
    group, street, streets = _record(request, WindowGroup, pk)
    form = WindowGroupForm(request.POST or None, group=group)
    if request.method == "POST":
        if form.is_valid():
            try:
                window_actions.rename_group(request.user, group, form.cleaned_data["name"])
            except ActionError as exc:
                exc.show_on(form)
            else:
                messages.success(request, _("已保存 %(letter)s 分组。") % {"letter": group.letter})
                return redirect(_setup_url(street))
        return _page(request, street, streets, group_form=form, editing_group=group, status=400)
    return _page(request, street, streets, group_form=form, editing_group=group)


@requires(CAPABILITY)
@require_POST
def group_delete(request, pk: int):
    return _delete(request, WindowGroup, pk, window_actions.delete_group)


# -- windows --------------------------------------------------------------------------------


@requires(CAPABILITY)
@require_POST
def window_new(request):
    street, streets = managed(request.user, request.GET.get("street"))
    groups = _groups(street)
    form = WindowForm(request.POST, groups=groups)
    if form.is_valid():
        try:
            window = window_actions.create_window(request.user, street, **form.cleaned_data)
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("已新增%(window)s。") % {"window": window})
            return redirect(_setup_url(street))
    return _page(request, street, streets, groups=groups, window_form=form, status=400)


@requires(CAPABILITY)
def window_edit(request, pk: int):
    window, street, streets = _record(request, Window, pk)
    groups, windows = _groups(street), _windows(street)
    window = next(w for w in windows if w.pk == window.pk)  # its groups already read
    form = WindowForm(request.POST or None, groups=groups, window=window)
    page = {"groups": groups, "windows": windows, "window_form": form, "editing_window": window}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                window_actions.change_window(
                    request.user, window, data["groups"], data["is_pickup"]
                )
            except ActionError as exc:
                exc.show_on(form)
            else:
                messages.success(request, _("已保存%(window)s。") % {"window": window})
                return redirect(_setup_url(street))
        return _page(request, street, streets, status=400, **page)
    return _page(request, street, streets, **page)


@requires(CAPABILITY)
@require_POST
def window_delete(request, pk: int):
    return _delete(request, Window, pk, window_actions.delete_window)
