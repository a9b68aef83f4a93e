"""How many grids a number of households makes (used by the tessellation, which must
know whether a block across a road can stand alone, and by the partition)."""


def grid_count(households: int, target: float) -> int:
    """How many grids `households` make: round(households / target), moved one up or
    down when that puts the average grid closer to the target (1.45 × target makes
    two grids of 0.725, nearer than one of 1.45)."""
    if households <= 0:
        return 1
    base = max(1, round(households / target))
    options = [k for k in (base - 1, base, base + 1) if k >= 1]
    return min(options, key=lambda k: (abs(households / (k * target) - 1), k))
