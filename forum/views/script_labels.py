"""Words for the room's scripts (phone, kiosk, terminal), which carry none of their own: the page gives them."""

from django.utils.translation import ngettext


def plural_forms(singular: str, plural: str) -> list[str]:
    """A message's singular and plural, with ``{count}`` for the script to fill in (German and English
    have these two forms)."""
    return [ngettext(singular, plural, n) % {"counter": "{count}"} for n in (1, 2)]
