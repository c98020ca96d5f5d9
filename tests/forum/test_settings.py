"""Production settings: Django's deployment checks pass with the environment operators set."""

import os
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.environment import manage, production_env
from tests.support.server import database_url

ROOT = Path(__file__).resolve().parents[2]


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


def env_example(tmp_path: Path) -> dict:
    """The environment deploy/env.example documents, its CHANGE lines filled in as an operator would."""
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECURE_SSL_REDIRECT"}}
    for line in (ROOT / "deploy" / "env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = " ".join(shlex.split(value))
    env.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url(),
            "VAR_DIR": str(tmp_path / "var"),
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    if "REDIS_URL" in os.environ:  # the test run's Redis, not the example's database 0
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    return env


@pytest.mark.django_db
def test_check_deploy_is_clean_with_the_environment_deploy_env_example_documents(tmp_path):
    env = env_example(tmp_path)
    assert env["DEBUG"] == "0" and env["BASE_URL"].startswith("https://")

    result = manage(env, "check", "--deploy", "--fail-level", "DEBUG")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout  # no warning, none silenced


# --- production refuses to start without a secret key or with mails to the console ---------------------------


def without(env: dict, *names: str) -> dict:
    return {key: value for key, value in env.items() if key not in names}


@pytest.mark.parametrize(
    ("missing", "message"),
    [("SECRET_KEY", "SECRET_KEY is not set"), ("EMAIL_BACKEND", "EMAIL_BACKEND is the console backend")],
)
def test_production_refuses_to_start_without_a_secret_key_or_with_the_console_mail_backend(tmp_path, missing, message):
    env = without(production_env(tmp_path), missing)

    result = manage(env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()  # nothing generated silently

    env["EMAIL_BACKEND" if missing == "EMAIL_BACKEND" else "SECRET_KEY"] = (
        "django.core.mail.backends.console.EmailBackend" if missing == "EMAIL_BACKEND" else ""
    )
    assert message in manage(env, "check").stderr  # set to the console backend, or empty: the same


def test_the_asgi_server_does_not_start_in_production_without_a_secret_key(tmp_path):
    env = without(production_env(tmp_path), "SECRET_KEY")
    server = subprocess.run(
        [sys.executable, "-m", "uvicorn", "forum.asgi:application", "--port", "0", "--no-proxy-headers"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert server.returncode != 0
    assert "SECRET_KEY is not set" in server.stderr


def test_on_a_laptop_a_secret_is_generated_and_mails_go_to_the_console(tmp_path):
    env = without(production_env(tmp_path, DEBUG="1", ALLOWED_HOSTS="127.0.0.1"), "SECRET_KEY", "EMAIL_BACKEND")

    result = manage(env, "shell", "-c", "from django.conf import settings as s; print(s.EMAIL_BACKEND)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.core.mail.backends.console.EmailBackend"
    assert (tmp_path / "var" / "secret_key").is_file()


# --- DEBUG on a public host: refused ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "setting",
    [
        {"ALLOWED_HOSTS": "forum.example.org"},
        {"ALLOWED_HOSTS": "*"},
        {"ALLOWED_HOSTS": ".example.org"},
        {"ALLOWED_HOSTS": "203.0.113.7,8.8.8.8"},
        {"ALLOWED_HOSTS": "127.0.0.1", "BASE_URL": "https://forum.example.org"},
        {"ALLOWED_HOSTS": "127.0.0.1", "CSRF_TRUSTED_ORIGINS": "https://forum.example.org"},
    ],
)
def test_debug_on_a_public_host_refuses_to_start(tmp_path, setting):
    result = manage(production_env(tmp_path, DEBUG="1", **setting), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG is on, but ALLOWED_HOSTS, BASE_URL or CSRF_TRUSTED_ORIGINS name a public host" in result.stderr
    assert "set DEBUG=0" in result.stderr


@pytest.mark.parametrize(
    "hosts",
    [
        "127.0.0.1,localhost",  # make run
        "0.0.0.0,192.168.1.20,10.0.0.5,[::1]",  # a demo on the room's Wi-Fi
        "buergerforum.local,forum.localhost,web,testserver",  # local names, a container's, Django's test client
    ],
)
def test_debug_on_a_laptop_or_a_local_network_starts(tmp_path, hosts):
    env = production_env(tmp_path, DEBUG="1", ALLOWED_HOSTS=hosts, BASE_URL="http://192.168.1.20:8000")

    result = manage(env, "check")

    assert result.returncode == 0, result.stderr
