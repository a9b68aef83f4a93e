"""Assigning approvers the themes or items they approve (approver_queries says what
that routes to them), by the hall's staff (`hall.manage`); each change audited."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.scope import street_of
from gridgov.hall.approver_queries import street_approvers
from gridgov.hall.models import ApproverAssignment, ServiceItem, Theme

MANAGE = "hall.manage"


def _snapshot(assignment: ApproverAssignment) -> dict:
    return {
        "approver": assignment.approver.username,
        "theme": assignment.theme,
        "item": assignment.item.code if assignment.item else "",
    }


def _approves_in(user, street_id: int) -> bool:
    return street_approvers(street_id).filter(pk=user.pk).exists()


def assign_approver(
    actor, approver, *, theme: str = "", item: ServiceItem | None = None
) -> ApproverAssignment:
    """Route a theme, or one item, of the actor's hall to an approver of that hall
    (`approver` None: none was chosen)."""
    check_capability(actor, MANAGE)
    street_id = street_of(actor)
    if approver is None or street_id is None or not _approves_in(approver, street_id):
        raise ActionError(_("请选择本服务中心的审批人员。"), "approver")
    if item is not None and item.street_id != street_id:
        raise ActionError(_("事项不存在。"), "target", status=404)
    if (item is None) == (not theme) or (theme and theme not in Theme.values):
        raise ActionError(_("请选择一个主题或一个事项。"), "target")
    try:
        with transaction.atomic():
            assignment = ApproverAssignment.objects.create(
                street_id=street_id, approver=approver, theme=theme, item=item
            )
            audit.record(actor, "hall.assign_approver", assignment, after=_snapshot(assignment))
    except IntegrityError:
        raise ActionError(_("该审批人员已负责这一项。"), "target", status=409) from None
    return assignment


def unassign_approver(actor, assignment: ApproverAssignment) -> None:
    check_capability(actor, MANAGE)
    with transaction.atomic():
        found = (
            ApproverAssignment.objects.visible_to(actor)
            .select_for_update()
            .filter(pk=assignment.pk)
            .first()
        )
        if found is None:
            raise ActionError(_("分工不存在。"), status=404)
        before = _snapshot(found)
        found.delete()
        audit.record(
            actor,
            "hall.unassign_approver",
            object_type=ApproverAssignment._meta.label_lower,
            object_id=str(assignment.pk),
            object_repr=str(found),
            before=before,
        )
