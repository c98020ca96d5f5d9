"""The environment variables the settings read, found in forum/settings.py's source: the operators' contract,
which README's configuration table and deploy/env.example both list in full."""

import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

from tests.support.server import database_url

ROOT = Path(__file__).resolve().parents[2]


def settings_variables() -> set[str]:
    """Every NAME of ``os.environ.get("NAME")``, ``env_bool/env_list("NAME")``, ``"NAME" in os.environ``."""
    source = (ROOT / "forum" / "settings.py").read_text()
    read = set(re.findall(r"""(?:environ\.get|env_bool|env_list)\(\s*["']([A-Z_]+)["']""", source))
    read |= set(re.findall(r"""["']([A-Z_]+)["'] (?:not )?in os\.environ""", source))
    assert read, "the pattern found no variables: the settings changed shape"
    return read


def production_env(tmp_path: Path, **overrides) -> dict:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECURE_SSL_REDIRECT"}}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": database_url(),
            "VAR_DIR": str(tmp_path / "var"),
            **overrides,
        }
    )
    return env


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
