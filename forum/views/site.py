"""Views of the site as a whole: health check, rate-limit page, the icon at /favicon.ico."""

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from forum.celery import app as celery_app


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_channel_layer() -> str:
    layer = get_channel_layer()

    async def roundtrip():
        if isinstance(layer, InMemoryChannelLayer):
            channel = await layer.new_channel()
            await layer.send(channel, {"type": "healthz"})
            await layer.receive(channel)  # an emptied channel is dropped: nothing stays behind
        else:
            # Redis pub/sub: a publish over the layer's own connection, which Redis answers or not. Never a
            # channel of its own: a subscription per call stayed behind (one more each time), and a publish
            # could overtake its subscribe under load (a false 503).
            await layer.send(f"{settings.CHANNEL_LAYER_PREFIX}.healthz", {"type": "healthz"})

    async_to_sync(asyncio.wait_for)(roundtrip(), timeout=2)
    return "ok"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
def healthz(request):
    checks = {"database": _check_database, "channel_layer": _check_channel_layer, "broker": _check_broker}
    report = {}
    for name, check in checks.items():
        try:
            report[name] = check()
        except Exception as exc:  # a health check reports every failure, whatever it is
            report[name] = f"error: {type(exc).__name__}"
    healthy = all(not value.startswith("error") for value in report.values())
    return JsonResponse({"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503)


def rate_limited(request, exception):
    return render(request, "429.html", status=429)


@require_safe
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request):
    """static/favicon.ico at the address browsers and feed readers ask without a <link> (pages link the SVG
    and PNG under /static/): answered here, without a query, instead of a 404 from Wagtail's page tree."""
    return FileResponse(open(finders.find("favicon.ico"), "rb"), content_type="image/x-icon")
