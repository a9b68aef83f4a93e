"""The approval routing page of the hall's staff (`hall.manage`): who approves which
themes and items, an assignment added or removed at a time."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.core.scope import street_of
from gridgov.hall import approver_actions
from gridgov.hall.approver_queries import street_approvers
from gridgov.hall.models import ApproverAssignment, ServiceItem, Theme

MANAGE = approver_actions.MANAGE


def _street(user) -> int:
    street_id = street_of(user)
    if street_id is None:
        raise Http404
    return street_id


def _target(value: str, street_id: int) -> dict:
    """ "theme:elderly" or "item:12" from the form's one select, as the action's
    keyword arguments (an unknown or foreign item is left for the action to refuse)."""
    kind, _sep, key = (value or "").partition(":")
    if kind == "item" and key.isdigit():
        return {"item": ServiceItem.objects.filter(pk=int(key), street_id=street_id).first()}
    return {"theme": key if kind == "theme" else ""}


@requires(MANAGE)
def approvers(request):
    street_id = _street(request.user)
    people = street_approvers(street_id)
    if request.method == "POST":
        chosen = request.POST.get("approver", "")
        approver = people.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        try:
            approver_actions.assign_approver(
                request.user, approver, **_target(request.POST.get("target"), street_id)
            )
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已分配审批事项。"))
        return redirect("hall:approvers")
    assignments = (
        ApproverAssignment.objects.visible_to(request.user)
        .filter(street_id=street_id)
        .select_related("approver", "item")
        .order_by("theme", "item__code")
    )
    people = list(people)
    for person in people:
        person.assigned = [a for a in assignments if a.approver_id == person.pk]
    items = ServiceItem.objects.filter(street_id=street_id).order_by("theme", "code")
    context = {"approvers": people, "themes": Theme.choices, "items": items}
    return render(request, "hall/approvers.html", context)


@requires(MANAGE)
@require_POST
def approver_remove(request, pk: int):
    assignment = ApproverAssignment.objects.visible_to(request.user).filter(pk=pk).first()
    if assignment is None:
        raise Http404
    try:
        approver_actions.unassign_approver(request.user, assignment)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已取消该审批分工。"))
    return redirect("hall:approvers")
