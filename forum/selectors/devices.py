"""Registered devices (screens, terminals): is this request or socket the device it claims to be?"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from forum.models import RegisteredDevice, Screen, Terminal, token_matches
from forum.selectors.site import public_url
from participation import selectors as participation_selectors

# Why a device is refused, as HTTP statuses; sockets close with 4000 + the status.
NO_TOKEN = 403
UNKNOWN = 404
RETIRED = 410
NOTHING_TO_SHOW = 409  # a device of a consultation that is not published: its pages and socket show nothing


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


def _while_published(access: DeviceAccess) -> DeviceAccess:
    """A device shows its consultation only while that is published: before (or after), not its title,
    proposals, totals or room, but a neutral page that looks again now and then (``NOTHING_TO_SHOW``)."""
    if access.granted and not access.device.consultation.live:
        return DeviceAccess(access.device, NOTHING_TO_SHOW)
    return access


def screen_access(*, slug: str, token: str | None) -> DeviceAccess:
    return _while_published(_access(Screen, slug, token))


def active_devices(*, consultation_id: int) -> list[RegisteredDevice]:
    """The consultation's screens and terminals in service."""
    return [
        *Screen.objects.filter(consultation_id=consultation_id, is_active=True),
        *Terminal.objects.filter(consultation_id=consultation_id, is_active=True),
    ]


def terminal_access(*, slug: str, token: str | None) -> DeviceAccess:
    """As a screen's: a walk-in neither reads nor writes anything of a consultation that is not published."""
    return _while_published(_access(Terminal, slug, token))


def screen_rotation(*, screen: Screen) -> list[dict]:
    """The scenes a rotating screen shows, in order, with their durations."""
    return [{"scene": step.scene, "seconds": step.seconds} for step in screen.rotation.all()]


def devices_managed_by(*, model: type[RegisteredDevice], user) -> QuerySet:
    """The screens or terminals (``model``) of the consultations ``user`` manages (their sites'); all for a
    superuser. The admin's listing of devices."""
    devices = model.objects.select_related("consultation")
    if user.is_superuser:
        return devices
    return devices.filter(consultation__in=participation_selectors.consultations_managed_by(user=user))


DEVICE_KINDS: dict[str, type[RegisteredDevice]] = {"screen": Screen, "terminal": Terminal}


def device_of(*, kind: str, pk: int | None = None, slug: str | None = None) -> RegisteredDevice | None:
    """The screen or terminal (``kind``) with this id or slug, or None (also for an unknown kind)."""
    model = DEVICE_KINDS.get(kind)
    if model is None or (pk is None and slug is None):
        return None
    found = model.objects.select_related("consultation")
    found = found.filter(pk=pk) if pk is not None else found.filter(slug=slug)
    return found.first()


def device_kind(device: RegisteredDevice) -> str:
    return device._meta.model_name


def device_token_path(device: RegisteredDevice, token: str) -> str:
    """The path (and query) that opens a device with its token."""
    path = reverse("kiosk" if isinstance(device, Screen) else "terminal", args=[device.slug])
    return f"{path}?token={token}"


def device_token_url(device: RegisteredDevice, token: str) -> str:
    """The address that opens a device with its token, at its consultation's site (the default one: BASE_URL):
    what its operator types in.

    The page keeps the token in cookies and takes it out of the address at once.
    """
    site_id = participation_selectors.site_id_of_page(device.consultation)
    return public_url(device_token_path(device, token), site_id=site_id)
