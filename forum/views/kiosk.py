"""Kiosk screens: the page and its snapshot, opened by the screen's token."""

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from forum.cookies import TOKEN_COOKIE, set_token_cookies
from forum.selectors import screen_access
from participation.live import consistent_snapshot


def _refusal(request, access):
    return render(request, "forum/device_refused.html", {"access": access}, status=access.refused)


@never_cache
def kiosk(request, slug: str):
    token = request.GET.get("token")
    if token is not None:
        # The address the operator was given: keep the token in a cookie, then drop it from the address bar.
        access = screen_access(slug=slug, token=token)
        if not access.granted:
            return _refusal(request, access)
        response = redirect("kiosk", slug=slug)
        set_token_cookies(response, token=token, page_path=request.path, socket_path=f"/ws/kiosk/{slug}/")
        return response
    access = screen_access(slug=slug, token=request.COOKIES.get(TOKEN_COOKIE))
    if not access.granted:
        return _refusal(request, access)
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
