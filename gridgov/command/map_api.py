"""The map's data API at /api/v1/map/ (filled in by its part)."""

from ninja import Router

router = Router(tags=["map"])
