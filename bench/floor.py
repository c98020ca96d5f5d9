"""The floor of the live path: a bare ``websockets`` broadcast server, in its own process
(``python -m bench.floor PORT FRAME_BYTES``), on the same event loop as the ASGI processes (uvloop).

Every socket on ``/`` is sent the current state when it connects (what a reconnecting screen needs: its
socket and a snapshot) and every broadcast after. A socket on ``/control`` asks for a broadcast by sending
``broadcast``: the revision goes up and a frame of about FRAME_BYTES (a results frame's size) goes to all
sockets at once with ``websockets.asyncio.server.broadcast``. No framework, no database, no channel layer:
what the server's work per socket costs at the least on this machine.
"""

from __future__ import annotations

import asyncio
import json
import sys

from websockets.asyncio.server import broadcast, serve


class Floor:
    def __init__(self, frame_bytes: int):
        self.revision = 0
        self.pad = "x" * max(0, frame_bytes - 60)
        self.sockets: set = set()

    def frame(self) -> str:
        return json.dumps({"type": "results", "revision": self.revision, "pad": self.pad})

    async def handler(self, connection) -> None:
        if connection.request.path == "/control":
            async for message in connection:
                if message == "broadcast":
                    self.revision += 1
                    broadcast(self.sockets, self.frame())
                    await connection.send(str(self.revision))
            return
        self.sockets.add(connection)
        try:
            await connection.send(self.frame())
            async for message in connection:
                if message == "ping":
                    await connection.send("pong")
        finally:
            self.sockets.discard(connection)


async def main(port: int, frame_bytes: int) -> None:
    floor = Floor(frame_bytes)
    async with serve(floor.handler, "127.0.0.1", port, compression=None, max_queue=None, ping_interval=None):
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    try:
        from uvloop import run
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        run = asyncio.run
    run(main(int(sys.argv[1]), int(sys.argv[2])))
