"""Imports run downward only (design.md, "the shape of the code").

A module that imports one that imports it back works only in the order it happens to be
loaded in, so every module is imported first once, in a fresh interpreter, and the
import statements themselves, deferred ones inside functions included, must form no
circle and follow the apps' order. Tests, conftests and migrations are left out of the
fresh imports (pytest and the migration loader import them on every run in their own
order); tests and conftests, which build their fixtures from any app, are left out of
the apps' order too. Every file counts for the circles.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import gridgov

PACKAGE = Path(gridgov.__file__).parent

# Which apps each app may import (besides itself); apps not named may import any app
# except those nobody imports.
MAY_IMPORT = {
    "core": set(),
    "places": {"core"},
    "accounts": {"core", "places"},
    "people": {"core", "places"},
    "cases": {"core", "places", "people", "accounts"},
}
# Only the `gridgov` command, which runs the demo and the benchmarks, and the
# benchmarks, which load the demo, import these.
NOBODY_IMPORTS = {"insights", "demo", "bench"}
THEIR_RUNNERS = {"cli", "bench"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_test_code(name: str) -> bool:
    parts = name.split(".")
    return "tests" in parts or parts[-1] == "conftest"


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imported(name: str, path: Path) -> set[str]:
    """The gridgov modules `name` imports anywhere (a `from package import submodule`
    counts as the submodule), except under `if TYPE_CHECKING:`, which never runs."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parent = package.rsplit(".", child.level - 1)[0] if child.level > 1 else package
                    base = f"{parent}.{base}" if base else parent
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    found.add(sub if sub in MODULES else base)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {other for other in found if other in MODULES and other != name}


GRAPH = {name: _imported(name, path) for name, path in MODULES.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return groups


def _app(name: str) -> str:
    return name.split(".")[1] if "." in name else name


def test_no_module_imports_one_that_imports_it_back():
    circles = _circles(GRAPH)
    assert not circles, "\n".join(" ↔ ".join(circle) for circle in circles)


def test_the_circle_finder_finds_a_circle_of_three():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]


def test_deferred_imports_count_and_type_checking_ones_do_not(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from gridgov.core import views\n"
        "def answer():\n"
        "    from gridgov.core import api\n"
    )
    assert _imported("gridgov.example", source) == {"gridgov.core.api"}


def _may_import(app: str, other_app: str) -> bool:
    if other_app in NOBODY_IMPORTS:
        return app in THEIR_RUNNERS
    return app not in MAY_IMPORT or other_app in MAY_IMPORT[app]


def test_apps_import_downward_only():
    wrong = [
        f"{name} -> {other}"
        for name, imported in GRAPH.items()
        if not _is_test_code(name)
        for other in sorted(imported)
        if _app(other) != _app(name) and not _may_import(_app(name), _app(other))
    ]
    assert not wrong, "\n".join(wrong)


def test_every_module_imports_on_its_own_in_a_fresh_interpreter():
    names = [name for name in MODULES if not _is_test_code(name) and ".migrations." not in name]
    program = f"from {__name__} import import_each; import_each({names!r})"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="gridgov.settings")
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=PACKAGE.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert not done.stdout, done.stdout


def import_each(names: list[str]) -> None:
    """In the fresh interpreter: set Django up without the admin's autodiscovery (it
    would import most of the tree in one order), then import each module after
    forgetting every gridgov module that the setup did not load. Prints each failure."""
    import importlib

    from gridgov import settings

    settings.INSTALLED_APPS = [
        "django.contrib.admin.apps.SimpleAdminConfig" if app == "django.contrib.admin" else app
        for app in settings.INSTALLED_APPS
    ]
    import django

    django.setup()
    from django.contrib import admin

    loaded_by_setup = set(sys.modules)
    registered = dict(admin.site._registry)
    for name in names:
        _forget_all_but(loaded_by_setup)
        admin.site._registry = dict(registered)
        try:
            importlib.import_module(name)
        except Exception as exc:
            print(f"{name}: {type(exc).__name__}: {exc}".replace("\n", " "))


def _forget_all_but(kept: set[str]) -> None:
    """Drop the other gridgov modules, and their names on their packages, so that
    `from package import module` loads the module afresh too."""
    for name in [n for n in sys.modules if n.startswith("gridgov.") and n not in kept]:
        del sys.modules[name]
        package, _, attribute = name.rpartition(".")
        if package in sys.modules:
            sys.modules[package].__dict__.pop(attribute, None)
