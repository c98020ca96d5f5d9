"""The environment variables the settings read, found in forum/settings.py's source: the operators' contract,
which README's configuration table and deploy/env.example both list in full."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def settings_variables() -> set[str]:
    """Every NAME of ``os.environ.get("NAME")``, ``env_bool/env_list("NAME")``, ``"NAME" in os.environ``."""
    source = (ROOT / "forum" / "settings.py").read_text()
    read = set(re.findall(r"""(?:environ\.get|env_bool|env_list)\(\s*["']([A-Z_]+)["']""", source))
    read |= set(re.findall(r"""["']([A-Z_]+)["'] (?:not )?in os\.environ""", source))
    assert read, "the pattern found no variables: the settings changed shape"
    return read
