"""Devices in the admin: "New key" for a screen or terminal, shown once and never stored in clear."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from forum import selectors, services
from forum.rules import allows


@never_cache
@require_http_methods(["GET", "POST"])
def new_key(request, kind: str, pk: int):
    """GET asks to confirm (the old key stops working); POST issues the key and shows its address this once."""
    device = selectors.device_of(kind=kind, pk=pk)
    if device is None:
        raise Http404
    if not allows("forum.manage_devices", request.user, device):
        raise PermissionDenied
    context = {
        "device": device,
        "kind": kind,
        "page_title": _("New key for %(device)s") % {"device": device},
        "edit_url": reverse(f"wagtailsnippets_forum_{kind}:edit", args=[device.pk]),
        "url": None,
    }
    if request.method == "POST":
        token = services.issue_device_token(device=device, issuer=request.user)
        context["url"] = selectors.device_token_url(device, token)
    return render(request, "forum/admin/new_key.html", context)
