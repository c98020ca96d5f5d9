"""deploy/ as a city runs it: the production nginx site checked and served by Debian's nginx in a temporary
prefix (TLS with a certificate made here, an echo server standing in for the ASGI processes), logs without
addresses, the env example against the settings, the systemd units against deploy/bin."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support.environment import ROOT, settings_variables
from tests.support.needs import require_nginx
from tests.support.server import free_port

DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "buergerforum.conf"
INSTALLED = "/srv/buergerforum"  # where the guide puts the clone; units and the site name it
HOST = "forum.example.org"
CLIENT = "127.0.0.2"  # the visitor's address in these tests: it must reach Django and no log


def directives(text: str, name: str) -> list[str]:
    """Every ``name ...;`` directive in nginx config ``text`` (comments removed, may span lines)."""
    text = re.sub(r"#[^\n]*", "", text)
    return [match.group(1) for match in re.finditer(rf"(?<![\w$]){name}\s+([^;]*);", text)]


def nginx_files() -> list[Path]:
    return sorted((DEPLOY / "nginx").glob("*.conf"))


def test_no_log_format_holds_an_address_or_a_query_string():
    # $request, $request_uri, $args: a kiosk's address carries its token in the query string.
    forbidden = re.compile(
        r"\$(remote_addr|binary_remote_addr|realip_remote_addr|http_x_forwarded_for|proxy_add_x_forwarded_for"
        r"|http_x_real_ip|http_forwarded|request|request_uri|args|query_string|arg_\w+|http_referer)\b"
    )
    formats = {path.name: directives(path.read_text(), "log_format") for path in nginx_files()}
    assert any(formats.values()), "no log_format found"
    for name, found in formats.items():
        for log_format in found:
            assert not forbidden.search(log_format), f"{name}: {log_format}"
    for path in nginx_files():
        for access_log in directives(path.read_text(), "access_log"):
            assert access_log == "off" or access_log.split()[1:2] == ["buergerforum"], f"{path.name}: {access_log}"


def test_the_locations_include_names_no_absolute_path():
    """The bench's nginx, not root, in a temporary prefix, includes it as it is."""
    text = re.sub(r"#[^\n]*", "", (DEPLOY / "nginx" / "buergerforum-locations.conf").read_text())
    assert not re.search(r"\s/(etc|var|srv|usr|home|opt|run|tmp)/", text)


# --- nginx, for real ------------------------------------------------------------------------------------


def ipv6_loopback() -> bool:
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET6) as sock:
        sock.bind(("::1", 0))
        return True
    return False


def render_site(tmp: Path, *, upstream_port: int, http_port: int, https_port: int) -> Path:
    """The production site with its paths and ports moved into ``tmp``, under a top-level config as Debian's."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={HOST}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    site = SITE.read_text()
    replacements = {
        f"{INSTALLED}/deploy/": f"{DEPLOY}/",
        f"/etc/letsencrypt/live/{HOST}/fullchain.pem": str(cert),
        f"/etc/letsencrypt/live/{HOST}/privkey.pem": str(key),
        "/var/log/nginx/": f"{tmp}/",
        "/var/lib/buergerforum/": f"{tmp}/",
        "/var/www/letsencrypt": f"{tmp}/acme",
    }
    for old, new in replacements.items():
        assert old in site, f"the site no longer names {old}"
        site = site.replace(old, new)
    site = re.sub(r"server 127\.0\.0\.1:8001;\s*server 127\.0\.0\.1:8002;", f"server 127.0.0.1:{upstream_port};", site)
    site = re.sub(r"listen (\[::\]:)?80\b", lambda m: f"listen {m.group(1) or '127.0.0.1:'}{http_port}", site)
    site = re.sub(r"listen (\[::\]:)?443\b", lambda m: f"listen {m.group(1) or '127.0.0.1:'}{https_port}", site)
    if not ipv6_loopback():
        site = re.sub(r"\n\s*listen \[::\][^;]*;", "", site)
    else:
        site = site.replace("listen [::]:", "listen [::1]:")
    (tmp / "site.conf").write_text(site)
    top = tmp / "nginx.conf"
    top.write_text(top_level(tmp))
    return top


DEBIAN_NGINX_CONF = Path("/etc/nginx/nginx.conf")


def top_level(tmp: Path) -> str:
    """Debian's nginx.conf as the guide leaves it (its access_log off, no default site, our site in conf.d),
    moved into ``tmp``; a minimal one where nginx is not Debian's."""
    temp_paths = "".join(
        f" {kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # Started as root, nginx's workers would run as nobody (or www-data), who cannot read a test's folder.
    user = "user root;" if os.geteuid() == 0 else ""
    if not DEBIAN_NGINX_CONF.exists():
        return f"{user}\npid {tmp}/nginx.pid;\nevents {{}}\nhttp {{{temp_paths}\n include {tmp}/site.conf;\n}}\n"
    text = DEBIAN_NGINX_CONF.read_text()
    text = re.sub(r"(?m)^(\s*)access_log /var/log/nginx/access.log;", r"\1access_log off;", text)  # the guide's sed
    assert "access_log off;" in text, "the guide's step no longer matches Debian's nginx.conf"
    text = re.sub(r"(?m)^\s*user\s[^;]*;", user, text)
    text = re.sub(r"(?m)^\s*pid\s[^;]*;", f"pid {tmp}/nginx.pid;", text)
    text = text.replace("/var/log/nginx/", f"{tmp}/")
    text = text.replace("include /etc/nginx/conf.d/*.conf;", f"include {tmp}/site.conf;")
    text = text.replace("include /etc/nginx/sites-enabled/*;", "")  # the guide removes the default site
    text = text.replace("include /etc/nginx/modules-enabled/*.conf;", "")  # relative to nginx's own prefix
    return re.sub(r"(?m)^http \{", "http {" + temp_paths, text, count=1)


class Echo(BaseHTTPRequestHandler):
    """Stands in for an ASGI process: answers with what reached it."""

    protocol_version = "HTTP/1.1"

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps({"path": self.path, "headers": dict(self.headers.items()), "length": length}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


class Client(http.client.HTTPSConnection):
    """A browser on ``CLIENT`` asking for the site by name (SNI) over TLS, whatever the name resolves to."""

    def __init__(self, port: int, *, server_name: str = HOST):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        super().__init__(HOST, port, context=context, timeout=10)
        self.server_name = server_name

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10, source_address=(CLIENT, 0))
        self.sock = self._context.wrap_socket(sock, server_hostname=self.server_name)

    def fetch(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        self.request(method, path, body=body, headers=headers or {})
        response = self.getresponse()
        return response, response.read()


@pytest.fixture
def site(tmp_path):
    """nginx serving the production site on free ports, an echo server as its upstream, static and media files."""
    nginx = require_nginx()
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    ports = {"upstream_port": upstream.server_address[1], "http_port": free_port(), "https_port": free_port()}
    config = render_site(tmp_path, **ports)
    (tmp_path / "static" / "forum").mkdir(parents=True)
    (tmp_path / "static" / "forum" / "room.css").write_text("body { color: black }\n")
    (tmp_path / "static" / "forum" / "room.0123456789ab.css").write_text("body { color: black }\n")
    for folder in ("images", "documents"):
        (tmp_path / "media" / folder).mkdir(parents=True)
        (tmp_path / "media" / folder / "sheet.txt").write_text(folder)
    process = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", ports["https_port"]), timeout=1):
                break
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
        yield {"dir": tmp_path, **ports}
    finally:
        process.terminate()
        process.wait(timeout=10)
        upstream.shutdown()
        upstream.server_close()


def test_the_production_site_passes_nginx_t(tmp_path):
    nginx = require_nginx()
    config = render_site(tmp_path, upstream_port=free_port(), http_port=free_port(), https_port=free_port())
    checked = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def test_the_asgi_processes_get_the_visitor_and_https_never_what_a_client_claims(site):
    client = Client(site["https_port"])
    spoofed = {"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9", "Forwarded": "for=203.0.113.9"}
    response, body = client.fetch(
        "GET", "/api/v1/rooms/?token=secret", headers={**spoofed, "X-Forwarded-Proto": "http"}
    )
    assert response.status == 200
    seen = {name.lower(): value for name, value in json.loads(body)["headers"].items()}
    assert seen["x-forwarded-for"] == CLIENT
    assert seen["x-forwarded-proto"] == "https"
    assert seen["host"] == f"{HOST}:{site['https_port']}"  # with its port: Django's CSRF origin check needs it
    assert "x-real-ip" not in seen and "forwarded" not in seen
    assert seen.get("connection", "").lower() != "close", "no keep-alive to the upstream"

    response, body = client.fetch("GET", "/ws/kiosk/foyer/", headers={"Upgrade": "websocket", "Connection": "Upgrade"})
    seen = {name.lower(): value for name, value in json.loads(body)["headers"].items()}
    assert seen["upgrade"] == "websocket" and seen["connection"].lower() == "upgrade"

    client.close()
    log = (site["dir"] / "buergerforum.access.log").read_text()
    assert "/api/v1/rooms/" in log and "/ws/kiosk/foyer/" in log
    assert CLIENT not in log and "203.0.113.9" not in log and "secret" not in log


def test_request_bodies_are_small_except_for_the_admins_uploads(site):
    def post(path: str, size: int) -> int:
        client = Client(site["https_port"])
        try:
            response, _ = client.fetch("POST", path, body=b"x" * size, headers={"Content-Type": "text/plain"})
        except (ConnectionError, http.client.HTTPException):
            return 413  # nginx may answer 413 and close before the whole body is sent
        finally:
            client.close()
        return response.status

    mib = 1024 * 1024
    assert post("/api/v1/rooms/ABC123/vote/", 2 * 1024) == 200
    assert post("/api/v1/rooms/ABC123/vote/", 2 * mib) == 413
    assert post("/admin/images/multiple/add/", 9 * mib) == 200  # Wagtail's image limit is 10 MiB
    assert post("/admin/images/multiple/add/", 13 * mib) == 413
    assert post("/admin/twin-import/", 13 * mib) == 200  # twin files up to TWIN_IMPORT_MAX_BYTES


def test_nginx_serves_static_and_media_files(site):
    client = Client(site["https_port"])
    response, body = client.fetch("GET", "/static/forum/room.0123456789ab.css", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200 and b"color" in body
    cache = response.getheader("Cache-Control")
    assert "immutable" in cache and "max-age=31536000" in cache
    response, _ = client.fetch("GET", "/static/forum/room.css")
    assert response.status == 200 and "immutable" not in response.getheader("Cache-Control")
    response, body = client.fetch("GET", "/media/images/sheet.txt")
    assert response.status == 200 and body == b"images"
    assert "sandbox" in response.getheader("Content-Security-Policy")
    response, _ = client.fetch("GET", "/media/documents/sheet.txt")
    assert response.status == 404, "documents go through Wagtail's view, which checks their privacy"
    for escape in ("/static/../buergerforum.access.log", "/static/%2e%2e/buergerforum.access.log"):
        response, body = client.fetch("GET", escape)  # nginx resolves the dots: outside /static/, so proxied
        assert b"GET" not in body, "a file outside STATIC_ROOT was served"


def test_http_redirects_to_https_and_unknown_names_are_turned_away(site):
    connection = http.client.HTTPConnection("127.0.0.1", site["http_port"], timeout=10)
    connection.request("GET", "/live/ABC123/?x=1", headers={"Host": HOST})
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("Location") == f"https://{HOST}/live/ABC123/?x=1"
    connection.close()
    with pytest.raises(ssl.SSLError):
        Client(site["https_port"], server_name="other.example.org").fetch("GET", "/")


# --- the environment -------------------------------------------------------------------------------------


def script_variables() -> set[str]:
    """Variables the deploy/bin scripts read themselves (``${NAME:-default}``)."""
    return {name for path in (DEPLOY / "bin").iterdir() for name in re.findall(r"\$\{([A-Z_]+)", path.read_text())}


def test_env_example_lists_exactly_the_variables_read():
    text = (DEPLOY / "env.example").read_text()
    listed = re.findall(r"^#?([A-Z][A-Z_]*)=", text, flags=re.MULTILINE)
    assert len(listed) == len(set(listed)), "a variable is listed twice"
    assert set(listed) == settings_variables() | script_variables()
    assert re.search(r"^SECRET_KEY=$", text, flags=re.MULTILINE), "the example holds no secret"
    assert re.search(r"^DEBUG=0$", text, flags=re.MULTILINE)


# --- systemd and deploy/bin --------------------------------------------------------------------------------


def units() -> list[Path]:
    return sorted((DEPLOY / "systemd").iterdir())


def test_every_unit_starts_a_script_of_deploy_bin_that_exists():
    started = set()
    for unit in units():
        for command in re.findall(r"^ExecStart=(\S+)", unit.read_text(), flags=re.MULTILINE):
            assert command.startswith(f"{INSTALLED}/deploy/bin/"), f"{unit.name}: {command}"
            script = ROOT / command.removeprefix(f"{INSTALLED}/")
            assert script.is_file() and os.access(script, os.X_OK), f"{unit.name}: {script} is not executable"
            started.add(script.name)
    assert started == {path.name for path in (DEPLOY / "bin").iterdir()}, "a script no unit starts"
    assert "[Install]" in (DEPLOY / "systemd" / "buergerforum.target").read_text()


@pytest.mark.parametrize("script", sorted(path.name for path in (DEPLOY / "bin").iterdir()))
def test_deploy_bin_scripts_are_valid_shell(script):
    path = DEPLOY / "bin" / script
    assert path.read_text().startswith("#!/bin/sh\n")
    checked = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian's systemd package has it)")
    for unit in units():
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, str(ROOT)))
    shutil.copy(tmp_path / "buergerforum-asgi@.service", tmp_path / "buergerforum-asgi@8001.service")
    names = [str(path) for path in sorted(tmp_path.iterdir()) if path.name != "buergerforum-asgi@.service"]
    checked = subprocess.run([analyze, "verify", "--man=no", *names], capture_output=True, text=True, cwd=tmp_path)
    ours = [line for line in (checked.stdout + checked.stderr).splitlines() if "buergerforum" in line]
    assert checked.returncode == 0 and not ours, checked.stdout + checked.stderr
