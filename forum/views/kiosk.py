"""Kiosk screens: the page and its snapshot, opened by the screen's token."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from forum.cookies import TOKEN_COOKIE
from forum.selectors import screen_access
from forum.views.devices import device_access
from participation.live import consistent_snapshot


@never_cache
def kiosk(request, slug: str):
    access = device_access(request, slug=slug, access=screen_access, url_name="kiosk", socket_path=f"/ws/kiosk/{slug}/")
    if isinstance(access, HttpResponse):
        return access
    screen = access.device
    snapshot = consistent_snapshot(screen.consultation_id)
    return render(request, "forum/kiosk.html", {"screen": screen, "snapshot": snapshot})


@never_cache
def kiosk_snapshot(request, slug: str):
    """What a screen draws, for its first paint and after every reconnect."""
    access = screen_access(slug=slug, token=request.COOKIES.get(TOKEN_COOKIE))
    if not access.granted:
        return JsonResponse({"type": "refused", "status": access.refused}, status=access.refused)
    return JsonResponse(consistent_snapshot(access.device.consultation_id))
