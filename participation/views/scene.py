"""The 3D view of a consultation: the twin's buildings extruded by their heights, coloured by what citizens said.

The page draws the scene with MapLibre GL JS (installed from npm at set-up, served as static files) on a style
with no tiles from anywhere: a background, the consultation's area and the buildings from ``scene.geojson``.
The same information is on the page as a table, for everyone who cannot or does not want to use the canvas.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from participation import selectors
from participation.models import ConsultationPage
from participation.selectors import Scene, SiteProfile, consultation_scene, scene_feature_collection

MAPLIBRE_SCRIPT = "vendor/maplibre-gl/maplibre-gl.mjs"
MAPLIBRE_STYLESHEET = "vendor/maplibre-gl/maplibre-gl.css"
DEFAULT_HEIGHT = 10  # metres, for buildings whose height the twin does not know


def maplibre_installed() -> bool:
    """Whether `npm ci` has put MapLibre's files where the static files are served from."""
    return finders.find(MAPLIBRE_SCRIPT) is not None or staticfiles_storage.exists(MAPLIBRE_SCRIPT)


def _public_consultation(request, page_pk: int) -> ConsultationPage:
    """A published consultation the request may see (Wagtail's privacy settings included), or 404."""
    consultation = selectors.published_consultation(pk=page_pk, site=selectors.site_scope_for_request(request))
    if consultation is None:
        raise Http404
    # Its own and its ancestors' restrictions, as Wagtail checks them before serving the page.
    if any(not restriction.accept_request(request) for restriction in selectors.view_restrictions(consultation)):
        raise Http404
    return consultation


def _bounds(consultation: ConsultationPage) -> list[float] | None:
    if consultation.area_min_lon is None:
        return None
    return [consultation.area_min_lon, consultation.area_min_lat, consultation.area_max_lon, consultation.area_max_lat]


def scene3d_config(consultation: ConsultationPage, profile: SiteProfile, *, texts: dict, title: str) -> dict:
    """What ``scene3d.js`` needs to draw a consultation's twin: where to get the scene, where to look, and its
    words in the page's language (``texts``: loading, ready, noWebgl, failed, as the page says them)."""
    lat, lon = profile.map_center
    return {
        "maplibreUrl": static(MAPLIBRE_SCRIPT),
        "sceneUrl": reverse("participation:consultation-3d-scene", args=[consultation.pk]),
        "pinsUrl": f"{reverse('api:contribution-geojson')}?consultation={consultation.pk}",
        "area": consultation.area,
        "bounds": _bounds(consultation),
        "center": [lon, lat],
        "zoom": profile.map_zoom,
        "defaultHeight": DEFAULT_HEIGHT,
        "labels": {
            **texts,
            "comments": _("Comments"),
            "support": _("Support"),
            "oppose": _("Oppose"),
            "abstain": _("Abstain"),
            "height": _("Height"),
            "heightUnknown": _("unknown, drawn as %(height)s m") % {"height": DEFAULT_HEIGHT},
            "comment": _("Comment"),
        },
        # MapLibre's own words (control names, the canvas' label), in the page's language.
        "locale": {
            "Map.Title": title,
            "NavigationControl.ZoomIn": _("Zoom in"),
            "NavigationControl.ZoomOut": _("Zoom out"),
            "NavigationControl.ResetBearing": _("Reset the view to north"),
            "Popup.Close": _("Close"),
            "AttributionControl.ToggleAttribution": _("Show or hide the credits"),
        },
    }


def _scene_config(consultation: ConsultationPage, scene: Scene, pin_count: int, profile: SiteProfile) -> dict:
    """The consultation's 3D page: its twin with the words of a page that lists the same beside it."""
    buildings = ngettext(
        "The 3D view shows %(count)s building", "The 3D view shows %(count)s buildings", len(scene.buildings)
    ) % {"count": len(scene.buildings)}
    pins = ngettext("and %(count)s pinned comment.", "and %(count)s pinned comments.", pin_count) % {"count": pin_count}
    texts = {
        "loading": _("The 3D view is loading."),
        "ready": f"{buildings} {pins}",
        "noWebgl": _(
            "This browser cannot show the 3D view: it needs WebGL 2, which is turned off or missing here. "
            "The table below lists the same information."
        ),
        "failed": _("The 3D view could not be loaded. The table below lists the same information."),
    }
    return scene3d_config(consultation, profile, texts=texts, title=_("3D view of the consultation area"))


@require_safe
def consultation_3d(request, page_pk: int):
    consultation = _public_consultation(request, page_pk)
    scene = consultation_scene(consultation=consultation, site=selectors.site_scope_for_request(request))
    pin_count = selectors.map_contributions(consultation_id=consultation.pk).count()
    installed = maplibre_installed()
    profile = selectors.site_profile_for_request(request)
    context = {
        # ``page`` as on the consultation's own page: the title, the content language, the user bar.
        "page": consultation,
        "consultation": consultation,
        "scene": scene,
        "buildings_with_voices": [building for building in scene.buildings if building.has_voices],
        "pin_count": pin_count,
        "maplibre_installed": installed,
        "maplibre_stylesheet": MAPLIBRE_STYLESHEET,
        "scene_config": _scene_config(consultation, scene, pin_count, profile) if installed else None,
    }
    return render(request, "participation/consultation_3d.html", context)


@require_safe
def consultation_3d_scene(request, page_pk: int):
    """The buildings of the consultation's area as GeoJSON (WGS84), with the comments and votes tied to each."""
    consultation = _public_consultation(request, page_pk)
    scene = consultation_scene(consultation=consultation, site=selectors.site_scope_for_request(request))
    collection = scene_feature_collection(scene)
    return JsonResponse(collection, content_type="application/geo+json")
