"""nginx in front of test servers, as deploy/ ships it: the bench's generated top-level config
(bench/stack.py) with deploy/nginx/buergerforum-locations.conf included, shared with the fault tests as
synthetic_twin shares the bench's tile. ``route_to`` changes the upstreams with a graceful reload, as an
operator does: connections open keep their server, new ones go to the new list."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

from bench.stack import Process, free_port, nginx_binary, nginx_config


class Proxy:
    def __init__(self, directory: Path, *, upstream_ports: list[int], static_root: Path, media_root: Path):
        self.prefix = directory / "nginx"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.prefix / "tmp" / kind).mkdir(parents=True, exist_ok=True)
        self.config = self.prefix / "nginx.conf"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.static_root, self.media_root = static_root, media_root
        self._write(upstream_ports)
        self.binary = nginx_binary()
        self.process = Process(
            [self.binary, "-g", "daemon off;", "-p", str(self.prefix), "-c", str(self.config)],
            log=directory / "nginx.log",
        )
        self._wait_until_up()

    def _write(self, ports: list[int]) -> None:
        self.config.write_text(
            nginx_config(
                prefix=self.prefix,
                port=self.port,
                upstream_ports=ports,
                static_root=str(self.static_root),
                media_root=str(self.media_root),
            )
        )

    def _wait_until_up(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.process.poll() is None, self.process.log.read_text()
            try:
                with urlopen(f"{self.url}/healthz", timeout=2):
                    return
            except HTTPError:
                return
            except (URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not answer in {timeout} s: {self.process.log.read_text()}")

    def route_to(self, ports: list[int]) -> None:
        """New upstreams, by a graceful reload (nginx -s reload); returns once the reload was signalled."""
        self._write(ports)
        subprocess.run(
            [self.binary, "-p", str(self.prefix), "-c", str(self.config), "-s", "reload"], check=True, timeout=20
        )
        time.sleep(1)  # the new workers start; the old ones keep the connections they have

    def stop(self) -> None:
        self.process.stop(signal.SIGQUIT)

    def errors(self) -> list[str]:
        """nginx's own log at "error" and worse, but the upstream that went away (what the fault tests do)."""
        log = self.prefix / "error.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return [line for line in lines if any(f"[{level}]" in line for level in ("crit", "alert", "emerg"))]
