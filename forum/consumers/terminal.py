"""Touch terminals' sockets: a registered terminal, by its token, on its consultation's room (the current poll)."""

from forum.consumers.base import DeviceSocket
from forum.selectors import room_group, terminal_access


class TerminalConsumer(DeviceSocket):
    audience = "terminal"
    access = staticmethod(terminal_access)

    def device_groups(self, terminal) -> tuple[str, ...]:
        return (room_group(terminal.consultation_id),)
