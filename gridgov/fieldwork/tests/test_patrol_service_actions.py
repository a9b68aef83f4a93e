"""Starting and ending patrols, and recording convenience services."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gridgov.core.errors import ActionError
from gridgov.fieldwork import actions
from gridgov.fieldwork.models import ConvenienceService, Patrol
from gridgov.fieldwork.tests.helpers import audited


def test_a_patrol_runs_from_start_to_end_with_its_figures(field, tree):
    start = timezone.now() - datetime.timedelta(hours=2)
    patrol = actions.start_patrol(field["worker"], started_at=start)
    assert patrol.grid == tree["g1"] and patrol.is_running
    with pytest.raises(ActionError) as refusal:
        actions.start_patrol(field["worker"])
    assert refusal.value.status == 409
    track = {"segments": [[[0, 113.241, 23.101], [5, 113.2411, 23.1011]]]}
    patrol = actions.end_patrol(
        field["worker"], patrol, distance_m=1520.5, coverage=0.8, off_grid_minutes=35, track=track
    )
    assert patrol.duration >= datetime.timedelta(hours=2) and patrol.off_grid_noted
    assert (patrol.distance_m, patrol.coverage, patrol.track) == (1520.5, 0.8, track)
    assert len(audited("patrol.start", patrol)) == len(audited("patrol.end", patrol)) == 1
    with pytest.raises(ActionError) as refusal:
        actions.end_patrol(field["worker"], patrol)
    assert refusal.value.status == 409
    actions.start_patrol(field["worker"])  # the next one may start


def test_a_replayed_start_is_the_same_patrol(field):
    client_id = uuid.uuid4()
    first = actions.start_patrol(field["worker"], client_id=client_id)
    again = actions.start_patrol(field["worker"], client_id=client_id)
    assert again.pk == first.pk and again.replayed and Patrol.objects.count() == 1


def test_a_patrol_is_the_workers_own(field, tree):
    patrol = actions.start_patrol(field["worker"])
    with pytest.raises(ActionError) as refusal:
        actions.end_patrol(field["worker2"], patrol)
    assert refusal.value.status == 404
    with pytest.raises(ActionError) as refusal:
        actions.end_patrol(field["staff"], patrol)
    assert refusal.value.status == 403
    with pytest.raises(ActionError) as refusal:
        actions.start_patrol(field["worker"], grid=tree["g2"].pk)
    assert refusal.value.status == 404
    with pytest.raises(PermissionDenied):
        actions.start_patrol(field["leader"])


def test_a_patrol_refuses_impossible_figures(field):
    patrol = actions.start_patrol(field["worker"])
    for figures in ({"coverage": 1.2}, {"distance_m": -1}):
        with pytest.raises(ActionError):
            actions.end_patrol(field["worker"], patrol, **figures)
    assert Patrol.objects.get().is_running


def test_a_convenience_service_is_recorded_for_a_household_of_the_grid(field):
    service = actions.record_service(
        field["worker"], household=field["households"]["101"].pk, kind="shopping", minutes=40
    )
    assert service.day == timezone.localdate() and service.place == field["households"]["101"].place
    assert len(audited("service.record", service)) == 1
    with pytest.raises(ActionError) as refusal:
        actions.record_service(
            field["worker"], household=field["households"]["201"].pk, kind="repair", minutes=10
        )
    assert refusal.value.status == 404


@pytest.mark.parametrize(
    ("inputs", "name"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": "半小时"}, "minutes"),
        ({"kind": "magic"}, "kind"),
        ({"household": None}, "household"),
        ({"day": "2020-01-01"}, "day"),
    ],
)
def test_a_wrong_service_is_refused_beside_its_field(field, inputs, name):
    values = {"household": field["households"]["101"], "kind": "repair", "minutes": 30} | inputs
    with pytest.raises(ActionError) as refusal:
        actions.record_service(field["worker"], **values)
    assert refusal.value.field == name


def test_the_same_client_id_twice_stores_one_service(field):
    client_id = uuid.uuid4()
    values = {"household": field["households"]["101"], "kind": "care", "minutes": 30}
    first = actions.record_service(field["worker"], client_id=client_id, **values)
    again = actions.record_service(field["worker"], client_id=client_id, **values)
    assert again.pk == first.pk and again.replayed
    assert ConvenienceService.objects.count() == 1 and len(audited("service.record")) == 1
