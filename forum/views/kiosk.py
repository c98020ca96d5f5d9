"""Kiosk screens: the page and its snapshot."""

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from forum.selectors import active_screen
from participation.live import consistent_snapshot


def kiosk(request, slug: str):
    screen = active_screen(slug=slug)
    if screen is None:
        raise Http404(_("There is no active screen at this address."))
    snapshot = consistent_snapshot(screen.consultation_id)
    return render(request, "forum/kiosk.html", {"screen": screen, "snapshot": snapshot})


@never_cache
def kiosk_snapshot(request, slug: str):
    """What a screen draws, for its first paint and after every reconnect."""
    screen = active_screen(slug=slug)
    if screen is None:
        raise Http404(_("There is no active screen at this address."))
    return JsonResponse({"type": "results", **consistent_snapshot(screen.consultation_id)})
