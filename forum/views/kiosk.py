"""Kiosk screens: the page and its snapshot, opened by the screen's token.

The page is a stage of scenes (the poll, a proposal, the results by channel, the comment wall, the map,
the 3D twin, how to join); its script picks the one to show, following the presenter or rotating, and
fills them from the snapshot (``forum.live.screen_snapshot``) and the socket's frames.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache

from forum.cookies import TOKEN_COOKIE
from forum.live import screen_snapshot
from forum.models import Screen
from forum.selectors import public_host, screen_access
from forum.views.devices import device_access
from forum.views.script_labels import plural_forms
from participation.models import ConsultationPage, Phase, RatingValue
from participation.selectors import SiteProfile, site_id_of_page, site_profile_for_request
from participation.views.maps import map_context
from participation.views.scene import MAPLIBRE_STYLESHEET, maplibre_installed, scene3d_config


def _labels() -> dict:
    """Every word the page's script writes, in the page's language (the script has none of its own)."""
    return {
        "status": {
            "connecting": _("connecting…"),
            "live": _("live"),
            "updating": _("updating…"),
            "offline": _("Connection lost, reconnecting… The numbers shown may not be current."),
        },
        # Phone votes are an opinion snapshot of the room (Meinungsbild): see the note on the results scene.
        "channels": {
            "online": _("Online"),
            "phone": _("Phones in the room (opinion snapshot)"),
            "terminal": _("Terminals in the room"),
            "analog": _("On paper"),
        },
        "choices": {"support": _("Support"), "oppose": _("Oppose"), "abstain": _("Abstain")},
        "phases": {value: str(label) for value, label in Phase.choices},
        "channel": _("Where"),
        "total": _("Total"),
        "byChannel": _("Votes on “{title}” by channel"),
        "ratingsByChannel": _("Ratings of “{title}” by channel"),
        "ratings": _("Ratings"),
        "averageRating": _("Average rating"),
        "ratingAverage": _("Average rating: %(average)s of 5") % {"average": "{average}"},
        "ratingCount": plural_forms("%(counter)s rating", "%(counter)s ratings"),
        "ratingValues": {str(value): str(label) for value, label in RatingValue.choices},
        "noProposals": _("There are no proposals yet."),
        "pollOpen": _("Open: answer on your phone"),
        "pollClosed": _("This poll is closed."),
        "resultsFollow": _("Results follow"),
        "answersSoFar": plural_forms("%(counter)s answer so far", "%(counter)s answers so far"),
        "answersCounted": plural_forms(
            "%(counter)s answer from the room and online", "%(counter)s answers from the room and online"
        ),
        "noAnswers": _("No answers yet."),
        "average": _("Average: %(average)s") % {"average": "{average}"},
        "scaleLow": _("1 = not at all"),
        "scaleHigh": _("5 = very much"),
        "noQuestions": _("No questions shown yet. Ask yours on your phone."),
        "beingAnswered": _("Being answered now"),
        "upvotes": plural_forms("%(counter)s upvote", "%(counter)s upvotes"),
        "noComments": _("No comments yet."),
        "onProposal": _("On: {title}"),
        "madeIn": {
            "online": _("online"),
            "phone": _("in the room"),
            "terminal": _("at a terminal in the room"),
            "analog": _("on paper"),
        },
        "madeAt": pgettext("a comment was written at (time), (where)", "{time}, {channel}"),
    }


def _scene3d_config(consultation: ConsultationPage, profile: SiteProfile) -> dict | None:
    """What ``participation/scene3d.js`` needs to draw the twin on a screen, with a screen's words."""
    if not maplibre_installed():
        return None
    texts = {
        "loading": _("The 3D twin is loading."),
        "ready": _("The buildings of the area, coloured by the support for the proposals tied to them."),
        "noWebgl": _(
            "This screen cannot show the 3D twin: it needs WebGL 2, which is turned off or missing here. "
            "The other scenes are not affected."
        ),
        "failed": _("The 3D twin could not be loaded. The other scenes are not affected."),
    }
    return scene3d_config(consultation, profile, texts=texts, title=_("3D view of the consultation area"))


def _config(screen: Screen) -> dict:
    return {
        "urls": {
            "snapshot": reverse("kiosk-snapshot", args=[screen.slug]),
            "socket": f"/ws/kiosk/{screen.slug}/",
            "leaflet": static("leaflet/leaflet.js"),
            "basemap": static("participation/twin-basemap.js"),
            "map": static("participation/map.js"),
            "scene3d": static("participation/scene3d.js"),
        },
        "heartbeat": settings.LIVE_HEARTBEAT_INTERVAL,
        "labels": _labels(),
    }


@never_cache
def kiosk(request, slug: str):
    access = device_access(request, slug=slug, access=screen_access, url_name="kiosk", socket_path=f"/ws/kiosk/{slug}/")
    if isinstance(access, HttpResponse):
        return access
    screen = access.device
    snapshot = screen_snapshot(screen)
    consultation = screen.consultation
    profile = site_profile_for_request(request)
    scene3d = _scene3d_config(consultation, profile)
    context = {
        "screen": screen,
        "snapshot": snapshot,
        "room": snapshot["room"]["room"],
        "phase": Phase(snapshot["results"]["phase"]).label,
        "config": _config(screen),
        "join_host": public_host(site_id=site_id_of_page(consultation)),
        "scene3d_config": scene3d,
        "maplibre_stylesheet": MAPLIBRE_STYLESHEET if scene3d else None,
        **map_context(consultation, [], profile),
    }
    return render(request, "forum/kiosk.html", context)


@never_cache
def kiosk_snapshot(request, slug: str):
    """What a screen draws, for its first paint and after every reconnect or missed frame: one JSON."""
    access = screen_access(slug=slug, token=request.COOKIES.get(TOKEN_COOKIE))
    if not access.granted:
        return JsonResponse({"type": "refused", "status": access.refused}, status=access.refused)
    return JsonResponse(screen_snapshot(access.device))
