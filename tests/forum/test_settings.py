"""Production settings: Django's deployment checks pass with the environment operators set."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import database_url

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path, **overrides) -> dict:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECURE_SSL_REDIRECT"}}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
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


@pytest.mark.django_db
def test_check_deploy_passes_without_warnings_in_production(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_passes_on_the_embedded_database_too(tmp_path):
    env = production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env.pop("REDIS_URL", None)

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_catches_a_weak_secret_key(tmp_path):
    result = manage(production_env(tmp_path, SECRET_KEY="too-short"), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_settings_are_secure(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS > 0, s.X_FRAME_OPTIONS, s.ALLOWED_HOSTS)"
    )
    result = manage(production_env(tmp_path), "shell", "-c", code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False True True True True DENY ['example.org']"


def test_the_default_language_is_german(settings):
    assert settings.LANGUAGE_CODE == "de"
    assert [code for code, _name in settings.LANGUAGES] == ["de", "en"]


def test_staff_choose_among_time_zones_browsers_know():
    from django.conf import settings

    zones = settings.WAGTAIL_USER_TIME_ZONES
    assert "Europe/Berlin" in zones and "UTC" in zones
    assert "localtime" not in zones and "Factory" not in zones
