"""Kiosk screens' sockets: a registered screen, by its token, on its consultation's results and room."""

from forum.consumers.base import DeviceSocket
from forum.selectors import room_group, screen_access
from participation.live import results_group


class KioskConsumer(DeviceSocket):
    audience = "screen"
    access = staticmethod(screen_access)

    def device_groups(self, screen) -> tuple[str, ...]:
        return (results_group(screen.consultation_id), room_group(screen.consultation_id))
