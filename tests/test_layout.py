"""The layout of the test suite: helpers in tests/support/, fixtures in conftests, and no test module
importing another test module or a conftest (pytest loads those itself; importing them runs a module
twice, under two names, and ties one test file to another's insides)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imported_modules(source: str, importer: str) -> list[tuple[int, str]]:
    """(line, module) of every import in ``source``, at any depth (also inside functions), with
    ``from package import name`` giving both ``package`` and ``package.name`` and relative imports resolved
    against ``importer`` (a dotted module name)."""
    found = []
    package = importer.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - (node.level - 1)])
                base = f"{anchor}.{base}" if base else anchor
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def forbidden(module: str) -> bool:
    """A test module or a conftest of this suite."""
    last = module.rsplit(".", 1)[-1]
    return module.split(".")[0] == "tests" and (last.startswith("test_") or last == "conftest")


def offending_imports(path: Path) -> list[str]:
    name = module_name(path)
    return [
        f"{path.relative_to(ROOT)}:{line}: imports {module}"
        for line, module in imported_modules(path.read_text(encoding="utf-8"), name)
        if forbidden(module) and module != name
    ]


def test_the_import_reader_sees_every_way_of_importing():
    importer = "tests.participation.test_views_twin"
    assert (
        forbidden("tests.participation.test_views") and forbidden("tests.e2e.conftest") and forbidden("tests.conftest")
    )
    assert not forbidden("tests.support.pages") and not forbidden("participation.test_helpers_of_the_app")
    cases = {
        "from tests.participation.test_views import browser": "tests.participation.test_views",
        "import tests.participation.test_api": "tests.participation.test_api",
        "from tests.e2e.conftest import outside_event_loop": "tests.e2e.conftest",
        "from tests.e2e import conftest": "tests.e2e.conftest",
        "from tests import conftest": "tests.conftest",
        "from .test_views import comment_form": "tests.participation.test_views",
        "from ..conftest import require": "tests.conftest",
        "def helper():\n    from tests.participation.test_api import API\n": "tests.participation.test_api",
    }
    for source, module in cases.items():
        assert module in {found for _, found in imported_modules(source, importer)}, source
    assert not [m for _, m in imported_modules("from tests.support import pages, twin_files", importer) if forbidden(m)]


def test_no_test_module_imports_another_test_module_or_a_conftest():
    modules = sorted(TESTS.rglob("test_*.py"))
    assert len(modules) > 40 and TESTS / "participation" / "test_views.py" in modules
    problems = [problem for path in modules for problem in offending_imports(path)]
    assert problems == [], "move what is shared into tests/support/ (helpers) or a conftest (fixtures):\n" + "\n".join(
        problems
    )


def test_helpers_and_conftests_import_no_test_module_or_conftest_either():
    others = [path for path in TESTS.rglob("*.py") if not path.name.startswith("test_")]
    problems = [problem for path in others for problem in offending_imports(path)]
    assert problems == [], "\n".join(problems)


def test_shared_helpers_live_in_tests_support():
    """Besides test modules, conftests and package markers, a tests folder holds nothing: helpers go to
    tests/support/, under names that say what they help with."""
    strays = sorted(
        str(path.relative_to(ROOT))
        for path in TESTS.rglob("*.py")
        if not path.name.startswith("test_")
        and path.name not in {"conftest.py", "__init__.py"}
        and TESTS / "support" not in path.parents
    )
    assert strays == []
