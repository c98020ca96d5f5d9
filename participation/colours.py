"""Colours staff choose for their site, and whether text stays readable on them (WCAG 2.1, 1.4.3)."""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Normal text needs 4.5:1 against its background (WCAG 2.1 AA, 1.4.3).
MIN_CONTRAST = 4.5


def rgb(colour: str) -> tuple[int, int, int]:
    """``"#0b4f8a"`` -> ``(11, 79, 138)``."""
    if not HEX_COLOUR.match(colour):
        raise ValueError(f"not a colour like #0b4f8a: {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(value) for value in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (the same) to 21 (black on white), whichever is lighter."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darker(colour: str, share: float = 0.25) -> str:
    """``colour`` mixed with ``share`` of black: its hover shade, darker still, so its contrast only grows."""
    return "#" + "".join(f"{round(value * (1 - share)):02x}" for value in rgb(colour))
