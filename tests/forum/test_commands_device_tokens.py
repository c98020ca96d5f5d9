"""``manage.py screen_token <slug>`` and ``terminal_token <slug>``: a new token, printed once as the
address that carries it (BASE_URL); only its digest is kept, and the old token stops working."""

from __future__ import annotations

import hashlib
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from forum.models import Screen, Terminal
from tests.support import factories


def run(command: str, slug: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, slug, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


@pytest.mark.parametrize(
    ("command", "make", "model", "path"),
    [
        ("screen_token", factories.screen, Screen, "/kiosk/foyer/"),
        ("terminal_token", factories.terminal, Terminal, "/terminal/foyer/"),
    ],
)
def test_a_new_token_is_printed_as_the_address_and_stored_only_as_a_digest(
    settings, voting_consultation, command, make, model, path
):
    settings.BASE_URL = "https://forum.example.org/"
    device = make(voting_consultation, slug="foyer")
    old_hash = device.token_hash

    url, note = run(command, "foyer")

    address = urlsplit(url)
    assert (address.scheme, address.netloc, address.path) == ("https", "forum.example.org", path)
    (token,) = parse_qs(address.query)["token"]
    stored = model.objects.get(pk=device.pk)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() != old_hash
    assert token not in {stored.token_hash, stored.name, stored.slug}
    assert "old one no longer works" in note


def test_the_new_screen_token_opens_the_kiosk_and_the_old_one_does_not(client, voting_consultation):
    screen = factories.screen(voting_consultation, slug="foyer")
    url, _ = run("screen_token", "foyer")
    assert client.get(f"/kiosk/foyer/?token={screen.token}").status_code == 403
    address = urlsplit(url)
    response = client.get(f"{address.path}?{address.query}")
    assert response.status_code == 302
    assert client.get("/kiosk/foyer/").status_code == 200


@pytest.mark.parametrize("command", ["screen_token", "terminal_token"])
def test_an_unknown_slug_is_an_error_with_a_message(db, command):
    with pytest.raises(CommandError, match=r"no (screen|terminal) with the slug 'nirgends'"):
        run(command, "nirgends")


def test_a_retired_device_gets_its_token_and_a_warning(voting_consultation):
    screen = factories.screen(voting_consultation, slug="foyer")
    screen.is_active = False
    screen.save()
    url, note = run("screen_token", "foyer")
    assert "token=" in url and "retired" in note
