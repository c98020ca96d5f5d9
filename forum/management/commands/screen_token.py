"""``manage.py screen_token <slug>``: a kiosk screen's new token, printed as the kiosk address that carries it."""

from forum.management.commands._device_token import DeviceTokenCommand


class Command(DeviceTokenCommand):
    help = "Issue a new token for a kiosk screen and print the kiosk address that carries it (BASE_URL)."
    kind = "screen"
