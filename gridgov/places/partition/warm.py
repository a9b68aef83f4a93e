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

Grids keep their labels (their codes, for the caller): a split grid's label stays
with the half holding more of its households, a merged grid's with the fuller one.
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
    cells = prepare(community, buildings, barriers)
    names = sorted({label for label in current.values()})
    index = {name: n for n, name in enumerate(names)}
    home = _home_labels(cells, buildings, current, index)
    labels = home.copy()
    fill_unlabelled(cells, labels)
    reconnect(cells, labels)
    labels, carried, fixed = _fit_count(cells, labels, home, names, target, tolerance, seed)
    search = Search(cells, labels, target, tolerance, fixed, home=home, weights=weights)
    labels = search.run(seed)
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


def _fit_count(cells, labels, home, names, target, tolerance, seed):
    """Split or merge grids until their number matches the households; returns the
    labels renumbered 0..k-1, {new label: old name} and the oversized grids."""
    labels = labels.copy()
    fixed_cells = set(oversized(cells, target, tolerance))
    next_label = int(labels.max()) + 1
    for cell in sorted(fixed_cells):  # a building too big for a grid becomes one
        if (labels == labels[cell]).sum() > 1:
            labels[cell] = next_label
            next_label += 1
    reconnect(cells, labels)
    fixed_labels = {int(labels[c]) for c in fixed_cells}
    rest = [g for g in np.unique(labels).tolist() if g not in fixed_labels]
    households_rest = int(sum(cells.households[labels == g].sum() for g in rest))
    wanted = grid_count(households_rest, target)
    while len(rest) < wanted:
        g = max(rest, key=lambda g: (cells.households[labels == g].sum(), -g))
        # the grid's label stays with the half holding more of its present households
        if not split(cells, labels, g, next_label, seed, keep=cells.households * (home == g)):
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
        # the merged grid is known by the name of the fuller of the two
        keep, drop = sorted((g, into), key=lambda x: -cells.households[labels == x].sum())
        labels[labels == drop] = keep
        rest.remove(drop)
    old = {n: name for n, name in enumerate(names)}
    present = np.unique(labels).tolist()
    renumber = {g: n for n, g in enumerate(present)}
    carried = {renumber[g]: old[g] for g in present if g in old}
    new_labels = np.array([renumber[int(g)] for g in labels], dtype=np.int64)
    return new_labels, carried, {renumber[g] for g in fixed_labels}


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
