"""The focus-group list (重点人群): reference data of the street, with who sees each
sensitive group.

Only "people.reference" (street staff, system administrator) may open these pages.
Every change calls one function of `people.actions`; a group is deactivated, never
deleted, since residents' tags refer to it.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.people import actions, rules
from gridgov.people.forms import FocusGroupForm
from gridgov.people.models import FocusGroup

CAPABILITY = "people.reference"


@requires(CAPABILITY)
def focus_groups(request):
    """Every group, active first in the order residents' tags show them, with the
    names of the roles each is shown to."""
    roles = dict(rules.role_choices())
    groups = list(FocusGroup.objects.order_by("-is_active", "sort", "code"))
    for group in groups:
        group.role_names = [str(roles.get(role, role)) for role in group.visible_roles]
    return render(request, "people/focus_groups.html", {"groups": groups})


def _form_page(request, group: FocusGroup | None):
    form = FocusGroupForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            if group is None:
                saved = actions.create_focus_group(request.user, **form.values)
            else:
                saved = actions.update_focus_group(request.user, group, **form.values)
        except ActionError as exc:
            form.show_refusal(exc)
        else:
            messages.success(request, _("已保存重点人群“%(name)s”。") % {"name": saved.name})
            return redirect("people:focus_groups")
    return render(request, "people/focus_group_form.html", {"form": form, "group": group})


@requires(CAPABILITY)
def focus_group_new(request):
    return _form_page(request, None)


@requires(CAPABILITY)
def focus_group_edit(request, pk: int):
    return _form_page(request, get_object_or_404(FocusGroup, pk=pk))


@requires(CAPABILITY)
@require_POST
def focus_group_active(request, pk: int):
    """Deactivate a group (no new tags; members keep theirs) or activate it again."""
    group = get_object_or_404(FocusGroup, pk=pk)
    active = request.POST.get("active") == "1"
    actions.set_focus_group_active(request.user, group, active)
    message = _("已启用“%(name)s”。") if active else _("已停用“%(name)s”，不能再列入新成员。")
    messages.success(request, message % {"name": group.name})
    return redirect("people:focus_groups")
