"""A balanced contiguous start: METIS k-way on the cell graph.

METIS (through pymetis) splits a graph into k parts of near-equal vertex weight while
cutting little edge weight; with `contig` every part is connected. Vertex weight is the
households of a cell, edge weight the length of the border two cells share, so METIS
prefers to cut short borders, which gives compact grids. Cells across a barrier get
the smallest edge weight: a grid boundary is best drawn there.

METIS needs a connected graph for `contig`, so each connected piece of the community
(pieces appear where a building too big for any grid is taken out as its own grid)
is partitioned on its own into as many grids as its households call for.
"""

import numpy as np
import pymetis

from gridgov.places.partition.cells import Cells, _components
from gridgov.places.partition.counts import grid_count


def oversized(cells: Cells, target: float, tolerance: float) -> list[int]:
    """Cells with more households than a grid may hold: each is a grid of its own."""
    limit = target * (1 + tolerance)
    return [i for i in range(len(cells)) if cells.households[i] > limit]


def metis_parts(cells: Cells, nodes: list[int], k: int, seed: int, weighted: bool = True):
    """Labels 0..k-1 for `nodes` (a connected set of cells), METIS k-way with contig."""
    if k <= 1 or len(nodes) <= 1:
        return [0] * len(nodes)
    k = min(k, len(nodes))
    index = {node: n for n, node in enumerate(nodes)}
    xadj, adjncy, eweights = [0], [], []
    for node in nodes:
        for nbr in sorted(cells.graph[node]):
            if nbr in index:
                adjncy.append(index[nbr])
                if cells.barrier_edge(node, nbr):
                    eweights.append(1)
                else:
                    eweights.append(max(1, round(cells.touch[node][nbr])))
        xadj.append(len(adjncy))
    for contig in (1, 0):
        try:
            _cut, labels = pymetis.part_graph(
                k,
                pymetis.CSRAdjacency(xadj, adjncy),
                vweights=[int(cells.households[node]) + 1 for node in nodes],
                eweights=eweights if weighted else None,
                recursive=False,  # contig holds only for k-way (METIS bisects when k ≤ 8)
                options=pymetis.Options(contig=contig, seed=seed),
            )
            return list(labels)
        except RuntimeError:
            # METIS refuses contig on some graphs; without it, `reconnect` repairs.
            continue
    return [0] * len(nodes)


def initial_labels(
    cells: Cells, target: float, tolerance: float, seed: int, weighted: bool = True
) -> tuple[np.ndarray, set[int]]:
    """A grid label per cell, and the labels of grids that are one oversized building
    (the local search leaves those alone)."""
    labels = np.full(len(cells), -1, dtype=np.int64)
    fixed: set[int] = set()
    next_label = 0
    big = oversized(cells, target, tolerance)
    for cell in big:
        labels[cell] = next_label
        fixed.add(next_label)
        next_label += 1
    rest = [i for i in range(len(cells)) if labels[i] < 0]
    pieces = []
    for comp in _components(cells.graph, rest):
        k = min(grid_count(int(cells.households[comp].sum()), target), len(comp))
        _, parts = np.unique(metis_parts(cells, comp, k, seed, weighted), return_inverse=True)
        labels[comp] = next_label + parts.ravel()
        next_label += int(parts.max()) + 1
        pieces.append((comp, k))
    reconnect(cells, labels, fixed)  # METIS's contig is a promise worth checking
    # METIS may also leave parts empty (it does with contig on awkward graphs): split
    # the fullest grids of a piece until it has its k.
    for comp, k in pieces:
        made = sorted(set(labels[comp].tolist()))
        while len(made) < k:
            by_fullness = sorted(made, key=lambda g: (-cells.households[labels == g].sum(), g))
            if not any(split(cells, labels, g, next_label, seed) for g in by_fullness):
                break
            made.append(next_label)
            next_label += 1
    return labels, fixed


def split(cells: Cells, labels: np.ndarray, g: int, new: int, seed: int, keep=None) -> bool:
    """Cut grid g in two connected halves (METIS); the half holding less of `keep`
    (a weight per cell, households by default) takes the label `new`."""
    nodes = np.flatnonzero(labels == g)
    if len(nodes) < 2 or len(_components(cells.graph, nodes.tolist())) > 1:
        return False
    halves = np.array(metis_parts(cells, nodes.tolist(), 2, seed))
    if halves.min() == halves.max():
        return False
    keep = cells.households if keep is None else keep
    stays = [keep[nodes[halves == h]].sum() for h in (0, 1)]
    labels[nodes[halves == (1 if stays[0] >= stays[1] else 0)]] = new
    return True


def fill_unlabelled(cells: Cells, labels: np.ndarray, fixed=frozenset()) -> None:
    """Cells without a grid take a neighbour's, breadth first from those that have
    one (never a `fixed` grid: an oversized building stays alone); with no labelled
    cell at all everything becomes grid 0."""
    if (labels < 0).all():
        labels[:] = 0
        return
    frontier = [c for c in range(len(cells)) if labels[c] >= 0 and labels[c] not in fixed]
    while frontier:
        nxt = []
        for c in frontier:
            for d in sorted(cells.graph[c]):
                if labels[d] < 0:
                    labels[d] = labels[c]
                    nxt.append(d)
        frontier = nxt
    for comp in _components(cells.graph, [c for c in range(len(cells)) if labels[c] < 0]):
        labels[comp] = labels.max() + 1  # a piece cut off from every grid: a grid of its own


def reconnect(cells: Cells, labels: np.ndarray, fixed=frozenset()) -> None:
    """Each grid keeps its largest connected piece; other pieces are refilled."""
    for _round in range(5):
        loose = []
        for g in np.unique(labels).tolist():
            pieces = _components(cells.graph, np.flatnonzero(labels == g).tolist())
            if len(pieces) > 1:
                pieces.sort(key=lambda p: (-cells.households[p].sum(), p[0]))
                loose += [c for piece in pieces[1:] for c in piece]
        if not loose:
            return
        labels[loose] = -1
        fill_unlabelled(cells, labels, fixed)
