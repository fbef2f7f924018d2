"""The test tree's one import rule: shared helpers live in tests/support, nowhere else.

A test module that imports another test module (or a conftest) runs that module's import-time
code twice under `--import-mode=importlib`, couples unrelated tests, and hides the harness.
Fixtures stay fixtures, in conftest files; everything else shared goes to `tests.support`.
The layering of the packages themselves is import-linter's (`make lint`, pyproject.toml).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


def _offending(name: str) -> bool:
    if name.startswith("."):
        return True  # relative: the test tree is not a package to import from
    parts = name.split(".")
    if "conftest" in parts:
        return True
    return parts[0] == "tests" and parts[1:2] != ["support"]


def test_test_modules_import_only_the_support_package_of_the_test_tree() -> None:
    found = {
        f"{path.relative_to(TESTS.parent)}: {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for name in _imported(path)
        if _offending(name)
    }
    assert not found, "import shared helpers from tests.support:\n" + "\n".join(sorted(found))


def test_the_rule_catches_what_it_forbids() -> None:
    assert _offending("tests.bot.conftest")
    assert _offending("tests.bot.test_progress")
    assert _offending("conftest")
    assert _offending(".journeys")
    assert not _offending("tests.support.journeys")
    assert not _offending("bot.texts")
