"""The demo's grids, drawn by the partitioner (places.partition).

The street starts with provisional grids (`demo.areas`: Voronoi cells of spread
points, as a street office might have drawn them by hand) so the population has
somewhere to be generated. Once its buildings and households are in, each community
is divided afresh by the partitioner, with one target for the whole street chosen so
the 12 communities give 79 grids (the figure of the source), and the layouts are
applied through the same action street staff use, dated a year back so the demo's
year of cases happens in them. The provisional grids stay as the first entry of each
community's layout history. A street too small for 79 grids of 130–370 households (the
tests' few-household demos) keeps its provisional grids.
"""

import datetime

from django.utils import timezone

from gridgov.demo.areas import GRID_TOTAL
from gridgov.places import layouts
from gridgov.places.layout_actions import apply_layout, propose_layout
from gridgov.places.models import Area, GridLayout, LayoutStatus, Level
from gridgov.places.partition import DEFAULT_TARGET, DEFAULT_TOLERANCE, grid_count

TARGETS = [DEFAULT_TARGET + step * sign for step in range(0, 120) for sign in (1, -1)]


def _households(community: Area) -> int:
    return sum(r["household_count"] for r in layouts.community_buildings(community))


def choose_target(communities: list[Area], total: int = GRID_TOTAL) -> int | None:
    """The target nearest 250 whose partitions give `total` grids in all: first by
    the grid count formula, then confirmed by partitioning (a building too big for
    any grid, or a cut-off corner, can add one)."""
    households = [_households(c) for c in communities]
    for target in dict.fromkeys(TARGETS):
        if sum(grid_count(h, target) for h in households) != total:
            continue
        drawn = sum(
            len(layouts.propose(c, target=target, tolerance=DEFAULT_TOLERANCE, fresh=True).grids)
            for c in communities
        )
        if drawn == total:
            return target
    return None


def draw_grids(actor, street: Area, out=None) -> int:
    """Partition and apply every community of the street that has no applied
    layout yet; returns how many communities were drawn."""
    communities = [
        c
        for c in Area.objects.filter(parent=street, level=Level.COMMUNITY).order_by("code")
        if not GridLayout.objects.filter(community=c, status=LayoutStatus.APPLIED).exists()
    ]
    if not communities:
        return 0
    target = choose_target(communities)
    if target is None:
        return 0
    since = timezone.localdate() - datetime.timedelta(days=365)
    for community in communities:
        layout = propose_layout(
            actor, community, target=target, tolerance=DEFAULT_TOLERANCE, fresh=True
        )
        apply_layout(actor, layout, effective_on=since)
    if out:
        out.write(f"{street.name}：按每格约 {target} 户重新划分网格\n")
    return len(communities)
