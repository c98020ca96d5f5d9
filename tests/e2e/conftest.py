"""Fixtures of the browser tests.

One real uvicorn server (tests.support.server.ServerProcess) serves the test
database for the whole run; every test gets a fresh demo site (seeded once per
run and put back for each test: tests.support.demo_state; ``django_db(transaction=True)``,
so the server sees the committed data) and a fresh browser context of Debian's
chromium driven by Playwright's sync API.

Playwright's sync API keeps an asyncio loop running in the test thread, so
Django refuses ORM calls there ("SynchronousOnlyOperation") unless
DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set only while a browser module runs,
and never reaches the server processes, which keep Django's check.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, expect, sync_playwright

from tests.support.browser import (
    CHROMIUM_ARGS,
    WEBGL_ARGS,
    BrowserSession,
    carry_test_database_state,
    close_session,
    open_session,
)
from tests.support.demo_state import Demo, DemoState
from tests.support.needs import require_chromium, require_maplibre
from tests.support.server import FRAME_INTERVAL, ROOT, SERVER_ENV, LiveServer, ServerProcess, new_channel_prefix

expect.set_options(timeout=5_000)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return require_chromium()


@pytest.fixture(scope="session")
def live_server_process(chromium_path, django_db_setup, tmp_path_factory) -> Iterator[LiveServer]:
    """The site as a citizen reaches it: uvicorn, DEBUG on, mail written to files."""
    mail_dir = tmp_path_factory.mktemp("e2e-mail")
    process = ServerProcess(mail_dir=mail_dir, channel_prefix=new_channel_prefix(), extra_env=SERVER_ENV)
    yield LiveServer(process=process, mail_dir=mail_dir)
    process.stop()


@pytest.fixture(scope="session")
def production_server(chromium_path, django_db_setup, tmp_path_factory) -> Iterator[LiveServer]:
    """The site with DEBUG off (collected, hashed static files): where the real 404 page is served."""
    base = tmp_path_factory.mktemp("e2e-production")
    mail_dir = base / "mail"
    mail_dir.mkdir()
    env = {
        **SERVER_ENV,
        "DEBUG": "0",
        # With DEBUG off the settings demand both (the server process sets them too; collectstatic needs them).
        "SECRET_KEY": settings.SECRET_KEY,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(base / "static"),
    }
    subprocess.run(
        # The public pages need only the site's own and Leaflet's files, not Wagtail's admin.
        [
            sys.executable,
            "manage.py",
            "collectstatic",
            "--no-input",
            "-v",
            "0",
            "-i",
            "wagtail*",
            "-i",
            "rest_framework",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        timeout=120,
    )
    process = ServerProcess(mail_dir=mail_dir, channel_prefix=new_channel_prefix(), extra_env=env)
    yield LiveServer(process=process, mail_dir=mail_dir)
    process.stop()


@pytest.fixture(scope="module")
def tiled_server(chromium_path, django_db_setup, tmp_path_factory) -> Iterator[LiveServer]:
    """The site with a tile server set (MAP_TILE_URL): the site's own favicon for every tile, served by the
    site itself, as a city's tiles would lie under the twin."""
    mail_dir = tmp_path_factory.mktemp("e2e-tiles")
    env = {**SERVER_ENV, "MAP_TILE_URL": "/static/favicon.png?z={z}&x={x}&y={y}", "MAP_TILE_ATTRIBUTION": "Test tiles"}
    process = ServerProcess(mail_dir=mail_dir, channel_prefix=new_channel_prefix(), extra_env=env)
    yield LiveServer(process=process, mail_dir=mail_dir)
    process.stop()


@pytest.fixture(scope="module")
def embedded_server(chromium_path, django_db_setup, tmp_path_factory) -> Iterator[LiveServer]:
    """The site as the embedded default runs it (no Redis: a job runs on a thread of the server), with a media
    folder of its own: an export started in the browser is written by the server itself."""
    mail_dir = tmp_path_factory.mktemp("e2e-export-mail")
    env = {**SERVER_ENV, "REDIS_URL": "", "MEDIA_ROOT": str(tmp_path_factory.mktemp("e2e-export-media"))}
    process = ServerProcess(mail_dir=mail_dir, channel_prefix=new_channel_prefix(), extra_env=env)
    yield LiveServer(process=process, mail_dir=mail_dir)
    process.stop()


@pytest.fixture(scope="module")
def _orm_beside_playwright() -> Iterator[None]:
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(request, chromium_path, live_server_process, _orm_beside_playwright) -> Iterator[Browser]:
    # A module that draws the 3D twin says WEBGL = True: its chromium gets WebGL on SwiftShader.
    webgl = getattr(request.module, "WEBGL", False)
    if webgl:
        require_maplibre()
    before = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        carry_test_database_state(before)
        # launch() gives every run a fresh, temporary user data dir.
        args = WEBGL_ARGS if webgl else CHROMIUM_ARGS
        browser = playwright.chromium.launch(executable_path=chromium_path, args=args, timeout=30_000)
        yield browser
        browser.close()
        connections.close_all()  # the ones opened inside Playwright's context; a left-open one blocks DROP DATABASE


@pytest.fixture(scope="session")
def demo_state(tmp_path_factory) -> DemoState:
    return DemoState(tmp_path_factory.mktemp("demo-seed"))


@pytest.fixture
def demo(transactional_db, demo_state, tmp_path) -> Iterator[Demo]:
    """The demo site, fresh for every test: seeded once per run, then put back as seed_demo left it
    (tests.support.demo_state), with its files in the test's folder (VAR_DIR)."""
    yield demo_state.fresh(var_dir=tmp_path)
    # A write at a test's end is followed by a live frame that the server reads in one transaction over
    # several tables (participation.live.frames.consistent_read); the flush after the test truncates
    # those tables and could deadlock with that read. The trailing frame goes first.
    time.sleep(2 * FRAME_INTERVAL + 0.1)


@pytest.fixture
def ui_language() -> str:
    """The language the browser asks for; tests name their buttons in English. Parametrize to change."""
    return "en"


@pytest.fixture
def browser_session(request, browser, live_server_process, demo, ui_language) -> Iterator[BrowserSession]:
    session = open_session(browser, live_server_process.url, language=ui_language)
    yield session
    failed = getattr(request.node, "e2e_failed", False)
    if failed:
        print(f"server log ({live_server_process.process.log}):\n{live_server_process.log_tail()}")
    close_session(session, failed_test=request.node.name if failed else None)


@pytest.fixture
def context(browser_session) -> BrowserContext:
    return browser_session.context


@pytest.fixture
def log_in(context, live_server_process):
    """Log a user in to the browser context: the session is made in the database, as a login would."""

    def log_in(user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server_process.url}])

    return log_in
