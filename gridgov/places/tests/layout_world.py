"""A community with buildings to divide: 鳌洲社区 (440105008101) of the shared tree,
a 0.01° square, with 36 buildings on a 6 × 6 lattice holding 30–90 households each
(about 2,100 in all: eight grids of 250)."""

from gridgov.places.models import Building, BuildingUse

SIDE = 6


def add_building(community, grid, code, lon, lat, households):
    return Building.objects.create(
        code=code,
        name=f"测试楼{code[-4:]}",
        address=f"测试路{code[-4:]}号",
        lon=lon,
        lat=lat,
        use=BuildingUse.RESIDENTIAL,
        household_count=households,
        grid=grid,
        community=community,
        street=community.parent,
    )


def lattice(tree, households=lambda i: 30 + (i * 37) % 61):
    """The 36 buildings; the western half are recorded in grid 001, the eastern in 002."""
    community = tree["c101"]
    buildings = []
    for i in range(SIDE * SIDE):
        col, row = i % SIDE, i // SIDE
        lon = round(113.24 + 0.0008 + col * 0.00165, 6)
        lat = round(23.10 + 0.0008 + row * 0.00165, 6)
        grid = tree["g1"] if col < SIDE // 2 else tree["g2"]
        buildings.append(
            add_building(community, grid, f"440105008101-B{i + 1:04d}", lon, lat, households(i))
        )
    return buildings
