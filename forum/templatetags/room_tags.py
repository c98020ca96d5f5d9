"""Template helpers of the room: the QR code of a room's address."""

from __future__ import annotations

import segno
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def room_qr(address: str, *, label: str = "", dark: str = "#000000", light: str = "#ffffff") -> str:
    """The QR code of a room's phone page (its ``join_url``) as inline SVG, drawn on the server (no other host
    is asked)."""
    qr = segno.make(address, error="m")
    # omitsize: a viewBox instead of a fixed size, so the page's CSS sizes it (a phone, a 5 m screen).
    svg = qr.svg_inline(
        scale=1, border=2, dark=dark, light=light, svgclass="room-qr", title=label or None, omitsize=True
    )
    # segno writes the markup and escapes the title; the rest of it is numbers and our colours.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # nosec B308, B703 # segno's SVG, title escaped
