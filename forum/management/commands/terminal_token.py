"""``manage.py terminal_token <slug>``: a touch terminal's new token, printed as the address that carries it."""

from forum.management.commands._device_token import DeviceTokenCommand


class Command(DeviceTokenCommand):
    help = "Issue a new token for a touch terminal and print the terminal's address that carries it (BASE_URL)."
    kind = "terminal"
