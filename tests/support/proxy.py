"""nginx in front of test servers, as deploy/ ships it: the bench's generated top-level config
(bench/stack.py) with deploy/nginx/buergerforum-locations.conf included, shared with the fault tests as
synthetic_twin shares the bench's tile. ``backup_ports`` are upstreams nginx uses only while the others are
down (its ``backup`` servers): every connection lands on the first ones until they die."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

from bench.stack import Process, free_port, nginx_binary, nginx_config


class Proxy:
    def __init__(
        self,
        directory: Path,
        *,
        upstream_ports: list[int],
        static_root: Path,
        media_root: Path,
        backup_ports: tuple[int, ...] = (),
    ):
        self.prefix = directory / "nginx"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.prefix / "tmp" / kind).mkdir(parents=True, exist_ok=True)
        self.config = self.prefix / "nginx.conf"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.static_root, self.media_root = static_root, media_root
        self._write(upstream_ports, backup_ports)
        self.binary = nginx_binary()
        self.process = Process(
            [self.binary, "-g", "daemon off;", "-p", str(self.prefix), "-c", str(self.config)],
            log=directory / "nginx.log",
        )
        self._wait_until_up()

    def _write(self, ports: list[int], backup_ports: tuple[int, ...]) -> None:
        config = nginx_config(
            prefix=self.prefix,
            port=self.port,
            upstream_ports=[*ports, *backup_ports],
            static_root=str(self.static_root),
            media_root=str(self.media_root),
        )
        for port in backup_ports:
            config = config.replace(f"server 127.0.0.1:{port};", f"server 127.0.0.1:{port} backup;")
        self.config.write_text(config)

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

    def stop(self) -> None:
        self.process.stop(signal.SIGQUIT)

    def errors(self) -> list[str]:
        """nginx's own log at "error" and worse, but the upstream that went away (what the fault tests do)."""
        log = self.prefix / "error.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return [line for line in lines if any(f"[{level}]" in line for level in ("crit", "alert", "emerg"))]
