"""A real OpenID Connect provider for the tests of the city's login: node's oidc-provider (package.json's
devDependencies) running tests/support/oidc_provider.mjs on a free port of 127.0.0.1. Any name logs in at its login
page and comes back as <name>@stadt.example, verified unless the name starts with "unverified". Its keys are made
when it starts; the client's secret is made here: nothing secret is kept in the repository."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

from tests.support.needs import require
from tests.support.server import ROOT, free_port, stop_process

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "buergerforum"
CALLBACK_PATH = "/accounts/oidc/city/login/callback/"
EMAIL_DOMAIN = "stadt.example"


def require_oidc_provider() -> str:
    node = shutil.which("node")
    installed = (ROOT / "node_modules" / "oidc-provider" / "package.json").exists()
    require(node is not None and installed, "oidc-provider", "make install (runs npm ci: Node.js 20 or newer)")
    return node


class ProviderProcess:
    """The provider, up once its discovery document answers. ``site_env(url)`` is what a server of the site at
    ``url`` needs to offer it as the city's login."""

    def __init__(self, *, log_dir: Path):
        """Chooses the port and the secret; ``start`` starts it once the sites' addresses (their callbacks) are
        known. The sites start first: they read the provider's discovery document at their first login."""
        self.node = require_oidc_provider()
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.client_secret = secrets.token_urlsafe(24)
        self.log = log_dir / f"oidc-provider-{self.port}.log"
        self.process = None

    def start(self, *site_urls: str) -> ProviderProcess:
        """Starts it for the sites at ``site_urls`` (each one's callback is a redirect URI of the one client)."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "OIDC_PORT": str(self.port),
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": self.client_secret,
            "OIDC_REDIRECT_URIS": " ".join(url + CALLBACK_PATH for url in site_urls),
        }
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [self.node, str(SCRIPT)], cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_up(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oidc-provider exited: {self.log.read_text()}")
            try:
                with urlopen(f"{self.issuer}/.well-known/openid-configuration", timeout=2):
                    return
            except (URLError, ConnectionError, OSError):
                time.sleep(0.05)
        raise RuntimeError(f"oidc-provider did not start in {timeout}s: {self.log.read_text()}")

    def site_env(self, **more: str) -> dict[str, str]:
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": self.client_secret,
            "OIDC_NAME": "Kempten-Konto",
            **more,
        }

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, self._log_file)
