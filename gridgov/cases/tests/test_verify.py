"""Sending a grid worker to verify a case on site (核实): the dispatcher picks any grid
worker of the street (the map suggests the nearest), who then sees the case on their
desk and records what they found."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gridgov.accounts.roles import Role
from gridgov.cases import actions
from gridgov.cases.inbox_views import waiting_for
from gridgov.cases.models import Case, Notice
from gridgov.core.errors import ActionError
from gridgov.core.models import AuditEntry
from gridgov.testing import login, make_user


@pytest.fixture
def neighbour(tree):
    """A grid worker of grid 3 (another community): the case in grid 1 is not theirs."""
    return make_user("grid102001", Role.GRID_WORKER, tree["g3"])


def test_a_dispatcher_sends_a_worker_of_another_grid_to_verify(dispatcher, neighbour, report):
    case = report(actor=dispatcher)
    assert not Case.objects.visible_to(neighbour).filter(pk=case.pk).exists()

    case = actions.act(dispatcher, case, "assign_verify", worker=neighbour.pk)

    assert case.verifier == neighbour and case.status == "reported"
    assert (
        dt.timedelta(minutes=29) < case.verify_due_at - timezone.now() <= dt.timedelta(minutes=30)
    )
    assert Case.objects.visible_to(neighbour).filter(pk=case.pk).exists()
    assert Case.objects.filter(waiting_for(neighbour), pk=case.pk).exists()
    assert Notice.objects.filter(recipient=neighbour, case=case).exists()
    assert AuditEntry.objects.filter(action="case.assign_verify").count() == 1


def test_the_verifier_records_what_they_found_and_nothing_else(dispatcher, neighbour, report):
    case = actions.act(dispatcher, report(actor=dispatcher), "assign_verify", worker=neighbour)

    with pytest.raises(ActionError):
        actions.act(neighbour, case, "reject", reason="不是我的网格")
    case = actions.act(neighbour, case, "verify", note="现场确有垃圾堆放，约两立方")

    assert case.verify_due_at is None
    assert case.events.order_by("-id").first().note == "现场确有垃圾堆放，约两立方"
    assert not Case.objects.filter(waiting_for(neighbour), pk=case.pk).exists()
    with pytest.raises(ActionError, match="没有待核实"):
        actions.act(neighbour, case, "verify", note="再次核实")


def test_only_grid_workers_of_the_street_can_be_sent(dispatcher, personas, tree, report):
    outsider = make_user("grid201", Role.GRID_WORKER, tree["c201"])
    case = report(actor=dispatcher)
    for worker in (outsider, personas["community_staff"]):
        with pytest.raises(ActionError, match="本街道") as refused:
            actions.act(dispatcher, case, "assign_verify", worker=worker.pk)
        assert refused.value.field == "worker"
    case.refresh_from_db()
    assert case.verifier is None


def test_a_grid_worker_cannot_send_anyone(personas, neighbour, report):
    case = report()
    with pytest.raises(ActionError) as refused:
        actions.act(personas["grid_worker"], case, "assign_verify", worker=neighbour.pk)
    assert refused.value.status == 403


def test_verify_through_the_api_and_the_page(client, dispatcher, neighbour, report):
    case = report(actor=dispatcher)
    login(client, dispatcher)
    response = client.post(
        f"/api/v1/cases/{case.pk}/actions/assign_verify",
        {"version": case.version, "worker": neighbour.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["verifier_id"] == neighbour.pk

    login(client, neighbour)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200 and 'name="verify-note"' in page.text
