"""Approval routing: each approver is assigned the themes or items they approve; an
application goes to the approvers of its item (its own or its theme's), to all the
street's approvers when nobody is assigned; an approver's list holds only theirs, and
another approver's application is not found (404), on the page and in the action."""

import pytest
from django.core.exceptions import PermissionDenied

from gridgov.accounts.roles import Role
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.hall import application_actions, approver_actions
from gridgov.hall.models import ApplicationStatus, ApproverAssignment, Theme
from gridgov.testing import login, make_user


@pytest.fixture
def routing(hall):
    """The fixture's approver approves social security (the pension item's theme), a
    second one the allowance item; nobody is assigned the elderly allowance."""
    staff = make_user("staff8", Role.STREET_STAFF, hall["street"])
    second = make_user("approver8b", Role.HALL_APPROVER, hall["street"])
    approver_actions.assign_approver(staff, hall["approver"], theme=Theme.SOCIAL_SECURITY)
    approver_actions.assign_approver(staff, second, item=hall["items"]["allowance"])
    applications = {
        key: application_actions.receive(
            hall["clerk"], item=hall["items"][key], applicant_name="陈小明"
        )[0]
        for key in ("pension", "allowance", "elderly")
    }
    return {"staff": staff, "first": hall["approver"], "second": second, **applications}


ITEMS = {"pension", "allowance", "elderly"}


def _listed(client, user, routing) -> set[str]:
    """Which of the three applications the user's list of all applications shows."""
    login(client, user)
    page = client.get("/hall/applications/?view=all").content.decode()
    return {key for key in ITEMS if routing[key].number in page}


def test_an_approver_lists_the_applications_of_their_items_and_the_unassigned_ones(
    client, hall, routing
):
    assert _listed(client, routing["first"], routing) == {"pension", "elderly"}
    assert _listed(client, routing["second"], routing) == {"allowance", "elderly"}


def test_the_front_desk_and_street_staff_still_list_every_application(client, hall, routing):
    assert _listed(client, hall["clerk"], routing) == ITEMS
    assert _listed(client, routing["staff"], routing) == ITEMS


def test_with_nobody_assigned_every_approver_of_the_street_gets_everything(client, hall, routing):
    for assignment in ApproverAssignment.objects.all():
        approver_actions.unassign_approver(routing["staff"], assignment)
    assert _listed(client, routing["first"], routing) == ITEMS
    assert _listed(client, routing["second"], routing) == ITEMS


def test_another_approvers_application_is_not_found(client, routing):
    login(client, routing["first"])
    number = routing["allowance"].number
    assert client.get(f"/hall/applications/{number}/").status_code == 404
    response = client.post(f"/hall/applications/{number}/approve/", {"version": 1})
    assert response.status_code == 404
    assert client.get(f"/hall/applications/{routing['pension'].number}/").status_code == 200


def test_approving_another_approvers_application_is_refused(routing):
    with pytest.raises(ActionError) as refused:
        application_actions.move(routing["first"], routing["allowance"], "approve")
    assert refused.value.status == 404
    routing["allowance"].refresh_from_db()
    assert routing["allowance"].status == ApplicationStatus.RECEIVED
    application_actions.move(routing["second"], routing["allowance"], "approve")
    routing["allowance"].refresh_from_db()
    assert routing["allowance"].status == ApplicationStatus.READY


def test_assigning_and_unassigning_are_audited(hall, routing):
    assigned = AuditEntry.objects.filter(action="hall.assign_approver").order_by("id")
    assert [e.after for e in assigned] == [
        {"approver": "approver8", "theme": Theme.SOCIAL_SECURITY, "item": ""},
        {"approver": "approver8b", "theme": "", "item": "MZ-001"},
    ]
    assignment = ApproverAssignment.objects.get(approver=routing["second"])
    approver_actions.unassign_approver(routing["staff"], assignment)
    entry = AuditEntry.objects.get(action="hall.unassign_approver")
    assert entry.before == {"approver": "approver8b", "theme": "", "item": "MZ-001"}
    assert entry.actor == routing["staff"]
    assert not ApproverAssignment.objects.filter(pk=assignment.pk).exists()


def test_only_an_approver_of_the_street_is_assigned_a_theme_or_an_item(hall, routing):
    staff = routing["staff"]
    with pytest.raises(ActionError):
        approver_actions.assign_approver(staff, hall["clerk"], theme=Theme.ELDERLY)
    with pytest.raises(ActionError):
        approver_actions.assign_approver(staff, routing["first"])
    with pytest.raises(ActionError):  # the same assignment twice
        approver_actions.assign_approver(staff, routing["first"], theme=Theme.SOCIAL_SECURITY)
    with pytest.raises(PermissionDenied):
        approver_actions.assign_approver(routing["first"], routing["first"], theme=Theme.ELDERLY)
    assert ApproverAssignment.objects.count() == 2


def test_street_staff_assign_approvers_on_the_routing_page(client, hall, routing):
    login(client, routing["staff"])
    page = client.get("/hall/approvers/")
    assert page.status_code == 200
    assert "城乡居民养老保险参保登记" in page.content.decode()
    response = client.post(
        "/hall/approvers/",
        {"approver": routing["second"].pk, "target": f"theme:{Theme.ELDERLY}"},
    )
    assert response.status_code == 302
    assert ApproverAssignment.objects.filter(approver=routing["second"], theme=Theme.ELDERLY)
    assignment = ApproverAssignment.objects.get(approver=routing["first"])
    response = client.post(f"/hall/approvers/{assignment.pk}/remove/")
    assert response.status_code == 302
    assert not ApproverAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_bad_choice_on_the_routing_page_is_refused_with_a_message(client, hall, routing):
    login(client, routing["staff"])
    for data in (
        {"approver": "x", "target": f"theme:{Theme.ELDERLY}"},
        {"approver": hall["clerk"].pk, "target": f"theme:{Theme.ELDERLY}"},
        {"approver": routing["second"].pk, "target": "item:999999"},
        {"approver": routing["second"].pk, "target": "theme:nonsense"},
    ):
        response = client.post("/hall/approvers/", data, follow=True)
        assert response.status_code == 200
        assert "alert-danger" in response.content.decode(), data
    assert ApproverAssignment.objects.count() == 2


def test_the_routing_page_reads_in_a_fixed_number_of_queries(
    client, hall, routing, django_assert_num_queries
):
    login(client, routing["staff"])
    client.get("/hall/approvers/")
    with django_assert_num_queries(5):
        assert client.get("/hall/approvers/").status_code == 200


def test_approvers_and_clerks_may_not_open_the_routing_page(client, hall, routing):
    for user in (routing["first"], hall["clerk"]):
        login(client, user)
        assert client.get("/hall/approvers/").status_code == 403


def test_an_approver_who_left_the_role_keeps_no_application_from_the_others(client, hall, routing):
    """Moved to the front desk, the second approver's assignment no longer routes the
    allowance item to them: every approver of the street gets it again."""
    routing["second"].role_assignments.update(role=Role.HALL_CLERK)
    assert _listed(client, routing["first"], routing) == ITEMS


def test_another_streets_staff_see_nothing_of_this_streets_routing(client, hall, routing, tree):
    login(client, make_user("staff9", Role.STREET_STAFF, tree["other_street"]))
    page = client.get("/hall/approvers/").content.decode()
    assert routing["first"].full_name not in page
    assignment = ApproverAssignment.objects.first()
    assert client.post(f"/hall/approvers/{assignment.pk}/remove/").status_code == 404
    assert ApproverAssignment.objects.filter(pk=assignment.pk).exists()
