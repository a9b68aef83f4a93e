"""Reads of the area tree that pages and the API share."""

from functools import cached_property
from typing import NamedTuple

from django.db.models import Count

from gridgov.core.scope import scope_of
from gridgov.places.models import Area, Level


class AreaRef(NamedTuple):
    """An area as a filter names it: a district's filter bar offers some 1,800
    communities and grids, cheaper as plain tuples than as model instances."""

    pk: int
    code: str
    name: str
    parent_id: int | None


def filter_areas(user) -> tuple[list[AreaRef], list[AreaRef]]:
    """(communities, grids) the user may filter a list on: the area tree they browse."""
    rows = (
        Area.objects.visible_to(user)
        .filter(level__in=(Level.COMMUNITY, Level.GRID))
        .order_by("code")
        .values_list("id", "code", "name", "parent_id", "level")
    )
    communities, grids = [], []
    for *ref, level in rows:
        (communities if level == Level.COMMUNITY else grids).append(AreaRef(*ref))
    return communities, grids


def scope_roots(user) -> list[Area]:
    """The top areas of the user's scope: the areas their assignments name."""
    paths = scope_of(user).area_paths
    # An assignment inside another assignment's subtree is not a root of its own.
    roots = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return list(Area.objects.without_boundary().filter(path__in=roots))


def children_with_counts(areas) -> list[Area]:
    """Children of `areas`, each with `n_children`, the number of its own children."""
    return list(
        Area.objects.without_boundary()
        .current()
        .filter(parent__in=areas)
        .with_child_counts()
        .order_by("code")
    )


def level_counts(user) -> dict[str, int]:
    """How many areas of each level the user's scope holds."""
    from gridgov.core.scope import area_path_q

    rows = (
        Area.objects.current()
        .filter(area_path_q(user))
        .values("level")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {level.value: 0 for level in Level}
    counts.update({row["level"]: row["n"] for row in rows})
    return counts


class AreaSummary:
    """The areas of a user's scope with their counts, for the home page.

    Everything is computed on first use, so a page that finds the rendered summary in
    its fragment cache (keyed by `cache_key`) runs none of these queries.
    """

    def __init__(self, user):
        self.user = user

    @property
    def cache_key(self) -> str:
        return "|".join(scope_of(self.user).area_paths)

    @cached_property
    def groups(self) -> list[tuple[Area, list[Area]]]:
        roots = scope_roots(self.user)
        children = children_with_counts(roots) if roots else []
        return [(root, [c for c in children if c.parent_id == root.id]) for root in roots]

    @cached_property
    def level_cards(self) -> list[tuple[str, int]]:
        """Counts from the highest level the scope reaches down to grids: a grid worker
        sees "网格 1", not "街道 0 · 社区 0 · 网格 1"."""
        counts = level_counts(self.user)
        levels = [level for level in Level if level != Level.DISTRICT]
        first = next((i for i, level in enumerate(levels) if counts[level.value]), len(levels))
        return [(level.label, counts[level.value]) for level in levels[first:]]
