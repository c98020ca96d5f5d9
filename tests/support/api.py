"""The JSON API v1 (/api/v1/) as a browser's script calls it: CSRF enforced, English messages."""

from __future__ import annotations

import json
import secrets

from django.test import Client

API = "/api/v1"


def api_client(user=None) -> Client:
    """A browser-like client: CSRF enforced, English messages, logged in as ``user`` if given."""
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    token = secrets.token_hex(16)
    client.cookies["csrftoken"] = token
    client.csrf = token
    return client


def post_json(client: Client, url: str, data: dict, *, csrf: bool = True):
    headers = {"X-CSRFToken": client.csrf} if csrf else {}
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)
