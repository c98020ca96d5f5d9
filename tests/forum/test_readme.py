"""The README's configuration table is the operators' contract: it names every variable the settings read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_documented():
    settings_source = (ROOT / "forum" / "settings.py").read_text()
    read = set(re.findall(r"""(?:environ\.get|env_bool|env_list)\(\s*["']([A-Z_]+)["']""", settings_source))
    read |= set(re.findall(r"""["']([A-Z_]+)["'] (?:not )?in os\.environ""", settings_source))
    readme = (ROOT / "README.md").read_text()

    assert read, "the pattern found no variables: the settings changed shape"
    missing = sorted(name for name in read if f"`{name}`" not in readme)
    assert missing == [], f"README lacks: {missing}"


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
