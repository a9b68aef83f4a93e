"""`gridgov bench`: a registry of benchmarks, each printed beside its floor.

A benchmark is a function returning a Result. Later parts register theirs with
`@benchmark("name", floor="http_floor")`; the floor runs in the same invocation so
that the ratio, not the machine's mood, is what we compare. `runner.run` imports the
benchmark modules and runs them; this package itself imports none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    name: str
    unit: str  # "req/s" or "ops/s"
    rate: float
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    count: int = 0
    errors: int = 0
    floor: str | None = None
    ratio: float | None = None
    notes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Benchmark:
    name: str
    func: Callable[..., Result]
    floor: str | None
    description: str


REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str, floor: str | None = None, description: str = ""):
    def register(func):
        REGISTRY[name] = Benchmark(name, func, floor, description or (func.__doc__ or "").strip())
        return func

    return register
