"""Template helpers of the maps: what a map script needs, where no view builds it (the admin's area widget)."""

from __future__ import annotations

from django import template

from participation.views.maps import base_map_config

register = template.Library()


@register.simple_tag
def map_config(**extra) -> dict:
    """The site's map settings and the twin as base map (``participation.views.maps``), with ``extra``."""
    return {**base_map_config(), **extra}
