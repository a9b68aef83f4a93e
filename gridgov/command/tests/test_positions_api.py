"""Grid workers' phones report positions in batches (POST /api/v1/positions): converted
to WGS84, idempotent per worker and time, the last known location moves only forward,
and a bad batch is refused whole."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.accounts.roles import Role
from gridgov.command.models import WorkerLocation, WorkerPosition
from gridgov.places.coords import wgs84_to_gcj02
from gridgov.testing import login, make_user

URL = "/api/v1/positions"


def _point(minutes_ago, lon=113.2425, lat=23.1025, **extra):
    moment = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return {"lon": lon, "lat": lat, "accuracy": 8.5, "recorded_at": moment.isoformat()} | extra


def _post(client, points):
    return client.post(URL, {"points": points}, content_type="application/json")


@pytest.fixture
def worker(client, personas):
    login(client, personas["grid_worker"])
    return personas["grid_worker"]


def test_a_batch_is_stored_and_the_last_location_follows(client, worker, tree):
    response = _post(client, [_point(10), _point(2, lon=113.2430), _point(6)])

    assert response.status_code == 200 and response.json() == {"accepted": 3, "duplicates": 0}
    assert WorkerPosition.objects.filter(user=worker).count() == 3
    location = WorkerLocation.objects.get(user=worker)
    assert location.lon == pytest.approx(113.2430) and location.grid == tree["g1"]


def test_a_resent_batch_changes_nothing(client, worker):
    points = [_point(10), _point(5)]
    _post(client, points)
    again = _post(client, points)
    assert again.json() == {"accepted": 0, "duplicates": 2}
    assert WorkerPosition.objects.filter(user=worker).count() == 2


def test_an_older_batch_does_not_move_the_location_back(client, worker):
    _post(client, [_point(1, lon=113.2440)])
    _post(client, [_point(30, lon=113.2401)])
    assert WorkerLocation.objects.get(user=worker).lon == pytest.approx(113.2440)


def test_gcj02_input_is_stored_as_wgs84(client, worker):
    lon, lat = wgs84_to_gcj02(113.2425, 23.1025)
    _post(client, [_point(1, lon=lon, lat=lat, coords="gcj02")])
    stored = WorkerPosition.objects.get(user=worker)
    assert stored.lon == pytest.approx(113.2425, abs=1e-6)
    assert stored.lat == pytest.approx(23.1025, abs=1e-6)


@pytest.mark.parametrize(
    "points",
    [
        [],
        [_point(1, lat=123.0)],
        [_point(1, coords="mars")],
        [_point(1), _point(60 * 24 * 8)],  # a week and a day old
        [_point(-60)],  # an hour ahead of the server
        [_point(1, accuracy=-3)],
    ],
)
def test_a_bad_batch_is_refused_whole(client, worker, points):
    response = _post(client, points)
    assert 400 <= response.status_code < 500 and response.json()["detail"]
    assert not WorkerPosition.objects.exists() and not WorkerLocation.objects.exists()


def test_only_grid_workers_report_positions(client, personas, tree):
    dispatcher = make_user("dispatcher", Role.DISPATCHER, tree["street"])
    for user in (dispatcher, personas["community_staff"], personas["department_staff"]):
        login(client, user)
        assert _post(client, [_point(1)]).status_code == 403
    client.logout()
    assert _post(client, [_point(1)]).status_code == 401
    assert not WorkerPosition.objects.exists()
