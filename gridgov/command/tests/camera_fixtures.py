"""Fixtures of the camera registry tests: the dispatcher and street staff who keep it,
a grid in the other street (with that street's dispatcher), and a helper that
registers a camera at the centre of a grid.

Grid centres of the shared tree: g1 (113.2425, 23.1025), g2 (113.2475, 23.1025),
g3 (113.2525, 23.1025); the other street's grid here: (113.2725, 23.1025).
"""

import io

import pytest
from openpyxl import Workbook, load_workbook

from gridgov.accounts.roles import Role
from gridgov.command.models import Camera, CameraKind, CameraStatus
from gridgov.conftest import make_area, make_user

__all__ = ["dispatcher", "make_camera", "other_dispatcher", "other_grid", "street_staff"]

CENTRES = {
    "g1": (113.2425, 23.1025),
    "g2": (113.2475, 23.1025),
    "g3": (113.2525, 23.1025),
    "g9": (113.2725, 23.1025),
}


def square(x0: float, y0: float, size: float) -> dict:
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def dispatcher(tree):
    return make_user("dispatcher", Role.DISPATCHER, tree["street"])


@pytest.fixture
def street_staff(tree):
    return make_user("street_staff", Role.STREET_STAFF, tree["street"])


@pytest.fixture
def other_grid(tree):
    """A grid of the other street (龙凤街道), whose dispatcher sees only it."""
    return make_area("440105009101001", "凤阳第一网格", tree["c201"], square(113.27, 23.10, 0.005))


@pytest.fixture
def other_dispatcher(tree, other_grid):
    return make_user("other_dispatcher", Role.DISPATCHER, tree["other_street"])


@pytest.fixture
def make_camera(tree, other_grid):
    """Register a camera in grid "g1" (…"g3", or "g9" of the other street)."""
    grids = {**{k: tree[k] for k in ("g1", "g2", "g3")}, "g9": other_grid}
    counter = {"n": 0}

    def _make(grid="g1", **fields):
        counter["n"] += 1
        lon, lat = CENTRES[grid]
        values = {
            "code": f"440105000013100{counter['n']:05d}",
            "name": f"测试路口{counter['n']}",
            "lon": lon,
            "lat": lat,
            "kind": CameraKind.BULLET,
            "status": CameraStatus.ONLINE,
        } | fields
        camera = Camera(**values)
        camera.place_in(grids[grid])
        camera.save()
        return camera

    return _make


def xlsx(rows, header) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "cameras.xlsx"
    return buffer


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]
