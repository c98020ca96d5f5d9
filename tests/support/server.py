"""Real ASGI server processes for end-to-end tests: uvicorn on a free port,
on the test run's own database (tests using them must be transactional),
and the clients that talk to them: a kiosk WebSocket and a logged-in citizen
voting over HTTP. All traffic stays on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen
from weakref import WeakSet

from django.conf import settings
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
# LIVE_FRAME_INTERVAL of the servers the live tests start (tests/forum/conftest.py: start_server), in seconds.
FRAME_INTERVAL = 0.2
# The last line of a traceback the server logged: the exception and its message.
EXCEPTION_LINE = re.compile(r"^[\w.]+(Error|Exception)\b.*:")
# The exceptions a server may log while its Redis is gone (the channel layer's receiving task logs them).
REDIS_OUTAGE_ERRORS = re.compile(
    r"^(redis\.exceptions\.ConnectionError|ConnectionRefusedError|ConnectionResetError|OSError):"
)


# What test servers run: the site's application and the address that makes a server forget what it keeps between
# requests (tests.support.served); the token that address asks for, one per test run.
SERVED_APP = "tests.support.served:application"
FORGET_PATH = "/__tests__/forget/"
FORGET_TOKEN = secrets.token_urlsafe(16)
# The servers of this test run that are up (forget_everything asks each of them).
RUNNING: WeakSet[ServerProcess] = WeakSet()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen, log_file) -> None:
    """Ends a server this test run started (terminate, then kill after 10 s) and closes its log."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    if not log_file.closed:
        log_file.close()


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class ServerProcess:
    """One uvicorn process serving forum.asgi on 127.0.0.1.

    ``extra_env`` overrides the environment, e.g. ``{"REDIS_URL": ""}`` for the
    in-memory channel layer even when the test run has Redis.
    """

    def __init__(self, *, mail_dir: Path, channel_prefix: str, extra_env: dict | None = None):
        self.port = free_port()
        self.channel_prefix = channel_prefix
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        mail_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "DEBUG": "1",
            "SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": database_url(),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "CHANNEL_LAYER_PREFIX": channel_prefix,
            # Mails and QR codes name the address the site is served on, as `make run` sets it.
            "BASE_URL": self.url,
            "LOG_LEVEL": "WARNING",
            "TEST_SERVER_FORGET_TOKEN": FORGET_TOKEN,  # only this run may make its servers forget
            **(extra_env or {}),
        }
        self.log = mail_dir.parent / f"server-{self.port}.log"
        self._log_file = self.log.open("w")
        # uvicorn[standard] brings httptools and uvloop: the loop a production server runs.
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                SERVED_APP,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--ws",
                "websockets-sansio",
                "--no-access-log",
                "--no-proxy-headers",  # as deploy/bin/asgi: the client's address is Django's (TRUSTED_PROXIES)
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        RUNNING.add(self)

    def _wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                with urlopen(f"{self.url}/healthz", timeout=2):
                    return
            except HTTPError:
                return  # it answers; an unhealthy report is the test's business
            except (URLError, ConnectionError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"server did not start in {timeout}s: {self.log.read_text()}")

    def stop(self) -> None:
        RUNNING.discard(self)
        stop_process(self.process, self._log_file)

    def forget(self) -> None:
        """Has the server forget what it keeps between requests (its cache, live revisions, rate counts), as
        a fresh one would know nothing: after the database was put back to a state it may have seen changed."""
        if self.process.poll() is not None:
            return  # stopped or killed by its test: it keeps nothing
        request = Request(self.url + FORGET_PATH, method="POST", headers={"X-Forget-Token": FORGET_TOKEN})
        with urlopen(request, timeout=30) as response:
            assert response.status == 204, f"{self.url} did not forget: {response.status}"

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def failures_besides(self, expected: re.Pattern) -> list[str]:
        """The exceptions the server logged (after ``stop``: all of them) that ``expected`` does not match:
        during an outage, the ones the outage causes are expected, any other is a bug."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if EXCEPTION_LINE.match(line) and not expected.match(line)]

    def errors(self) -> list[str]:
        """Tracebacks and errors the server logged (after ``stop``: all of them)."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if line.startswith(("Traceback", "ERROR")) or " ERROR " in line]


class ServerPool:
    """Servers of one test: started on demand, all stopped at the end, and
    checked for errors they logged (a frame that failed is a bug even when a
    later one healed the screen)."""

    def __init__(self, directory: Path, **extra_env: str):
        self.directory = directory
        self.extra_env = extra_env
        self.servers: list[ServerProcess] = []

    def start(self, *, prefix: str, redis: bool, **extra_env: str) -> ServerProcess:
        """A server on the run's database; with ``redis=False`` on the in-memory layer even if the run has Redis."""
        env = {**self.extra_env, **extra_env}
        if not redis:
            env["REDIS_URL"] = ""
        server = ServerProcess(
            mail_dir=self.directory / f"mail-{len(self.servers)}", channel_prefix=prefix, extra_env=env
        )
        self.servers.append(server)
        return server

    def stop_all(self) -> list[str]:
        """Stops every server; returns what they logged as errors."""
        for server in self.servers:
            server.stop()
        return [f"{server.log.name}: {line}" for server in self.servers for line in server.errors()]


def forget_everything() -> None:
    """Every running server forgets what it keeps between requests (ServerProcess.forget)."""
    for server in list(RUNNING):
        server.forget()


def new_channel_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


# --- Clients -------------------------------------------------------------------------


class LiveSocket:
    """A live WebSocket of the room: records every frame of the ``kinds`` asked for with the time it arrived.

    A reader thread receives while the test does other things; ``wait_for``
    blocks until a frame matching a condition has arrived, or fails. Frames
    of other kinds (heartbeats, the other group's frames) go to ``others``.
    """

    def __init__(
        self,
        server: ServerProcess,
        path: str,
        *,
        cookies: dict[str, str] | None = None,
        kinds: tuple[str, ...] = ("results",),
        timeout: float = 5,
    ):
        from websockets.sync.client import connect

        self.kinds = kinds
        self.frames: list[tuple[float, dict]] = []  # (time.monotonic(), frame)
        self.others: list[tuple[float, dict]] = []
        self.pongs = 0
        self.closed = False
        self.close_code: int | None = None
        self._changed = threading.Condition()
        self._exit = contextlib.ExitStack()
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else None
        self.socket = self._exit.enter_context(
            connect(
                f"{server.ws_url}{path}",
                origin=server.url,  # what a browser on the page sends
                additional_headers=headers,
                open_timeout=timeout,
                close_timeout=2,
                compression=None,
            )
        )
        self._reader = threading.Thread(target=self._read, name=f"socket-{path}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            for message in self.socket:
                now = time.monotonic()
                with self._changed:
                    if message == "pong":
                        self.pongs += 1
                    else:
                        frame = json.loads(message)
                        (self.frames if frame.get("type") in self.kinds else self.others).append((now, frame))
                    self._changed.notify_all()
        except ConnectionClosed as closed:
            self.close_code = closed.rcvd.code if closed.rcvd else None
        finally:
            with self._changed:
                self.closed = True
                self._changed.notify_all()

    def ping(self, timeout: float = 5) -> None:
        """A ping round trip: the socket is up and its consumer is in its group."""
        with self._changed:
            expected = self.pongs + 1
        self.socket.send("ping")
        with self._changed:
            if not self._changed.wait_for(lambda: self.pongs >= expected or self.closed, timeout):
                raise AssertionError(f"no pong within {timeout}s")
            assert not self.closed, f"the socket closed ({self.close_code})"

    def wait_for(self, condition, timeout: float = 5, *, others: bool = False) -> tuple[float, dict]:
        """The first frame with ``condition(frame)``, and when it arrived (among ``others`` if asked)."""

        def found():
            frames = self.others if others else self.frames
            return next(((at, frame) for at, frame in frames if condition(frame)), None)

        with self._changed:
            self._changed.wait_for(lambda: found() is not None or self.closed, timeout)
            match = found()
        if match is None:
            raise AssertionError(f"no such frame within {timeout}s; got {[f for _, f in self.frames]}")
        return match

    def wait_closed(self, timeout: float = 5) -> int | None:
        """The close code the server sent, once the socket is closed."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.closed, timeout):
                raise AssertionError(f"the socket is still open after {timeout}s")
        return self.close_code

    def close(self) -> None:
        self._exit.close()
        self._reader.join(timeout=5)


class KioskSocket(LiveSocket):
    """A kiosk screen's socket, opened with the screen's token as its page would (a cookie)."""

    def __init__(self, server: ServerProcess, slug: str = "foyer", *, token: str, **options):
        super().__init__(server, f"/ws/kiosk/{slug}/", cookies={"bf_socket_token": token}, **options)


class PhoneSocket(LiveSocket):
    """A phone's read-only socket on a room, as the phone page opens it."""

    def __init__(self, server: ServerProcess, code: str, **options):
        options.setdefault("kinds", ("room",))
        super().__init__(server, f"/ws/live/{code}/", **options)


def totals_of(frame: dict, proposal_id: int) -> dict:
    """A proposal's totals in a results frame, or in a kiosk snapshot (which carries the results frame)."""
    results = frame["results"] if frame.get("type") == "kiosk" else frame
    return next(p["totals"] for p in results["proposals"] if p["id"] == proposal_id)


def session_cookie(user) -> str:
    """A session of ``user`` in the test database, as a browser would hold it after logging in."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def csrf_cookie(server: ServerProcess, path: str = "/accounts/login/") -> str:
    """The CSRF cookie a browser gets on its first page."""
    with urlopen(f"{server.url}{path}", timeout=10) as response:
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    return cookies[settings.CSRF_COOKIE_NAME].value


class VoteResult:
    def __init__(self, status: int, body: dict, sent_at: float, answered_at: float):
        self.status = status
        self.body = body
        self.sent_at = sent_at
        self.answered_at = answered_at


def post_json(
    url: str, body: dict, *, cookies: dict[str, str], origin: str, headers: dict[str, str] | None = None
) -> VoteResult:
    """A JSON POST as the site's scripts send it (cookies, CSRF token, origin), timed; ``headers`` adds more
    (e.g. a proxy's X-Forwarded-For)."""
    request = Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            "X-CSRFToken": cookies[settings.CSRF_COOKIE_NAME],
            "Origin": origin,
            "Referer": f"{origin}/",
            **(headers or {}),
        },
    )
    sent_at = time.monotonic()
    try:
        with urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except HTTPError as error:
        status, raw = error.code, error.read()
    answered_at = time.monotonic()
    try:
        body = json.loads(raw)
    except ValueError:
        body = {"raw": raw[:500].decode(errors="replace")}
    return VoteResult(status, body, sent_at, answered_at)


def vote(server: ServerProcess, *, session: str, csrf: str, proposal_id: int, choice: str) -> VoteResult:
    """POST /api/v1/proposals/{id}/vote/ like the site's own script does."""
    cookies = {settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: csrf}
    return post_json(
        f"{server.url}/api/v1/proposals/{proposal_id}/vote/", {"choice": choice}, cookies=cookies, origin=server.url
    )


class Phone:
    """A phone in the room over HTTP: it opens the room's page (device and CSRF cookies), then votes
    through the rooms API as the page's script does."""

    def __init__(self, server: ServerProcess, code: str):
        self.server = server
        self.code = code
        self.cookies: dict[str, str] = {}

    def join(self) -> None:
        with urlopen(f"{self.server.url}/live/{self.code}/", timeout=30) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        assert "bf_device" in self.cookies and settings.CSRF_COOKIE_NAME in self.cookies, self.cookies

    def vote(self, body: dict) -> VoteResult:
        url = f"{self.server.url}/api/v1/rooms/{self.code}/vote/"
        return post_json(url, body, cookies=self.cookies, origin=self.server.url)


class RedisProcess:
    """A redis-server of a test's own, on a free port and keeping nothing on disk: one the test may stop
    and start again (an outage) without touching the Redis other tests share."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


# Browser tests' servers (tests/e2e/) never inherit the test process' permission to call the ORM from a running
# event loop. Changes the tests write themselves (a presenter's action, from this process) reach the server's
# sockets through its heartbeat, as a change from another process would: a short one keeps tests quick.
SERVER_ENV = {"DJANGO_ALLOW_ASYNC_UNSAFE": "", "LIVE_HEARTBEAT_INTERVAL": "0.5"}


@dataclass
class LiveServer:
    """A server of the browser tests, with the folder its mails are written to."""

    process: ServerProcess
    mail_dir: Path

    @property
    def url(self) -> str:
        return self.process.url

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.process.log.read_text(errors="replace").splitlines()[-lines:])
