"""Template helpers of the maps: what a map script needs, where no view builds it (the admin's area widget)."""

from __future__ import annotations

from django import template

from participation.selectors import site_profile, site_profile_for_request
from participation.views.maps import base_map_config

register = template.Library()


@register.simple_tag(takes_context=True)
def map_config(context, **extra) -> dict:
    """The site's map settings and the twin as base map (``participation.views.maps``), with ``extra``."""
    # A widget renders without the request: the default site's map.
    request = context.get("request")
    profile = site_profile_for_request(request) if request is not None else site_profile()
    return {**base_map_config(profile), **extra}
