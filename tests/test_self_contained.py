"""The repository is self-contained: a city that clones it has every file the demo and the tests read.

Nothing tracked reads the team's data folder beside its own checkouts, or any other folder beside
the clone; the real city-model files live under ``data/`` and ``data/SOURCES.md`` names each one
with its origin, licence and checksum."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "data" / "SOURCES.md"
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()

# Files that could point somewhere: code, build and CI scripts, tool configuration. (Markdown may tell
# the history; the README is checked on its own below.)
CHECKED_SUFFIXES = {".py", ".toml", ".cfg", ".ini", ".sh", ".yml", ".yaml"}
CHECKED_NAMES = {"Makefile", ".ci/run", "package.json", "manage.py"}
SKIPPED_DIRS = {".git", ".venv", "node_modules", "var", "__pycache__", ".pytest_cache", ".ruff_cache"}

# A folder beside the repository, spelt in any of the ways the code used to or could.
ANYWHERE = [
    re.compile(r"shared/data"),
    re.compile(r"""["']shared["']"""),
    re.compile(r"""\.\.[/\\]shared"""),
    re.compile(r"""parents\[\d+\]\s*/\s*["']shared"""),
]
IN_PYTHON = [
    re.compile(r"""["']\.\.[/\\][A-Za-z_.]"""),  # "../something" (not an OGC interval's "../2025-05-01")
    re.compile(r"""/\s*["']\.\.["']"""),  # path / ".."
    re.compile(r"""os\.path\.\w+\([^)]*["']\.\.["']"""),  # os.path.join(x, "..")
    re.compile(r"""\b[A-Z_]*(?:ROOT|BASE_DIR|REPO)[A-Z_]*\.parents?\b"""),  # the root's parent
]
# The folder beside our own checkouts, spelt so that this file itself does not read like such code.
BESIDE = "sha" + "red"

IN_SCRIPTS = [re.compile(r"\.\./")]  # Makefile, .ci/run: they run in the repository's root
FILE_PATH_UP = re.compile(r"Path\(__file__\)(?:\.resolve\(\)|\.absolute\(\))?(\.parents\[(\d+)\]|(?:\.parent\b)+)")


def tracked_files() -> list[str]:
    """What a clone has: git's list when this is a checkout, else the tree without local state."""
    done = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if done.returncode == 0 and done.stdout:
        return [name for name in done.stdout.decode().split("\0") if name]
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        found += [(Path(folder) / name).relative_to(ROOT).as_posix() for name in files]
    return found


def checked(name: str) -> bool:
    return name in CHECKED_NAMES or Path(name).suffix in CHECKED_SUFFIXES or name.endswith("/Makefile")


def levels_above_root(name: str, line: str) -> list[int]:
    """For each ``Path(__file__)...parent(s)`` in ``line``: how far above the repository's root it
    points (0 or less: inside the repository)."""
    depth = len(Path(name).parts) - 1  # folders between the root and the file
    found = []
    for match in FILE_PATH_UP.finditer(line):
        levels = int(match[2]) + 1 if match[2] is not None else match[1].count(".parent")
        found.append(levels - (depth + 1))
    return found


def outside_references(name: str, text: str) -> list[str]:
    patterns = list(ANYWHERE)
    if name.endswith(".py"):
        patterns += IN_PYTHON
    elif not name.endswith((".toml", ".cfg", ".ini", ".json", ".yml", ".yaml")):
        patterns += IN_SCRIPTS
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        hits = [pattern.pattern for pattern in patterns if pattern.search(line)]
        if name.endswith(".py") and any(above > 0 for above in levels_above_root(name, line)):
            hits.append("Path(__file__) above the repository")
        if hits:
            problems.append(f"{name}:{number}: {line.strip()}  ({', '.join(hits)})")
    return problems


def test_the_checks_see_the_ways_a_folder_beside_the_clone_was_read():
    """The patterns catch what the code once did, and leave alone what it does now."""
    old = [
        f'TWIN_DEMO_FILE = os.environ.get("TWIN_DEMO_FILE", str(BASE_DIR.parent / "{BESIDE}" / "data"))',
        f'SHARED = Path(__file__).resolve().parents[4] / "{BESIDE}" / "data" / "twin"',
        'TUM = Path(__file__).resolve().parents[4] / "data" / "twin" / "tum.gml"',
        'DATA = Path(__file__).parent.parent.parent.parent.parent / "data"',
        f'open("../{BESIDE}/data/twin/delft.city.json")',
        'os.path.join(ROOT, "..", "data")',
        'DATA = ROOT / ".." / "data"',
        'DATA = ROOT.parent / "data"',
    ]
    for line in old:
        assert outside_references("tests/participation/twin/test_real_files.py", line), line
    assert outside_references("Makefile", f"DATA ?= ../{BESIDE}/data")
    now = [
        'DATA = Path(__file__).resolve().parents[3] / "data" / "twin"',
        'DATA = Path(__file__).parent.parent.parent.parent / "data"',
        "BASE_DIR = Path(__file__).resolve().parent.parent",
        'assert texts("../2025-05-01T12:00:00Z") == {"May 1"}',
        'start = None if start_text in ("", "..") else _moment(start_text, end_of_day=False)',
    ]
    for line in now:
        assert not outside_references("tests/participation/twin/test_real_files.py", line), line
    assert not outside_references(".ci/run", 'cd "$(dirname "$0")/.."')


def test_nothing_tracked_reads_a_folder_beside_the_repository():
    names = [name for name in tracked_files() if checked(name) and name != THIS]
    assert "forum/settings.py" in names and "Makefile" in names and ".ci/run" in names, names
    problems = []
    for name in names:
        path = ROOT / name
        if path.is_file():
            problems += outside_references(name, path.read_text(encoding="utf-8", errors="replace"))
    assert problems == [], "reads outside the repository:\n" + "\n".join(problems)


def source_rows() -> dict[str, dict[str, str]]:
    """The table of data/SOURCES.md: file (relative to data/) -> its columns."""
    lines = [line for line in SOURCES.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == len(header), line
        row = dict(zip(header, cells, strict=True))
        rows[row["file"].strip("`")] = row
    return rows


def test_every_data_file_listed_in_sources_is_there_unchanged():
    rows = source_rows()
    assert set(rows) >= {"twin/delft.city.json", "twin/DEBY_LOD2_4959457_TUM.gml", "twin/garching-streets.geojson"}
    for name, row in rows.items():
        path = ROOT / "data" / name
        assert path.is_file(), f"data/SOURCES.md lists data/{name}, which is missing"
        for column in ["origin", "format / CRS", "content", "licence"]:
            assert row[column], f"data/{name}: no {column} in data/SOURCES.md"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert row["SHA-256"].strip("`") == digest, f"data/{name} differs from the published file"


def test_every_data_file_is_listed_in_sources_and_tracked():
    listed = set(source_rows())
    present = {
        path.relative_to(ROOT / "data").as_posix()
        for path in (ROOT / "data").rglob("*")
        if path.is_file() and path != SOURCES
    }
    assert present == listed, "every file under data/ needs a row in data/SOURCES.md"
    tracked = set(tracked_files())
    assert {f"data/{name}" for name in listed} <= tracked, "the data files are committed, not local"


def test_git_leaves_the_data_files_as_they_are():
    """No line-end conversion (the CityGML has CRLF): a clone gets the very bytes."""
    done = subprocess.run(
        ["git", "check-attr", "text", "--", *(f"data/{name}" for name in source_rows())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:  # not a git checkout (an unpacked archive): nothing converts
        return
    assert all(line.endswith(": text: unset") for line in done.stdout.splitlines()), done.stdout


def test_the_demo_reads_the_repositorys_delft_model_by_default():
    env = {key: value for key, value in os.environ.items() if key != "TWIN_DEMO_FILE"}
    done = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.TWIN_DEMO_FILE)"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "forum.settings", "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(done.stdout.strip()) == ROOT / "data" / "twin" / "delft.city.json"
    assert "twin/delft.city.json" in source_rows()


def test_the_readme_describes_the_repositorys_copies():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"../{BESIDE}" not in readme
    assert "`data/twin/`" in readme and "`data/SOURCES.md`" in readme
    row = next(line for line in readme.splitlines() if line.startswith("| `TWIN_DEMO_FILE`"))
    assert "`data/twin/delft.city.json`" in row
