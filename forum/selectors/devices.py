"""Registered devices (screens, terminals): is this request or socket the device it claims to be?"""

from __future__ import annotations

from dataclasses import dataclass

from forum.models import RegisteredDevice, Screen, Terminal, token_matches

# Why a device is refused, as HTTP statuses; sockets close with 4000 + the status.
NO_TOKEN = 403
UNKNOWN = 404
RETIRED = 410


@dataclass(frozen=True)
class DeviceAccess:
    """The device at an address, and whether the token presented opens it (``refused`` is None then)."""

    device: RegisteredDevice | None
    refused: int | None

    @property
    def granted(self) -> bool:
        return self.refused is None


def _access(model: type[RegisteredDevice], slug: str, token: str | None) -> DeviceAccess:
    device = model.objects.filter(slug=slug).select_related("consultation").first()
    if device is None:
        return DeviceAccess(None, UNKNOWN)
    if not device.is_active:
        return DeviceAccess(device, RETIRED)
    if not token_matches(device, token):
        return DeviceAccess(device, NO_TOKEN)
    return DeviceAccess(device, None)


def screen_access(*, slug: str, token: str | None) -> DeviceAccess:
    return _access(Screen, slug, token)


def terminal_access(*, slug: str, token: str | None) -> DeviceAccess:
    return _access(Terminal, slug, token)


def screen_rotation(*, screen: Screen) -> list[dict]:
    """The scenes a rotating screen shows, in order, with their durations."""
    return [{"scene": step.scene, "seconds": step.seconds} for step in screen.rotation.all()]
