"""Every action writes its audit row: each public function of every `actions.py` (or
`*_actions.py`, where an app splits them)
calls `audit.record` (or, for reads of sensitive data, `audit.log_access`), directly
or through another function of the same module.

This reads the source, so a new action without an audit row fails here even before
anyone writes its behavioural test.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ACTION_MODULES = sorted([*ROOT.glob("*/actions.py"), *ROOT.glob("*/*_actions.py")])


def _calls(function: ast.FunctionDef) -> set[str]:
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            target = node.func
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                names.add(f"{target.value.id}.{target.attr}")
            elif isinstance(target, ast.Name):
                names.add(target.id)
    return names


def _unaudited(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    writes_log = {"audit.record", "audit.log_access"}
    audited = {name for name, fn in functions.items() if _calls(fn) & writes_log}
    changed = True
    while changed:  # an action may audit through a helper or another action
        changed = False
        for name, fn in functions.items():
            if name not in audited and _calls(fn) & audited:
                audited.add(name)
                changed = True
    return [name for name in functions if not name.startswith("_") and name not in audited]


def test_there_are_action_modules():
    assert {p.parent.name for p in ACTION_MODULES} >= {"core", "places", "accounts"}


@pytest.mark.parametrize("path", ACTION_MODULES, ids=lambda p: f"{p.parent.name}.{p.stem}")
def test_every_public_action_writes_an_audit_row(path):
    assert _unaudited(path) == []


def test_the_check_finds_an_action_without_audit(tmp_path):
    module = tmp_path / "actions.py"
    module.write_text(
        "def audited(actor):\n    audit.record(actor, 'x')\n\n"
        "def through_helper(actor):\n    audited(actor)\n\n"
        "def silent(actor):\n    actor.save()\n"
    )
    assert _unaudited(module) == ["silent"]
