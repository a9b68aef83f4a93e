"""The demo's hall accounts at work: the clerk takes applicants by ID number without
the residents' files, and each approver decides the applications of their themes."""

from gridgov.accounts.models import User
from gridgov.core.models import AccessLog
from gridgov.core.protect import reveal
from gridgov.demo.load import load_demo
from gridgov.hall.approver_queries import applications_for
from gridgov.hall.models import Application, ApproverAssignment, Theme
from gridgov.people.models import Household, Resident
from gridgov.testing import login


def test_the_demo_clerk_looks_an_applicant_up_but_opens_no_household(client, db):
    load_demo()
    clerk = User.objects.get(username="clerk")
    person = Resident.objects.exclude(id_masked="").first()
    login(client, clerk)
    assert client.get("/hall/applications/").status_code == 200
    assert client.get(f"/people/households/{Household.objects.first().pk}/").status_code == 403

    response = client.post(
        "/hall/applications/new/", {"lookup": "1", "id_number": reveal(person.id_cipher)}
    )
    assert person.name in response.content.decode()
    assert AccessLog.objects.filter(actor=clerk, object_id=str(person.pk)).exists()


def test_the_demo_approvers_share_the_themes_and_decide_their_own(db):
    load_demo()
    routed = dict(ApproverAssignment.objects.values_list("theme", "approver__username"))
    assert set(routed) == set(Theme.values)
    assert "approver" in routed.values()
    approver = User.objects.get(username="approver")
    theirs = applications_for(approver)
    mine = [theme for theme, username in routed.items() if username == "approver"]
    assert theirs.count() == Application.objects.filter(item__theme__in=mine).count() > 0
    decided = Application.objects.filter(decided_by__isnull=False).select_related("item")
    assert all(routed[a.item.theme] == a.decided_by.username for a in decided)
