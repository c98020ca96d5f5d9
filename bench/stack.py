"""What a city runs, started for one bench run: N ``deploy/bin/asgi`` processes behind Debian's nginx, in the
foreground, with a generated top-level config that includes deploy/nginx/buergerforum-locations.conf; and the
floor beside it, a bare ``websockets`` broadcast server (bench/floor.py). Everything stops when the ``with``
block ends, pass or fail, and the servers' logs are checked for tracebacks."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
ASGI = ROOT / "deploy" / "bin" / "asgi"
LOCATIONS = ROOT / "deploy" / "nginx" / "buergerforum-locations.conf"
# Enough descriptors for 2,000 sockets through nginx (client + upstream side) and the bench's own clients.
OPEN_FILES = 16384


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str | None:
    """Debian's nginx, as tests.support.needs.require_nginx finds it."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def raise_open_files() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(OPEN_FILES, hard) if hard != resource.RLIM_INFINITY else OPEN_FILES
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def server_env(
    *,
    workdir: Path,
    database_url: str | None,
    redis_url: str | None,
    static_root: Path,
    secret_key: str | None = None,
    debug: bool = False,
    **extra: str,
) -> dict[str, str]:
    """The environment of the ASGI processes (and of the bench process that seeds their database).

    ``database_url``/``redis_url`` None is the embedded default: SQLite under VAR_DIR, in-memory layer.
    """
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        {
            "DEBUG": "1" if debug else "0",
            "SECRET_KEY": secret_key or secrets.token_urlsafe(50),
            # With DEBUG off the settings refuse the console backend: the bench's mails go to files.
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(workdir / "mail"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: no redirect to HTTPS (nginx passes X-Forwarded-Proto http).
            "SECURE_SSL_REDIRECT": "0",
            "VAR_DIR": str(workdir / "var"),
            "STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
            "CHANNEL_LAYER_PREFIX": f"bench-{secrets.token_hex(4)}",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            # The room's flood ceiling (6000/m, shipped) would cap the ingestion steps, not the server:
            # the bench measures what the server sustains.
            "RATELIMIT_ROOM": "1000000/m",
            "VENV": sys.prefix,  # the virtualenv the bench runs in
            "PYTHONUNBUFFERED": "1",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def collect_static(env: dict[str, str]) -> None:
    """collectstatic into STATIC_ROOT: with DEBUG off, pages need the manifest of the static files."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def _wait_for_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urlopen(url, timeout=2):
                return
        except HTTPError:
            return  # it answers
        except (URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in {timeout}s: {log.read_text(errors='replace')[-3000:]}")


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Process:
    """A child process with its output in a log file."""

    def __init__(self, args: list[str], *, log: Path, env: dict[str, str] | None = None, cwd: Path = ROOT):
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(args, cwd=cwd, env=env, stdout=self._log_file, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, sig: int = signal.SIGTERM) -> None:
        _stop(self.process, sig)
        if not self._log_file.closed:
            self._log_file.close()

    def errors(self) -> list[str]:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return [line for line in lines if line.startswith(("Traceback", "ERROR")) or " ERROR " in line]


def nginx_config(*, prefix: Path, port: int, upstream_ports: list[int], static_root: str, media_root: str) -> str:
    """The top-level config: the http block the locations file asks for, one loopback server including it."""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstream_ports)
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / 'tmp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers need the temp folders of this prefix
    return f"""# Generated by bench/stack.py for one run.
{user}worker_processes auto;
worker_rlimit_nofile {OPEN_FILES};
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections {OPEN_FILES // 2}; }}
http {{
    access_log off;
{temp}
    map $http_upgrade $buergerforum_connection {{
        default upgrade;
        ""      "";
    }}
    map "" $buergerforum_static_root {{ default {static_root}; }}
    map "" $buergerforum_media_root {{ default {media_root}; }}
    upstream buergerforum_asgi {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        include {LOCATIONS};
    }}
}}
"""


class Stack:
    """``processes`` ASGI processes (deploy/bin/asgi) behind nginx on a free loopback port."""

    def __init__(self, *, env: dict[str, str], processes: int, workdir: Path):
        self.env = env
        self.processes = processes
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.asgi: list[Process] = []
        self.nginx: Process | None = None

    def __enter__(self) -> Stack:
        raise_open_files()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _start(self) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx not found: apt-get install nginx-light (Debian's nginx; only its binary is used)")
        env = {**self.env, "CSRF_TRUSTED_ORIGINS": self.url}
        self.env = env
        logs = self.workdir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        ports = [free_port() for _ in range(self.processes)]
        for port in ports:
            self.asgi.append(Process([str(ASGI), str(port)], log=logs / f"asgi-{port}.log", env=env))
        for port, process in zip(ports, self.asgi, strict=True):
            _wait_for_http(f"http://127.0.0.1:{port}/healthz", process.process, process.log)
        prefix = self.workdir / "nginx"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / "tmp" / kind).mkdir(parents=True, exist_ok=True)
        config = prefix / "nginx.conf"
        config.write_text(
            nginx_config(
                prefix=prefix,
                port=self.port,
                upstream_ports=ports,
                static_root=env["STATIC_ROOT"],
                media_root=env["MEDIA_ROOT"],
            )
        )
        self.nginx = Process(
            [nginx_binary(), "-g", "daemon off;", "-p", str(prefix), "-c", str(config)],
            log=logs / "nginx.log",
        )
        _wait_for_http(f"{self.url}/healthz", self.nginx.process, self.nginx.log)

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.asgi]

    def rss_kib(self) -> int:
        """Resident memory of the ASGI processes together."""
        return sum(rss_kib(pid) for pid in self.pids)

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop(signal.SIGQUIT)  # graceful: lets the workers finish
        for process in self.asgi:
            process.stop()

    def errors(self) -> list[str]:
        """What the servers logged as errors (tracebacks included); nginx's error log at "error" and worse."""
        found = [f"{p.log.name}: {line}" for p in self.asgi for line in p.errors()]
        error_log = self.workdir / "nginx" / "error.log"
        if error_log.exists():
            found += [
                f"nginx: {line}"
                for line in error_log.read_text(errors="replace").splitlines()
                if any(f"[{level}]" in line for level in ("error", "crit", "alert", "emerg"))
            ]
        return found


class Floor:
    """The bare broadcast server of bench/floor.py on a free port, in its own process."""

    def __init__(self, workdir: Path, *, frame_bytes: int = 2000):
        self.workdir = workdir
        self.frame_bytes = frame_bytes
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}"
        self.process: Process | None = None

    def __enter__(self) -> Floor:
        raise_open_files()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = Process(
            [sys.executable, "-m", "bench.floor", str(self.port), str(self.frame_bytes)],
            log=self.workdir / f"floor-{self.port}.log",
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.process.poll() is not None:
                raise RuntimeError(f"floor server exited: {self.process.log.read_text()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return self
            time.sleep(0.05)
        self.process.stop()
        raise RuntimeError("floor server did not start")

    def __exit__(self, *exc_info) -> None:
        if self.process is not None:
            self.process.stop()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid
