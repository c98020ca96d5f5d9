"""The site's HTML pages as a browser without JavaScript meets them: a Django test client, the comment
form's fields, what the form shows again, and the number of queries a page takes."""

from __future__ import annotations

import html
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def browser(user=None, *, language: str = "en", **kwargs) -> Client:
    client = Client(headers={"accept-language": language}, **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def comment_form(**fields) -> dict:
    return {"action": "comment", "text": "Mehr Bäume am Ufer", **fields}


def textarea_content(response) -> str:
    """What the comment form's textarea shows again, unescaped."""
    match = re.search(r'<textarea[^>]*\bid="id_text"[^>]*>(.*?)</textarea>', response.content.decode(), re.DOTALL)
    assert match, "the page shows the comment form"
    return html.unescape(match.group(1)).strip("\n")


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)
