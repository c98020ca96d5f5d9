"""Pages of registered devices (screens, terminals): opened once by the token in their address, then by cookie."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import redirect, render

from forum.cookies import TOKEN_COOKIE, set_token_cookies
from forum.selectors.devices import DeviceAccess


def refused(request, access: DeviceAccess) -> HttpResponse:
    """A clear page for a device that is unknown, retired or not set up, with its status (403/404/410), or a
    neutral one for a screen or terminal with nothing to show (409: its consultation is not published)."""
    terminal = access.device is not None and access.device._meta.model_name == "terminal"
    return render(request, "forum/device_refused.html", {"access": access, "terminal": terminal}, status=access.refused)


def device_access(
    request, *, slug: str, access: Callable[..., DeviceAccess], url_name: str, socket_path: str
) -> DeviceAccess | HttpResponse:
    """The device this page request comes from, or the response to send instead.

    The address an operator is given carries the token: keep it in cookies scoped
    to the page and the socket, then redirect so it leaves the address bar.
    """
    token = request.GET.get("token")
    if token is not None:
        checked = access(slug=slug, token=token)
        if not checked.granted:
            return refused(request, checked)
        response = redirect(url_name, slug=slug)
        set_token_cookies(response, token=token, page_path=request.path, socket_path=socket_path)
        return response
    checked = access(slug=slug, token=request.COOKIES.get(TOKEN_COOKIE))
    return checked if checked.granted else refused(request, checked)
