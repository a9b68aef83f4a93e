"""The alert kinds (告警类型): what video platforms and AI boxes may send, and the case
category each kind of alert becomes.

Only "command.cameras" (street staff, dispatchers) may open these pages; every change
calls one function of `command.actions`. A kind that alerts refer to is not deleted.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.cases.models import Category
from gridgov.command import actions
from gridgov.command.forms import AlertKindForm
from gridgov.command.models import AlertKind
from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires

CAPABILITY = "command.cameras"


@requires(CAPABILITY)
def alert_kinds(request):
    """Every kind with the name of its category today (none: its alerts are refused)."""
    kinds = list(AlertKind.objects.order_by("code"))
    codes = {kind.category_code for kind in kinds}
    names = dict(Category.objects.current().filter(code__in=codes).values_list("code", "name"))
    for kind in kinds:
        kind.category_name = names.get(kind.category_code)
    return render(request, "command/alert_kinds.html", {"kinds": kinds})


def _form_page(request, kind: AlertKind | None):
    form = AlertKindForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if kind is None:
                saved = actions.create_alert_kind(
                    request.user, data["code"], data["name"], data["category_code"]
                )
            else:
                saved = actions.update_alert_kind(
                    request.user, kind, data["name"], data["category_code"]
                )
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("已保存告警类型“%(name)s”。") % {"name": saved.name})
            return redirect("command:alert_kinds")
    return render(request, "command/alert_kind_form.html", {"form": form, "kind": kind})


@requires(CAPABILITY)
def alert_kind_new(request):
    return _form_page(request, None)


@requires(CAPABILITY)
def alert_kind_edit(request, pk: int):
    return _form_page(request, get_object_or_404(AlertKind, pk=pk))


@requires(CAPABILITY)
@require_POST
def alert_kind_delete(request, pk: int):
    kind = get_object_or_404(AlertKind, pk=pk)
    try:
        actions.delete_alert_kind(request.user, kind)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除告警类型“%(name)s”。") % {"name": kind.name})
    return redirect("command:alert_kinds")
