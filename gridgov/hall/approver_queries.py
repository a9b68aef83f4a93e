"""Approval routing (后台分类审批): which applications reach which approver.

An application goes to the approvers assigned its item or its item's theme
(`ApproverAssignment`); while nobody is assigned either, to every approver of the
street, so that nothing waits for an approver who does not exist. An approver's
applications are the only ones they see: another approver's is not found (404), as
outside one's scope. The front desk and the hall's staff see every application.
"""

from django.db.models import Exists, OuterRef, Q

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.hall.models import Application, ApproverAssignment

APPROVE = "hall.approve"


def street_approvers(street_id: int):
    """The active users holding the approver role in the street's hall."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.HALL_APPROVER,
            role_assignments__area_id=street_id,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def routed_to(user) -> Q:
    """The applications that reach `user` as an approver: assigned to them through
    their item or its theme, or assigned to nobody (active) at all."""
    routed = ApproverAssignment.objects.filter(
        Q(item_id=OuterRef("item_id")) | Q(item__isnull=True, theme=OuterRef("item__theme")),
        street_id=OuterRef("street_id"),
        # The approver as `street_approvers` knows them: one who left the role keeps
        # no application from the others.
        approver__is_active=True,
        approver__role_assignments__role=Role.HALL_APPROVER,
        approver__role_assignments__area_id=OuterRef("street_id"),
    )
    return Q(Exists(routed.filter(approver=user))) | ~Q(Exists(routed))


def applications_for(user):
    """The applications `user` may open: the scope rule, then, for an approver, the
    routing rule."""
    applications = Application.objects.visible_to(user)
    if user.has_capability(APPROVE):
        applications = applications.filter(routed_to(user))
    return applications
