"""Registered devices of the room (kiosk screens, touch terminals): set up, keyed, retired.

A device's token is made here, shown once to whoever set it up, and kept
only as a digest. Open sockets of a device follow what happens to it: a new
token or retirement closes them with the reason, a new consultation reloads them.
"""

from __future__ import annotations

import contextlib
import secrets

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from forum.models import RegisteredDevice, Screen, Terminal, token_digest
from forum.rules import require
from forum.selectors import NO_TOKEN, NOTHING_TO_SHOW, RETIRED, active_devices
from participation.models import ConsultationPage

DEVICE_MESSAGE = "device.event"


def device_group(device: RegisteredDevice) -> str:
    """The channel-layer group of one device's open sockets."""
    return f"device.{device._meta.model_name}.{device.pk}"


def _tell_sockets(device: RegisteredDevice, **event) -> None:
    group = device_group(device)

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            # If the layer (Redis) is down, the sockets find out when they reconnect.
            with contextlib.suppress(Exception):
                async_to_sync(layer.group_send)(group, {"type": DEVICE_MESSAGE, "group": group, **event})

    transaction.on_commit(send)


@transaction.atomic
def ensure_screen(*, name: str, slug: str, consultation: ConsultationPage) -> tuple[Screen, bool]:
    """The kiosk screen with ``slug``, else a new one showing ``consultation``; ``(screen, created)``."""
    return Screen.objects.get_or_create(slug=slug, defaults={"name": name, "consultation": consultation})


@transaction.atomic
def ensure_terminal(*, name: str, slug: str, consultation: ConsultationPage) -> tuple[Terminal, bool]:
    """The touch terminal with ``slug``, else a new one for ``consultation``; ``(terminal, created)``."""
    return Terminal.objects.get_or_create(slug=slug, defaults={"name": name, "consultation": consultation})


@transaction.atomic
def issue_device_token(*, device: RegisteredDevice, issuer=None) -> str:
    """A new secret token for a screen or terminal, returned once; the old one stops working at once.

    ``issuer`` is the staff member asking in the admin (checked); None is the
    operator at the server's command line.
    """
    if issuer is not None:
        require("forum.manage_devices", issuer, device)
    token = secrets.token_urlsafe(24)
    type(device).objects.filter(pk=device.pk).update(token_hash=token_digest(token), token_issued_at=timezone.now())
    device.refresh_from_db(fields=["token_hash", "token_issued_at"])
    _tell_sockets(device, code=4000 + NO_TOKEN)
    return token


def device_changed(*, device: RegisteredDevice) -> None:
    """Staff saved a device in the admin: retired ones close their sockets, others reload what they show."""
    if device.is_active:
        _tell_sockets(device, reload=True)
    else:
        _tell_sockets(device, code=4000 + RETIRED)


def consultation_unpublished(*, consultation: ConsultationPage) -> None:
    """Its screens and terminals close their sockets at once with "nothing to show" (4409): a device showing it
    keeps none of its title, proposals, totals or poll, and looks again now and then (it starts by itself once
    it is published)."""
    for device in active_devices(consultation_id=consultation.pk):
        _tell_sockets(device, code=4000 + NOTHING_TO_SHOW)


def device_removed(*, device: RegisteredDevice) -> None:
    """Staff deleted a device: its sockets close as if it were retired."""
    _tell_sockets(device, code=4000 + RETIRED)
