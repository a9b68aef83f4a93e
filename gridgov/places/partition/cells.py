"""The building cells of a community and who borders whom.

A grid is a set of buildings, but a map needs areas: every piece of the community must
belong to some grid (横到边、纵到底、全覆盖、无缝隙). So the community is first cut into
one cell per building site (the Voronoi cell of its point, clipped to the community),
and a grid is then a union of cells. Two cells are neighbours when they share an edge
of positive length (rook adjacency); a grid whose cells are connected by such edges is
one polygon, which is how the partition guarantees contiguous grids.

Barrier lines (roads, rivers) first cut the community into blocks, and each block is
tessellated on its own, so cell edges run along the barriers. Edges across a barrier
are then cut from the adjacency, except for the fewest block-to-block links needed to
keep the community connected (a block too small to be a grid must join one across a
road). Coordinates are planar in metres: the callers project lon/lat first.
"""

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry

from gridgov.places.partition.counts import grid_count

# A shared edge shorter than this (metres) is a touching corner, not a border.
MIN_EDGE = 1e-3
# Corners closer than this (metres) to a neighbour's edge are put on it.
SNAP = 1e-6


@dataclass
class Cells:
    """The tessellation: cell i holds the buildings `members[i]` (several when they
    stand on the same point) and borders cell j along `touch[i][j]` metres.

    `graph[i]` is the part of `touch[i]` that counts for contiguity: the same edges
    minus those cut across barriers.
    """

    polygons: list[Polygon]
    members: list[list[int]]
    households: np.ndarray
    area: np.ndarray
    perimeter: np.ndarray
    touch: list[dict[int, float]]
    graph: list[set[int]]
    block: np.ndarray
    crossings: int = 0  # block-to-block links kept to stay connected
    centroids: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))

    def __len__(self) -> int:
        return len(self.polygons)

    def barrier_edge(self, i: int, j: int) -> bool:
        return self.block[i] != self.block[j]


def _parts(geom: BaseGeometry) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    return [p for g in getattr(geom, "geoms", []) for p in _parts(g)]


def _shared(a: BaseGeometry, b: BaseGeometry) -> float:
    return shapely.length(shapely.intersection(a.boundary, b.boundary))


def _absorb_fragments(tiles: list[Polygon], fragments: list[Polygon]) -> list[Polygon]:
    """Give each stray fragment to the tile it shares the longest edge with (largest
    fragments first, so a chain of fragments reaches a tile through its neighbours)."""
    if not fragments:
        return tiles
    tiles = list(tiles)
    pending = sorted(fragments, key=lambda p: -p.area)
    while pending:
        tree = STRtree(tiles)
        left = []
        for piece in pending:
            candidates = tree.query(piece, predicate="intersects")
            best = max(((_shared(piece, tiles[j]), j) for j in candidates), default=(0.0, -1))
            if best[0] <= 0:  # any shared edge will do: this runs in degrees too
                left.append(piece)
                continue
            tiles[best[1]] = shapely.union(tiles[best[1]], piece)
        if len(left) == len(pending):  # touches no tile along an edge: keep it apart
            raise ValueError("a piece of the community touches no building's cell")
        pending = left
    return tiles


def tile(region: Polygon, points: list[tuple[float, float]]) -> list[Polygon]:
    """Cut `region` into one polygon per point: Voronoi cells clipped to the region.

    A convex cell clipped to a ragged region may fall into pieces; every piece
    without the point joins the neighbour it shares the longest edge with, so each
    tile stays one polygon and the tiles still cover the region with no gap and no
    overlap. The points must be distinct and inside the region.
    """
    if len(points) == 1:
        return [region]
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=region, ordered=True).geoms
    clipped = shapely.intersection(np.array(list(cells), dtype=object), region)
    tiles, fragments = [], []
    for piece, (x, y) in zip(clipped, points, strict=True):
        parts = _parts(piece)
        home = Point(x, y)
        keep = max(parts, key=lambda p: (p.covers(home), p.area))
        tiles.append(keep)
        fragments += [p for p in parts if p is not keep]
    return _absorb_fragments(tiles, fragments)


def blocks_of(community: Polygon, barriers: list) -> list[Polygon]:
    """The community cut along the barrier lines (only the lines' parts inside it)."""
    lines = [b for b in barriers if not b.is_empty and b.intersects(community)]
    if not lines:
        return [community]
    cut = shapely.unary_union(
        [community.boundary, *(line.intersection(community) for line in lines)]
    )
    pieces = _parts(shapely.polygonize(shapely.get_parts(cut)))
    inside = [p for p in pieces if community.covers(p.representative_point())]
    return inside or [community]


def _join_empty_blocks(blocks: list[Polygon], counts: list[int]) -> list[Polygon]:
    """A block with no building joins the neighbouring block it shares most edge with."""
    blocks, counts = list(blocks), list(counts)
    while 0 in counts and len(blocks) > 1:
        empty = counts.index(0)
        shared = [
            (_shared(blocks[empty], other), j) for j, other in enumerate(blocks) if j != empty
        ]
        length, target = max(shared)
        if length <= MIN_EDGE:
            target = min(
                (j for j in range(len(blocks)) if j != empty),
                key=lambda j: blocks[j].distance(blocks[empty]),
            )
        blocks[target] = shapely.union(blocks[target], blocks[empty])
        del blocks[empty], counts[empty]
    return blocks


def _sites(points: np.ndarray) -> tuple[np.ndarray, list[list[int]]]:
    """Distinct points (to the centimetre) and the buildings standing on each; a
    site is where the first of its buildings stands (not the rounded point, which may
    lie a hair outside the community)."""
    keys = np.round(points, 2)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    members: list[list[int]] = [[] for _ in range(len(first))]
    for building, site in enumerate(inverse.ravel()):
        members[site].append(building)
    return points[first], members


def tessellate(
    community: Polygon,
    points: np.ndarray,
    households: np.ndarray,
    barriers: list = (),
    target: float = 250,
    tolerance: float = 0.2,
) -> Cells:
    """The cells of the community's buildings (points as an n × 2 array in metres).
    `target` and `tolerance` decide which blocks must be linked across a barrier: a
    block that cannot make whole grids on its own."""
    sites, members = _sites(points)
    inside = shapely.covers(community, shapely.points(sites))
    if not inside.all():
        outside = [members[i][0] for i in np.flatnonzero(~inside)]
        raise ValueError(f"buildings outside the community: {outside[:5]}")
    blocks = blocks_of(community, list(barriers))
    block_tree = STRtree(blocks)
    site_at, block_at = block_tree.query(shapely.points(sites), predicate="intersects")
    site_block = np.full(len(sites), -1)
    site_block[site_at[::-1]] = block_at[::-1]  # on a barrier: the first block listed
    counts = np.bincount(site_block, minlength=len(blocks)).tolist()
    if 0 in counts:
        blocks = _join_empty_blocks(blocks, counts)
        site_at, block_at = STRtree(blocks).query(shapely.points(sites), predicate="intersects")
        site_block = np.full(len(sites), -1)
        site_block[site_at[::-1]] = block_at[::-1]

    polygons: list[Polygon] = [None] * len(sites)  # type: ignore[list-item]
    for b, block in enumerate(blocks):
        idx = np.flatnonzero(site_block == b)
        for i, poly in zip(idx, tile(block, [tuple(p) for p in sites[idx]]), strict=True):
            polygons[i] = poly
    cell_households = np.array([sum(int(households[m]) for m in ms) for ms in members])
    polygons = _match_across_blocks(polygons, site_block)
    cells = _with_adjacency(polygons, members, cell_households, site_block, sites)
    cells.crossings = _link_blocks(cells, target, tolerance)
    return cells


def _match_across_blocks(polygons: list[Polygon], block: np.ndarray) -> list[Polygon]:
    """Cells on either side of a barrier were cut from different blocks, so their
    corners along it differ. Each gets the corners of its neighbours across the
    barrier inserted into its edges (snapping within a micrometre), so the cells stay
    an edge-matched coverage that dissolves exactly."""
    geoms = np.array(polygons, dtype=object)
    left, right = STRtree(geoms).query(geoms, predicate="intersects")
    cross = block[left] != block[right]
    if not cross.any():
        return polygons
    out = list(polygons)
    for i in np.unique(left[cross]).tolist():
        others = right[cross & (left == i)]
        corners = shapely.multipoints(
            np.concatenate([shapely.get_coordinates(geoms[j]) for j in others])
        )
        out[i] = shapely.snap(geoms[i], corners, SNAP)
    return out


def _with_adjacency(polygons, members, cell_households, block, sites) -> Cells:
    geoms = np.array(polygons, dtype=object)
    left, right = STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    lengths = shapely.length(
        shapely.intersection(shapely.boundary(geoms[left]), shapely.boundary(geoms[right]))
    )
    touch: list[dict[int, float]] = [{} for _ in polygons]
    for i, j, length in zip(left.tolist(), right.tolist(), lengths.tolist(), strict=True):
        if length > MIN_EDGE:
            touch[i][j] = touch[j][i] = length
    graph = [{j for j in nbrs if block[i] == block[j]} for i, nbrs in enumerate(touch)]
    return Cells(
        polygons=list(polygons),
        members=members,
        households=cell_households,
        area=shapely.area(geoms),
        perimeter=shapely.length(geoms),
        touch=touch,
        graph=graph,
        block=np.asarray(block),
        centroids=np.asarray(sites, dtype=float),
    )


def _components(graph: list[set[int]], nodes=None) -> list[list[int]]:
    """Connected components of `graph` restricted to `nodes` (all when None)."""
    allowed = set(range(len(graph))) if nodes is None else set(nodes)
    seen: set[int] = set()
    out = []
    for start in sorted(allowed):
        if start in seen:
            continue
        seen.add(start)
        stack, comp = [start], []
        while stack:
            node = stack.pop()
            comp.append(node)
            for nxt in graph[node]:
                if nxt in allowed and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        out.append(comp)
    return out


def _link_blocks(cells: Cells, target: float, tolerance: float) -> int:
    """Re-add the cross-barrier edges between pieces that cannot make whole grids on
    their own (a piece of 1.4 grids' households must share a grid across the road),
    longest common border first, until every linked group can; returns the number of
    links. A piece that can stays cut off, so no grid crosses its barriers."""
    graph, touch = cells.graph, cells.touch
    parts = _components(graph)
    if len(parts) <= 1:
        return 0
    part_of = np.empty(len(graph), dtype=np.int64)
    for p, comp in enumerate(parts):
        part_of[comp] = p
    between: dict[tuple[int, int], list[tuple[int, int, float]]] = {}
    for i, nbrs in enumerate(touch):
        for j, length in nbrs.items():
            a, b = int(part_of[i]), int(part_of[j])
            if i < j and a != b:
                between.setdefault((min(a, b), max(a, b)), []).append((i, j, length))
    root = list(range(len(parts)))
    held = [int(cells.households[comp].sum()) for comp in parts]

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    def whole(households: int) -> bool:
        k = grid_count(households, target)
        return abs(households / (k * target) - 1) <= tolerance / 2

    linked = 0
    pairs = sorted(between.items(), key=lambda kv: (-sum(e[2] for e in kv[1]), kv[0]))
    changed = True
    while changed:
        changed = False
        for (a, b), edges in pairs:
            ra, rb = find(a), find(b)
            if ra == rb or (whole(held[ra]) and whole(held[rb])):
                continue
            root[ra] = rb
            held[rb] += held[ra]
            linked += 1
            changed = True
            for i, j, _length in edges:
                graph[i].add(j)
                graph[j].add(i)
    return linked
