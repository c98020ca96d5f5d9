"""The bench's clients: asyncio in a process of their own (``python -m bench.client MODULE PARAMS_JSON``), so
that server and clients share the machine's cores the same way for the stack and for the floor.

A scenario module (bench/scenarios/) has an ``async def client(params) -> dict``; ``run_client`` starts it in
a new process and returns what it returned. Here: a small keep-alive HTTP/1.1 client, sockets that record
every frame with the time it arrived (parsed later, so the clock is read before any work), and percentiles.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CSRF_COOKIE = "csrftoken"


# --- numbers ---------------------------------------------------------------------------


def percentile(values: Iterable[float], share: float) -> float | None:
    """The ``share`` (0-1) percentile by nearest rank; None without values."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary_ms(seconds: Iterable[float]) -> dict:
    values = [s * 1000 for s in seconds]
    return {
        "n": len(values),
        "p50": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": max(values) if values else None,
    }


# --- HTTP --------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    sent_at: float
    answered_at: float

    def cookies(self) -> dict[str, str]:
        found = {}
        for name, value in self.headers:
            if name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                found[key.strip()] = val.strip().strip('"')
        return found

    def json(self):
        return json.loads(self.body)

    @property
    def seconds(self) -> float:
        return self.answered_at - self.sent_at


class HttpConnection:
    """One keep-alive HTTP/1.1 connection; one request at a time."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=2**22)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    async def request(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Response:
        if self.writer is None or self.reader.at_eof():  # never opened, or the server closed it meanwhile
            self.close()
            await self.open()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        sent_at = time.monotonic()
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        response_headers = []
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            response_headers.append((name.strip().lower(), value.strip()))
        found = dict(response_headers)
        if "content-length" in found:
            data = await self.reader.readexactly(int(found["content-length"]))
        elif found.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readuntil(b"\r\n")
            await self.reader.readuntil(b"\r\n")
            data = b"".join(chunks)
        else:
            data = await self.reader.read()
            self.close()
        answered_at = time.monotonic()
        if found.get("connection", "").lower() == "close":
            self.close()
        return Response(status, response_headers, data, sent_at, answered_at)


class HttpPool:
    """Keep-alive connections to one server, opened as needed (up to ``limit`` at once)."""

    def __init__(self, url: str, limit: int = 512):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.origin = f"http://{self.host}:{self.port}"
        self.idle: list[HttpConnection] = []
        self.slots = asyncio.Semaphore(limit)

    async def request(self, method: str, path: str, **options) -> Response:
        async with self.slots:
            connection = self.idle.pop() if self.idle else HttpConnection(self.host, self.port)
            try:
                response = await connection.request(method, path, **options)
            except BaseException:
                connection.close()
                raise
            if connection.writer is not None:
                self.idle.append(connection)
            return response

    async def get(self, path: str, *, cookies: dict[str, str] | None = None) -> Response:
        headers = {"Cookie": cookie_header(cookies)} if cookies else {}
        return await self.request("GET", path, headers=headers)

    async def post_json(self, path: str, body: dict, *, cookies: dict[str, str]) -> Response:
        """A JSON POST as the site's scripts send it: cookies, CSRF token, origin."""
        headers = {
            "Content-Type": "application/json",
            "Cookie": cookie_header(cookies),
            "X-CSRFToken": cookies[CSRF_COOKIE],
            "Origin": self.origin,
            "Referer": f"{self.origin}/",
        }
        return await self.request("POST", path, headers=headers, body=json.dumps(body).encode())

    def close(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle.clear()


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


async def paced(count: int, seconds: float, send) -> list:
    """``send(i)`` for i in range(count), started evenly over ``seconds`` whatever the answers take (open loop)."""
    started = time.monotonic()

    async def one(index: int):
        await asyncio.sleep(max(0.0, started + index * seconds / count - time.monotonic()))
        try:
            return await send(index)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            return error

    return await asyncio.gather(*(one(i) for i in range(count)))


# --- WebSockets ------------------------------------------------------------------------


@dataclass(eq=False)
class Recorder:
    """A socket that keeps every text frame with the monotonic time it arrived."""

    connection: object
    opened_at: float
    frames: list[tuple[float, str]] = field(default_factory=list)
    task: asyncio.Task | None = None
    close_code: int | None = None
    asked: dict[int, asyncio.Future] = field(default_factory=dict)  # ref -> (time, answer) of a vote sent
    arrived: asyncio.Event = field(default_factory=asyncio.Event)  # set once a frame has arrived

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for message in self.connection:
                at = time.monotonic()
                self.frames.append((at, message))
                self.arrived.set()
                if self.asked and message.startswith("{") and '"ref"' in message:
                    answer = json.loads(message)
                    waiting = self.asked.pop(answer.get("ref"), None)
                    if waiting is not None and not waiting.done():
                        waiting.set_result((at, answer))
        except ConnectionClosed as closed:
            self.close_code = closed.rcvd.code if closed.rcvd else None
        for waiting in self.asked.values():
            if not waiting.done():
                waiting.set_exception(ConnectionError(f"socket closed ({self.close_code})"))

    async def ask(self, message: dict, *, timeout: float) -> tuple[float, float, dict]:
        """Sends ``message`` (with its ``ref``) and waits for the answer with the same ref: (sent, answered, answer)."""
        waiting = asyncio.get_running_loop().create_future()
        self.asked[message["ref"]] = waiting
        sent = time.monotonic()
        await self.connection.send(json.dumps(message))
        answered, answer = await asyncio.wait_for(waiting, timeout)
        return sent, answered, answer

    def first_after(self, index: int, condition) -> tuple[int, float] | None:
        """(index, time) of the first frame from ``index`` on whose text meets ``condition``."""
        for position in range(index, len(self.frames)):
            at, text = self.frames[position]
            if condition(text):
                return position, at
        return None


async def open_socket(url: str, *, origin: str | None = None, cookies: dict[str, str] | None = None) -> Recorder:
    from websockets.asyncio.client import connect

    headers = {"Cookie": cookie_header(cookies)} if cookies else None
    connection = await connect(
        url,
        origin=origin,
        additional_headers=headers,
        compression=None,
        open_timeout=120,
        ping_interval=None,
        max_queue=None,
        close_timeout=2,
    )
    recorder = Recorder(connection, time.monotonic())
    recorder.task = asyncio.create_task(recorder._read())
    return recorder


async def open_sockets(
    count: int, url: str, *, concurrency: int = 100, each_cookies: list[dict] | None = None, **options
) -> list[Recorder]:
    """``count`` sockets, at most ``concurrency`` handshakes at a time (socket i with ``each_cookies[i]``)."""
    gate = asyncio.Semaphore(concurrency)

    async def one(index):
        async with gate:
            if each_cookies is not None:
                options["cookies"] = each_cookies[index]
            return await open_socket(url, **options)

    return list(await asyncio.gather(*(one(i) for i in range(count))))


async def close_sockets(sockets: list[Recorder]) -> None:
    async def one(recorder: Recorder):
        with contextlib.suppress(Exception):
            await recorder.connection.close()
        if recorder.task is not None:
            recorder.task.cancel()

    await asyncio.gather(*(one(s) for s in sockets))


async def wait_until(condition, timeout: float, step: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(step)
    return condition()


# --- the client process ------------------------------------------------------------------


def run_client(module: str, params: dict, *, timeout: float = 900) -> dict:
    """Runs ``bench.scenarios.<module>.client(params)`` in a new process and returns its result."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.client", module],
        input=json.dumps(params),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=timeout,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"client {module} failed ({completed.returncode}):\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _main() -> None:
    from bench.stack import raise_open_files

    raise_open_files()
    module = importlib.import_module(f"bench.scenarios.{sys.argv[1]}")
    params = json.loads(sys.stdin.read())
    try:
        from uvloop import run
    except ImportError:  # pragma: no cover
        run = asyncio.run
    result = run(module.client(params))
    print(json.dumps(result))


if __name__ == "__main__":
    _main()


def results_totals(text: str, proposal_id: int) -> dict | None:
    """A proposal's totals in a results frame (or a kiosk snapshot, which carries one); None in other frames."""
    if text == "pong":
        return None
    frame = json.loads(text)
    results = frame.get("results") if frame.get("type") == "kiosk" else frame
    if not isinstance(results, dict) or "proposals" not in results:
        return None
    return next((p["totals"] for p in results["proposals"] if p["id"] == proposal_id), None)


def newest_totals(recorder: Recorder, proposal_id: int) -> dict | None:
    """The proposal's totals as a screen shows them: those of the frame with the highest revision (of the
    latest among equals). Two server processes publish on their own, so an older revision can arrive last;
    the screens' script keeps the newer one (static/forum/kiosk.js, ``apply``)."""
    best, best_revision = None, -1
    for _, text in recorder.frames:
        totals = results_totals(text, proposal_id)
        if totals is None:
            continue
        frame = json.loads(text)
        revision = (frame.get("results") if frame.get("type") == "kiosk" else frame).get("revision", -1)
        if revision >= best_revision:
            best, best_revision = totals, revision
    return best


async def ping_all(sockets: list[Recorder], timeout: float = 60) -> None:
    """A ping round trip on every socket: each consumer is in its groups."""
    marks = [len(s.frames) for s in sockets]
    await asyncio.gather(*(s.connection.send("ping") for s in sockets))

    def all_ponged():
        return all(any(text == "pong" for _, text in s.frames[m:]) for s, m in zip(sockets, marks, strict=True))

    if not await wait_until(all_ponged, timeout, step=0.05):
        raise RuntimeError("not every socket answered its ping")


async def settle(host: str, port: int, params: dict, watchers: list[Recorder], proposal: int, *, limit: float):
    """Seconds until the kiosk snapshot's totals (the database's) held still for a second and every socket's
    last frame had them; None if that did not happen within ``limit`` seconds. ``params`` names the
    snapshot's path and cookies (``snapshot_path``, ``snapshot_cookies``)."""
    started, previous = time.monotonic(), None
    http = HttpConnection(host, port)
    headers = {"Cookie": f"bf_token={params['snapshot_cookies']['bf_token']}"}
    try:
        while time.monotonic() - started < limit:
            response = await http.request("GET", params["snapshot_path"], headers=headers)
            current = results_totals(response.body.decode(), proposal)
            if (
                current is not None
                and current == previous
                and all(newest_totals(s, proposal) == current for s in watchers)
            ):
                return time.monotonic() - started
            previous = current
            await asyncio.sleep(1.0)
    finally:
        http.close()
    return None
