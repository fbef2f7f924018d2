"""Layout rules a linter does not check: the test tree's imports, the environment's names.

A test module that imports another test module (or a conftest) runs that module's import-time
code twice under `--import-mode=importlib`, couples unrelated tests, and hides the harness.
Fixtures stay fixtures, in conftest files; everything else shared goes to `tests.support`.
The layering of the packages themselves is import-linter's (`make lint`, pyproject.toml).

Environment variables follow one rule (README, .env.example): named after the setting, no
project prefix; a developer tool's own value carries the tool's name in front.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.settings import Settings

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
_READ = re.compile(
    r"""(?:\benv(?:iron)?(?:\.get|\.setdefault)?\(|environ\[|getenv\()\s*["']([A-Z0-9_]+)["']"""
)
TOOL_PREFIXES = ("TEST_", "BENCH_", "SANDBOX_")
# Set by CI; read by python-telegram-bot; the sandbox language's name in the languages issue
# (an alias of SANDBOX_LANG, which follows the rule).
OTHERS_OWN = {"CI", "PTB_TIMEDELTA", "NOTCH_SANDBOX_LANG"}


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


def _variables_read() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for folder in ("bot", "core", "storage", "sandbox", "bench", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            for name in _READ.findall(path.read_text(encoding="utf-8")):
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_environment_variable_follows_the_one_naming_rule() -> None:
    settings = {name.upper() for name in Settings.model_fields}
    read = _variables_read()
    assert {"DATABASE_URL", "TEST_DATABASE_URL"} <= read.keys()  # the scan sees them
    strays = {
        name: sorted(where) for name, where in read.items()
        if name not in settings | OTHERS_OWN and not name.startswith(TOOL_PREFIXES)
    }
    assert not strays, f"environment variables outside the naming rule: {strays}"
    documented = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert [name for name in sorted((read.keys() | settings) - OTHERS_OWN)
            if name not in documented] == []
