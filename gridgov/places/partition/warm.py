"""Re-partition: a new layout that meets the partition rule again after buildings
went up or households moved, changing as few people's grid as possible.

It starts from the current layout instead of METIS:

1. every cell takes the grid its buildings are in now (the grid holding most of its
   households when it holds several); a new building's cell takes the grid of a
   neighbouring cell, spreading out from the cells that have one;
2. a grid that is no longer connected (cells changed shape around new buildings)
   keeps its largest piece; the other pieces are handed out as in step 1;
3. grids are split (the fullest, in two by METIS) or merged (the emptiest into its
   emptiest neighbour) until there are as many as the households call for;
4. the local search runs with a price on every household moved away from its grid,
   so it moves buildings only where balance or shape gain more than the move costs.

Grids keep their labels (their codes, for the caller): at the end each current
grid's label goes to the new grid holding most of its households (`_names`), which
is also what keeps the count of moved households low.
"""

import time

import numpy as np

from gridgov.places.partition import (
    DEFAULT_TARGET,
    DEFAULT_TOLERANCE,
    BuildingPoint,
    Layout,
    _check,
    assemble,
    prepare,
)
from gridgov.places.partition.cells import Cells
from gridgov.places.partition.improve import Search, Weights
from gridgov.places.partition.initial import (
    fill_unlabelled,
    grid_count,
    oversized,
    reconnect,
    split,
)

MOVE_PRICE = 0.35  # in cost units per target's worth of households moved


def repartition(
    community,
    buildings: list[BuildingPoint],
    current: dict[str, str],
    *,
    barriers=(),
    target: float = DEFAULT_TARGET,
    tolerance: float = DEFAULT_TOLERANCE,
    seed: int = 0,
    weights: Weights | None = None,
) -> Layout:
    """A layout close to `current` (building id → grid label; new buildings absent)
    that meets the target and tolerance. `layout.moved` lists (building, old label,
    households) for every building that changes grid."""
    started = time.perf_counter()
    _check(buildings, target, tolerance)
    weights = weights or Weights(move=MOVE_PRICE)
    cells = prepare(community, buildings, barriers, target, tolerance)
    names = sorted({label for label in current.values()})
    index = {name: n for n, name in enumerate(names)}
    home = _home_labels(cells, buildings, current, index)
    labels = home.copy()
    fill_unlabelled(cells, labels)
    reconnect(cells, labels)
    labels, fixed = _fit_count(cells, labels, home, target, tolerance, seed)
    search = Search(cells, labels, target, tolerance, fixed, home=home, weights=weights)
    # grids emptied by merges leave gaps in the numbers: close them
    _, labels = np.unique(search.run(seed), return_inverse=True)
    labels = labels.ravel()
    carried = _names(cells, labels, home, names)
    layout = assemble(community, buildings, cells, labels, target, tolerance, carried)
    layout.moved = _moves(buildings, current, layout)
    layout.seconds = time.perf_counter() - started
    return layout


def _home_labels(cells: Cells, buildings, current, index) -> np.ndarray:
    """Each cell's current grid (-1 for a cell of new buildings only)."""
    labels = np.full(len(cells), -1, dtype=np.int64)
    for cell, members in enumerate(cells.members):
        held: dict[int, int] = {}
        for b in members:
            name = current.get(buildings[b].id)
            if name is not None:
                held[index[name]] = held.get(index[name], 0) + buildings[b].households + 1
        if held:
            labels[cell] = max(sorted(held), key=lambda g: held[g])
    return labels


def _fit_count(cells, labels, home, target, tolerance, seed):
    """Split or merge grids until their number matches the households; returns the
    labels (the current grids keep their numbers, so the move price still knows
    them; new grids are numbered on) and the grids that are one oversized building."""
    labels = labels.copy()
    fixed_cells = set(oversized(cells, target, tolerance))
    next_label = int(labels.max()) + 1
    for cell in sorted(fixed_cells):  # a building too big for a grid becomes one
        if (labels == labels[cell]).sum() > 1:
            labels[cell] = next_label
            next_label += 1
    fixed_labels = {int(labels[c]) for c in fixed_cells}
    reconnect(cells, labels, fixed_labels)
    rest = [g for g in np.unique(labels).tolist() if g not in fixed_labels]
    households_rest = int(sum(cells.households[labels == g].sum() for g in rest))
    wanted = grid_count(households_rest, target)
    while rest and len(rest) < wanted:
        by_fullness = sorted(rest, key=lambda g: (-cells.households[labels == g].sum(), g))
        # the half holding more of the grid's present households stays the grid
        if not any(
            split(cells, labels, g, next_label, seed, keep=cells.households * (home == g))
            for g in by_fullness
        ):
            break
        rest.append(next_label)
        next_label += 1
    while len(rest) > wanted:
        g = min(rest, key=lambda g: (cells.households[labels == g].sum(), g))
        cells_g = np.flatnonzero(labels == g)
        nbrs = {int(labels[d]) for c in cells_g for d in cells.graph[c]} - {g} - fixed_labels
        if not nbrs:
            break
        into = min(nbrs, key=lambda h: (cells.households[labels == h].sum(), h))
        labels[labels == g] = into
        rest.remove(g)
    return labels, fixed_labels


def _names(cells: Cells, labels: np.ndarray, home: np.ndarray, names: list[str]):
    """{grid: the current grid's name it continues}: each current grid's name goes to
    the new grid holding most of its households (largest overlaps first, each name
    and each grid used once), so a name stays where its people are and as few
    households as possible change grid. A grid left without one is new."""
    overlap: dict[tuple[int, int], int] = {}
    for cell, (g, h) in enumerate(zip(labels.tolist(), home.tolist(), strict=True)):
        if h >= 0:
            overlap[(g, h)] = overlap.get((g, h), 0) + int(cells.households[cell]) + 1
    carried: dict[int, str] = {}
    used: set[int] = set()
    for (g, h), _count in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0])):
        if g not in carried and h not in used:
            carried[g] = names[h]
            used.add(h)
    return carried


def _moves(buildings, current, layout: Layout) -> list[tuple[str, str | None, int]]:
    """(building, old label, households) for each building whose grid changes;
    a building in a grid that carries its old label has not moved."""
    moved = []
    for b in buildings:
        old = current.get(b.id)
        if old is None:
            continue
        if layout.grids[layout.grid_of[b.id]].label != old:
            moved.append((b.id, old, b.households))
    return moved
