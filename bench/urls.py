"""The bench's URLconf (bench.settings, in the servers the bench starts): the whole site, plus the
trivial views that are the floor of the HTTP figures. They run through the same nginx, the same ASGI
processes and the same middleware (sessions, CSRF, ...) as the site's pages and votes, and do nothing else."""

import json

from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.http import require_GET, require_POST


@require_GET
def trivial_get(request):
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def trivial_post(request):
    """Parses a vote's JSON body and answers like a vote, writing nothing: a vote's floor (CSRF checked)."""
    body = json.loads(request.body or b"{}")
    return JsonResponse({"counted": True, "choice": body.get("choice")})


urlpatterns = [
    path("bench/trivial/", trivial_get),
    path("bench/trivial-post/", trivial_post),
    path("", include("forum.urls")),
]
