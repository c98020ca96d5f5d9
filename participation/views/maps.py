"""What the pages' map script needs: the base map, the objects to draw, where to load the rest, its words."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participation import selectors
from participation.models import ConsultationPage, TwinFeature
from participation.selectors import SiteProfile
from participation.twin.credits import source_credit
from participation.twin_tiles import MAX_ZOOM, MIN_ZOOM


def base_map_config(profile: SiteProfile) -> dict:
    """The map's start view and tiles of the site (its ``CityProfile``, or the environment's)."""
    return {
        "center": list(profile.map_center),
        "zoom": profile.map_zoom,
        "tileUrl": profile.tile_url,
        "attribution": profile.tile_attribution,
        "tilesName": _("Map"),
        "basemap": basemap_config(profile.twin_sources),
        "twinFeatureUrl": reverse("api:twin-feature-detail", args=[0]),
    }


def basemap_config(twin_sources: tuple[str, ...]) -> dict | None:
    """The twin as base map (static/participation/twin-basemap.js), or None while the twin is empty: its
    tiles' address template (with the revision, so browsers keep them), zooms, extent and credits."""
    state = selectors.twin_map_state(twin_sources=twin_sources)
    if state is None:
        return None
    tile = reverse("api:twin-tile", args=[0, 0, 0]).replace("/0/0/0.json", "/{z}/{x}/{y}.json")
    west, south, east, north = state["bounds"]
    return {
        "url": f"{tile}?v={state['revision']}",
        "minZoom": MIN_ZOOM,
        "maxNativeZoom": MAX_ZOOM,
        "bounds": [[south, west], [north, east]],
        "name": _("City model"),
        "attribution": " · ".join(dict.fromkeys(source_credit(source) for source in state["sources"])),
    }


def _map_labels() -> dict:
    """What the map script writes or says, in the request's language."""
    found = ("One object found for “%(query)s”.", "%(counter)s objects found for “%(query)s”.")
    return {
        "cluster": _("%(count)s comments here. Zoom in to see them."),
        "aboutObject": _("About this object"),
        "picked": _("Chosen for your comment: %(label)s"),
        "searching": _("Searching …"),
        "foundOne": ngettext(*found, 1),
        "foundMany": ngettext(*found, 2),
        "foundNone": _("No object found for “%(query)s”."),
        "searchFailed": _("The search did not answer. Please try again."),
        "lineDrawn": _("A line is drawn, %(length)s m long. Send the comment to keep it."),
        "areaDrawn": _("An area is drawn, %(size)s m². Send the comment to keep it."),
        "drawingRemoved": _("The drawing is removed."),
        "drawLine": _("Draw a line"),
        "drawArea": _("Draw an area"),
        "cancel": _("Cancel"),
        "cancelTitle": _("Cancel drawing"),
        "finish": _("Finish"),
        "finishTitle": _("Finish drawing"),
        "undo": _("Delete last point"),
        "undoTitle": _("Delete the last point drawn"),
        "lineStart": _("Click to start the line."),
        "lineCont": _("Click to continue the line."),
        "lineEnd": _("Click the last point again to finish the line."),
        "areaStart": _("Click to start the area."),
        "areaCont": _("Click to continue the area."),
        "areaEnd": _("Click the first point to close the area."),
        "crossing": _("The outline must not cross itself."),
    }


def twin_outline(feature: TwinFeature) -> dict:
    url = reverse("participation:twin-feature", args=[feature.pk])
    return {"id": feature.pk, "label": feature.label, "url": url, "geometry": feature.geometry}


def map_context(consultation: ConsultationPage, linked: list[TwinFeature], profile: SiteProfile) -> dict:
    """What the map script needs: the area, the objects to highlight, and where to load the rest per view."""
    return {
        "map_config": {
            **base_map_config(profile),
            "area": consultation.area,
            "consultation": consultation.pk,
            "linked": [twin_outline(feature) for feature in linked],
            "contributionsUrl": reverse("api:contribution-geojson"),
            "twinSearchUrl": reverse("api:twin-feature-list"),
            "labels": _map_labels(),
        }
    }
