"""Runs the registered benchmarks, each after its floor, and prints them."""

import json
import sys
from dataclasses import asdict

from gridgov.bench import REGISTRY, Result
from gridgov.bench import benchmarks as _benchmarks  # noqa: F401  (the floors, the home page)
from gridgov.bench import cases as _cases  # noqa: F401  (the case loop)
from gridgov.bench import command as _command  # noqa: F401  (the map, cameras, locate)
from gridgov.bench import fieldwork as _fieldwork  # noqa: F401  (patrol coverage)
from gridgov.bench import hall as _hall  # noqa: F401  (the service hall)
from gridgov.bench import pages as _pages  # noqa: F401  (search, household file)
from gridgov.bench import partition as _partition  # noqa: F401  (grid partition)
from gridgov.bench import people as _people  # noqa: F401  (base-data import)
from gridgov.bench.http import BenchContext

_PERCENTILES = ("p50_ms", "p95_ms", "p99_ms")


def _format(result: Result) -> str:
    line = f"{result.name:<24} {result.rate:>10.1f} {result.unit}"
    if result.p50_ms is not None:
        line += f"   p50 {result.p50_ms:7.2f} ms  p95 {result.p95_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms"
    line += f"   n={result.count}"
    if result.errors:
        line += f" errors={result.errors}"
    if result.floor:
        ratio = "n/a" if result.ratio is None else f"{result.ratio:.2f}"
        line += f"   floor {result.floor}: ratio {ratio}"
    for key, value in result.notes.items():
        if isinstance(value, dict) and "p50_ms" in value:
            line += f"\n    {key:<20} p50 {value['p50_ms']:7.2f} ms  p95 {value['p95_ms']:7.2f} ms"
            line += "".join(f"  {k} {v}" for k, v in value.items() if k not in _PERCENTILES)
        else:
            line += f"\n    {key:<20} {value}"
    return line


def run(only: str | None = None, json_path: str | None = None) -> int:
    names = [n.strip() for n in only.split(",")] if only else list(REGISTRY)
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        print(f"未知的基准：{', '.join(unknown)}；可选：{', '.join(REGISTRY)}", file=sys.stderr)
        return 2
    # Floors run first, even when only the benchmark above them was asked for.
    order: list[str] = []
    for name in names:
        floor = REGISTRY[name].floor
        if floor and floor not in order:
            order.append(floor)
        if name not in order:
            order.append(name)
    context = BenchContext()
    results: dict[str, Result] = {}
    try:
        for name in order:
            bench = REGISTRY[name]
            result = bench.func(context)
            if bench.floor:
                floor = results[bench.floor]
                result.floor = bench.floor
                result.ratio = result.rate / floor.rate if floor.rate else None
            results[name] = result
            print(_format(result), flush=True)
    finally:
        context.close()
    if json_path:
        with open(json_path, "w") as fh:
            json.dump([asdict(r) for r in results.values()], fh, ensure_ascii=False, indent=2)
    failed = any(r.errors for r in results.values())
    return 1 if failed else 0
