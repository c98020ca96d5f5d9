"""The layout the README's architecture section promises: one root for first-party templates and static files,
each app's topics in packages, and the import contracts checked."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("forum", "participation", "cms")


@pytest.mark.parametrize("app", APPS)
def test_an_app_keeps_no_templates_or_static_files_of_its_own(app):
    # templates/<app>/ and static/<app>/ at the root only: a same-named file in an app folder
    # would silently shadow (or be shadowed by) the root's.
    assert not (ROOT / app / "templates").exists()
    assert not (ROOT / app / "static").exists()


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_its_folder_under_the_roots(app):
    assert (ROOT / "templates" / app).is_dir()


def test_the_import_contracts_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    if not linter.exists():
        pytest.skip("lint-imports is installed with requirements-dev.txt")
    result = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout
