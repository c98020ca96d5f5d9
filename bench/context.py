"""What a scenario gets: the running stack and floor, the seeded data, the sizes asked for, and a way to run
its client in a process of its own."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bench.client import run_client
from bench.figures import Figure
from bench.seed import Seeded
from bench.stack import Floor, Stack


@dataclass
class Context:
    config: str  # "embedded" or "production"
    stack: Stack
    floor: Floor | None
    seeded: Seeded
    sizes: dict = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    facts: dict = field(default_factory=dict)  # correctness and details per scenario, kept in the results file

    def client(self, module: str, params: dict, *, timeout: float = 900) -> dict:
        base = {"url": self.stack.url, "ws_url": self.stack.ws_url, "floor_url": self.floor.url if self.floor else None}
        return run_client(module, {**base, **params}, timeout=timeout)

    def figure(self, scenario: str, name: str, value, unit: str, **options) -> Figure:
        made = Figure(scenario=scenario, config=self.config, name=name, value=value, unit=unit, **options)
        self.figures.append(made)
        return made

    def kiosk(self) -> dict:
        """What a kiosk socket and its snapshot need: paths and the screen token's cookies."""
        room = self.seeded.room
        return {
            "socket_path": f"/ws/kiosk/{room.screen_slug}/",
            "snapshot_path": f"/kiosk/{room.screen_slug}/snapshot/",
            "socket_cookies": {"bf_socket_token": room.screen_token},
            "snapshot_cookies": {"bf_token": room.screen_token},
        }

    def results_frame_bytes(self) -> int:
        """The size of the room consultation's results frame now (the floor's frames are as big)."""
        from participation.live import results_frames, results_group

        consultation = self.seeded.room.consultation
        return len(json.dumps(results_frames(consultation)[results_group(consultation)]))
