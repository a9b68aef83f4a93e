"""The local search that finishes what METIS starts.

METIS balances grids only as well as whole buildings allow and knows nothing about
shape. This search moves one boundary cell at a time to a neighbouring grid when that
lowers the total cost, and never makes a move that would split the grid it leaves, so
every grid stays connected throughout. A grid's cost is

    balance(h) + compactness × (1 − Polsby-Popper) + barrier × (barrier inside / scale)
               [+ move × households moved away from their current grid / target]

where balance(h) with d = (h − target) / target is d², plus a step of 0.5 per unit
beyond ±10 % and of 5 per unit beyond the tolerance, so leaving the tolerance costs far
more than any gain in shape. Area and perimeter are kept per grid and updated from the
border lengths a moved cell shares with each side, so a move is judged in time
proportional to its cell's neighbours, not the grid's size.

Cells are visited from a queue (every boundary cell once, in an order drawn from the
seed; a moved cell's neighbours go back in), so the result is the same for the same
input and seed.
"""

import math
import random
from collections import deque
from dataclasses import dataclass

import numpy as np

from gridgov.places.partition.cells import Cells


@dataclass(frozen=True)
class Weights:
    compactness: float = 0.1
    barrier: float = 0.3
    move: float = 0.0  # re-partition: the price of moving a household from its grid
    max_visits: int = 60  # times each cell may be examined before the search stops


class Search:
    def __init__(
        self,
        cells: Cells,
        labels: np.ndarray,
        target: float,
        tolerance: float,
        fixed: set[int] = frozenset(),
        home: np.ndarray | None = None,
        weights: Weights = Weights(),
    ):
        self.cells, self.target, self.tolerance, self.w = cells, target, tolerance, weights
        self.label = [int(x) for x in labels]
        self.fixed = set(fixed)
        self.home = None if home is None else [int(x) for x in home]
        self.h = [int(x) for x in cells.households]
        self.a = [float(x) for x in cells.area]
        self.p = [float(x) for x in cells.perimeter]
        k = max(self.label) + 1
        self.H, self.A, self.P = [0] * k, [0.0] * k, [0.0] * k
        self.size, self.B = [0] * k, [0.0] * k
        for c, g in enumerate(self.label):
            self.H[g] += self.h[c]
            self.A[g] += self.a[c]
            self.P[g] += self.p[c]
            self.size[g] += 1
        for c, nbrs in enumerate(cells.touch):
            for d, length in nbrs.items():
                if self.label[d] == self.label[c]:
                    self.P[self.label[c]] -= length  # each shared edge seen from both sides
                    if cells.barrier_edge(c, d):
                        self.B[self.label[c]] += length / 2
        # Barrier length is judged against the side of a typical grid.
        self.scale = math.sqrt(sum(self.a) / max(1, k))

    # -- cost ------------------------------------------------------------------------------
    def balance(self, households: float) -> float:
        d = abs(households - self.target) / self.target
        return d * d + 0.5 * max(0.0, d - 0.1) + 5.0 * max(0.0, d - self.tolerance)

    def cost(self, households, area, perimeter, barrier) -> float:
        pp = 4 * math.pi * area / (perimeter * perimeter) if perimeter > 0 else 1.0
        return (
            self.balance(households)
            + self.w.compactness * (1 - pp)
            + self.w.barrier * barrier / self.scale
        )

    def grid_cost(self, g: int) -> float:
        return self.cost(self.H[g], self.A[g], self.P[g], self.B[g])

    def total_cost(self) -> float:
        return sum(self.grid_cost(g) for g in range(len(self.H)) if self.size[g])

    # -- moves -----------------------------------------------------------------------------
    def _sides(self, c: int) -> dict[int, tuple[float, float]]:
        """Per neighbouring grid: (border length with c, of which along barriers)."""
        out: dict[int, list[float]] = {}
        for d, length in self.cells.touch[c].items():
            side = out.setdefault(self.label[d], [0.0, 0.0])
            side[0] += length
            if self.cells.barrier_edge(c, d):
                side[1] += length
        return {g: (s[0], s[1]) for g, s in out.items()}

    def _stays_connected(self, c: int, g: int) -> bool:
        """Whether grid g without cell c is still connected."""
        graph, label = self.cells.graph, self.label
        nbrs = [d for d in graph[c] if label[d] == g]
        if len(nbrs) <= 1:
            return True
        todo = set(nbrs[1:])
        seen = {c, nbrs[0]}
        stack = [nbrs[0]]
        while stack and todo:
            x = stack.pop()
            for y in graph[x]:
                if y not in seen and label[y] == g:
                    seen.add(y)
                    todo.discard(y)
                    stack.append(y)
        return not todo

    def best_move(self, c: int) -> tuple[float, int] | None:
        """The most improving move of cell c, as (change in cost, new grid)."""
        a = self.label[c]
        if a in self.fixed or self.size[a] <= 1:
            return None
        targets = {self.label[d] for d in self.cells.graph[c]} - {a} - self.fixed
        if not targets:
            return None
        sides = self._sides(c)
        hc, ac, pc = self.h[c], self.a[c], self.p[c]
        s_a, b_a = sides.get(a, (0.0, 0.0))
        before_a = self.grid_cost(a)
        after_a = self.cost(
            self.H[a] - hc, self.A[a] - ac, self.P[a] - pc + 2 * s_a, self.B[a] - b_a
        )
        best = None
        for b in sorted(targets):
            s_b, b_b = sides.get(b, (0.0, 0.0))
            after_b = self.cost(
                self.H[b] + hc, self.A[b] + ac, self.P[b] + pc - 2 * s_b, self.B[b] + b_b
            )
            delta = after_a + after_b - before_a - self.grid_cost(b)
            if self.home is not None:
                home = self.home[c]
                delta += self.w.move * hc / self.target * ((b != home) - (a != home))
            if delta < -1e-9 and (best is None or delta < best[0]):
                best = (delta, b)
        if best is not None and not self._stays_connected(c, a):
            return None
        return best

    def move(self, c: int, b: int) -> None:
        a = self.label[c]
        sides = self._sides(c)
        s_a, b_a = sides.get(a, (0.0, 0.0))
        s_b, b_b = sides.get(b, (0.0, 0.0))
        self.H[a] -= self.h[c]
        self.A[a] -= self.a[c]
        self.P[a] += -self.p[c] + 2 * s_a
        self.B[a] -= b_a
        self.size[a] -= 1
        self.H[b] += self.h[c]
        self.A[b] += self.a[c]
        self.P[b] += self.p[c] - 2 * s_b
        self.B[b] += b_b
        self.size[b] += 1
        self.label[c] = b

    def run(self, seed: int) -> np.ndarray:
        """Improve until no single move helps (or each cell was examined max_visits
        times), then repair the grids still outside the tolerance with pairs of
        moves; returns the labels."""
        order = list(range(len(self.label)))
        random.Random(seed).shuffle(order)
        self._descend(order)
        for _round in range(3):
            touched = self._repair()
            if not touched:
                break
            self._descend(sorted(touched))
        return np.array(self.label, dtype=np.int64)

    def _descend(self, order: list[int]) -> None:
        queue = deque(order)
        queued = [False] * len(self.label)
        for c in order:
            queued[c] = True
        visits = [0] * len(self.label)
        while queue:
            c = queue.popleft()
            queued[c] = False
            visits[c] += 1
            if visits[c] > self.w.max_visits:
                continue
            found = self.best_move(c)
            if found is None:
                continue
            self.move(c, found[1])
            for d in (c, *self.cells.graph[c]):
                if not queued[d]:
                    queued[d] = True
                    queue.append(d)

    # -- pairs of moves ----------------------------------------------------------------------
    def _outside(self, g: int) -> bool:
        return abs(self.H[g] - self.target) > self.tolerance * self.target

    def _cells_of(self, g: int, start: int) -> list[int]:
        """The cells of grid g, found from one of them through the graph."""
        seen, stack = {start}, [start]
        while stack:
            x = stack.pop()
            for y in self.cells.graph[x]:
                if y not in seen and self.label[y] == g:
                    seen.add(y)
                    stack.append(y)
        return sorted(seen)

    def _moves_of(self, c: int) -> list[tuple[float, int]]:
        """Every move of cell c that keeps its grid connected, with its change in cost
        (improving or not)."""
        a = self.label[c]
        if a in self.fixed or self.size[a] <= 1:
            return []
        targets = {self.label[d] for d in self.cells.graph[c]} - {a} - self.fixed
        if not targets or not self._stays_connected(c, a):
            return []
        out = []
        before = self.total_of((a, *targets))
        for b in sorted(targets):
            self.move(c, b)
            out.append((self.total_of((a, *targets)) - before + self._home_delta(c, a, b), b))
            self.move(c, a)
        return out

    def total_of(self, grids) -> float:
        return sum(self.grid_cost(g) for g in set(grids))

    def _home_delta(self, c: int, a: int, b: int) -> float:
        if self.home is None:
            return 0.0
        home = self.home[c]
        return self.w.move * self.h[c] / self.target * ((b != home) - (a != home))

    def _repair(self) -> set[int]:
        """For each grid outside the tolerance, the best pair of moves (the first may
        make things worse, if the second more than makes up for it) that involves it:
        a cell leaving it or joining it, then any cell of the grids touched moving on.
        Returns the cells of the grids changed."""
        touched: set[int] = set()
        examined: set[int] = set()
        for c0 in range(len(self.label)):
            g = self.label[c0]
            if g in examined or g in self.fixed or not self._outside(g):
                continue
            examined.add(g)
            cells = self._cells_of(g, c0)
            border = {d for c in cells for d in self.cells.graph[c] if self.label[d] != g}
            best = None
            for c in sorted(set(cells) | border):
                a = self.label[c]
                for delta1, b in self._moves_of(c):
                    if g not in (a, b):
                        continue
                    self.move(c, b)
                    second = self._best_follow_up(c, (a, b))
                    self.move(c, a)
                    total = delta1 + second[0] if second else 0.0
                    if total < -1e-9 and (best is None or total < best[0]):
                        best = (total, c, b, second[1], second[2])
            if best is not None:
                _total, c, b, d, e = best
                self.move(c, b)
                self.move(d, e)
                for x in (c, d):
                    touched.update((x, *self.cells.graph[x]))
        return touched

    def _best_follow_up(self, moved: int, grids: tuple[int, int]):
        """The best move of a cell of `grids` (other than `moved`) after a first move."""
        best = None
        seen: set[int] = set()
        for g in grids:
            start = (
                moved
                if self.label[moved] == g
                else next((d for d in self.cells.graph[moved] if self.label[d] == g), None)
            )
            if start is None:
                continue
            for c in self._cells_of(g, start):
                if c == moved or c in seen:
                    continue
                seen.add(c)
                for delta, b in self._moves_of(c):
                    if best is None or delta < best[0]:
                        best = (delta, c, b)
        return best
