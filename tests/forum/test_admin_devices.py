"""Devices in the admin: screens (with their rotation) and terminals as snippets; "New key" shows the new
address once and keeps only a digest; only staff who may change devices get there; saving or retiring a
device tells its open sockets."""

from __future__ import annotations

import hashlib
import re

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import Group, Permission
from django.test import Client
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from forum import services as forum_services
from forum.models import Screen, ScreenScene, Terminal
from forum.rules import allows
from tests.support import factories


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin(staff) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    return client


@pytest.fixture
def screen(voting_consultation):
    return factories.screen(voting_consultation, slug="foyer")


@pytest.fixture
def terminal(voting_consultation):
    return factories.terminal(voting_consultation, slug="eingang")


def new_key_url(device) -> str:
    return f"/admin/devices/{device._meta.model_name}/{device.pk}/new-key/"


def shown_url(response) -> str:
    match = re.search(r'id="device-url"[^>]*value="([^"]+)"', response.content.decode())
    assert match, "the page shows no address"
    return match[1].replace("&amp;", "&")


@pytest.mark.parametrize("kind", ["screen", "terminal"])
def test_new_key_is_shown_once_and_stored_as_a_digest(
    admin, screen, terminal, kind, django_capture_on_commit_callbacks
):
    device = screen if kind == "screen" else terminal
    before = device.token_hash

    asked = admin.get(new_key_url(device))
    assert asked.status_code == 200 and "Issue a new key" in asked.content.decode()
    device.refresh_from_db()
    assert device.token_hash == before  # asking issues nothing

    with django_capture_on_commit_callbacks(execute=True):
        issued = admin.post(new_key_url(device))
    assert issued.status_code == 200
    assert "no-store" in issued["Cache-Control"] or "max-age=0" in issued["Cache-Control"]
    url = shown_url(issued)
    path = "/kiosk/foyer/" if kind == "screen" else "/terminal/eingang/"
    assert re.fullmatch(rf"http://127\.0\.0\.1:8000{path}\?token=[\w-]{{20,}}", url)
    token = url.split("token=", 1)[1]
    device.refresh_from_db()
    assert device.token_hash == hashlib.sha256(token.encode()).hexdigest() != before
    model = Screen if kind == "screen" else Terminal
    assert not model.objects.filter(token_hash=token).exists()

    # Shown this once: the pages after it do not have it.
    for page in (admin.get(new_key_url(device)), admin.get(f"/admin/snippets/forum/{kind}/edit/{device.pk}/")):
        assert token not in page.content.decode()


def test_the_new_key_opens_the_kiosk_and_voids_the_old(admin, screen, client):
    url = shown_url(admin.post(new_key_url(screen)))
    assert client.get(f"/kiosk/foyer/?token={screen.token}").status_code == 403
    assert client.get(url.split("127.0.0.1:8000", 1)[1]).status_code == 302


def test_only_staff_who_may_change_devices_get_a_new_key(db, screen, client):
    before = screen.token_hash
    # Someone in the admin, but not allowed to change screens.
    clerk = factories.CitizenFactory(username="clerk")
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(clerk)
    for response in (client.get(new_key_url(screen)), client.post(new_key_url(screen))):
        # Wagtail answers a refusal inside the admin with a redirect to its dashboard and a message.
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    screen.refresh_from_db()
    assert screen.token_hash == before
    # Staff of the screen's site granted "change screen" may.
    clerk.user_permissions.add(Permission.objects.get(codename="change_screen"))
    clerk.groups.add(factories.grant_site(Group.objects.create(name="Staff of the site")))
    clerk = type(clerk).objects.get(pk=clerk.pk)  # permissions are cached on the user
    client.force_login(clerk)
    assert client.post(new_key_url(screen)).status_code == 200
    screen.refresh_from_db()
    assert screen.token_hash != before
    # Visitors go to the login.
    client.logout()
    assert client.get(new_key_url(screen))["Location"].startswith("/admin/login/")


def test_unknown_devices_are_not_found(admin, screen):
    assert admin.get("/admin/devices/printer/1/new-key/").status_code == 404
    assert admin.get(f"/admin/devices/terminal/{screen.pk + 1000}/new-key/").status_code == 404


def test_the_listing_and_the_edit_page_offer_new_key(admin, screen, terminal):
    for kind, device in (("screen", screen), ("terminal", terminal)):
        assert new_key_url(device) in admin.get(f"/admin/snippets/forum/{kind}/").content.decode()
        assert new_key_url(device) in admin.get(f"/admin/snippets/forum/{kind}/edit/{device.pk}/").content.decode()


def test_the_listings_say_in_words_whether_a_device_is_active(staff, screen, terminal):
    terminal.is_active = False
    terminal.save()
    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    german.force_login(staff)

    for kind, state in (("screen", "aktiv"), ("terminal", "außer Betrieb")):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", german.get(f"/admin/snippets/forum/{kind}/").content.decode(), re.S)
        words = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]
        assert state in words and "True" not in words and "False" not in words, words


def listening(device) -> str:
    """A channel in the device's group, as an open socket of it would be."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(forum_services.device_group(device), channel)
    return channel


def heard(channel: str) -> dict:
    return async_to_sync(get_channel_layer().receive)(channel)


def screen_form(screen, **fields) -> dict:
    values = {
        "name": screen.name,
        "slug": screen.slug,
        "consultation": screen.consultation_id,
        "mode": "follow",
        "is_active": "on",
        "rotation": inline_formset([]),
        **fields,
    }
    if not values["is_active"]:
        del values["is_active"]
    return nested_form_data(values)


def test_a_rotation_is_set_in_the_screen_form_and_its_page_reloads(admin, screen, django_capture_on_commit_callbacks):
    channel = listening(screen)
    rotation = inline_formset([{"scene": "wall", "seconds": 15}, {"scene": "map", "seconds": 30}])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/admin/snippets/forum/screen/edit/{screen.pk}/", screen_form(screen, mode="rotate", rotation=rotation)
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    screen.refresh_from_db()
    assert screen.mode == "rotate"
    assert list(ScreenScene.objects.filter(screen=screen).values_list("scene", "seconds")) == [
        ("wall", 15),
        ("map", 30),
    ]
    assert heard(channel) == {"type": "device.event", "group": f"device.screen.{screen.pk}", "reload": True}


def test_a_rotation_step_out_of_bounds_is_refused(admin, screen):
    rotation = inline_formset([{"scene": "wall", "seconds": 2}])
    response = admin.post(f"/admin/snippets/forum/screen/edit/{screen.pk}/", screen_form(screen, rotation=rotation))
    assert response.status_code == 200 and not ScreenScene.objects.exists()


def test_retiring_a_screen_closes_its_sockets_as_retired(admin, screen, django_capture_on_commit_callbacks):
    channel = listening(screen)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/admin/snippets/forum/screen/edit/{screen.pk}/", screen_form(screen, is_active=""))
    assert response.status_code == 302
    assert heard(channel) == {"type": "device.event", "group": f"device.screen.{screen.pk}", "code": 4410}


def test_deleting_a_terminal_closes_its_sockets_as_retired(admin, terminal, django_capture_on_commit_callbacks):
    channel = listening(terminal)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/admin/snippets/forum/terminal/delete/{terminal.pk}/")
    assert response.status_code == 302 and not Terminal.objects.exists()
    assert heard(channel) == {"type": "device.event", "group": f"device.terminal.{terminal.pk}", "code": 4410}


# --- "Show on a screen" from a consultation --------------------------------------------------------


def chosen_consultation(response) -> str:
    """The consultation the screen form's page chooser holds (its hidden input), '' for none."""
    match = re.search(r'<input type="hidden" name="consultation"( value="(\d*)")?', response.content.decode())
    assert match, "the form has no consultation chooser"
    return match[2] or ""


def test_a_consultation_is_put_on_a_new_screen_from_its_admin_page_in_one_go(admin, voting_consultation):
    edit = admin.get(f"/admin/pages/{voting_consultation.pk}/edit/").content.decode()
    add_url = f"/admin/snippets/forum/screen/add/?consultation={voting_consultation.pk}"
    assert add_url in edit.replace("&amp;", "&")
    assert "Show on a screen" in edit

    assert chosen_consultation(admin.get(add_url)) == str(voting_consultation.pk)

    new = Screen(name="Saal", slug="saal", consultation=voting_consultation)
    response = admin.post(add_url, screen_form(new))
    screen = Screen.objects.get(slug="saal")
    assert (response.status_code, response["Location"]) == (302, new_key_url(screen))
    assert screen.consultation_id == voting_consultation.pk and screen.token_hash == ""


def test_show_on_a_screen_is_offered_only_where_it_can_be_done(admin, voting_consultation):
    assert (
        "Show on a screen"
        not in admin.get(f"/admin/pages/{voting_consultation.get_parent().pk}/edit/").content.decode()
    )
    draft = factories.consultation("vote", title="Noch nicht veröffentlicht")
    draft.unpublish()
    assert "Show on a screen" not in admin.get(f"/admin/pages/{draft.pk}/edit/").content.decode()
    # The address with an unpublished consultation or rubbish presets nothing.
    for preset in (str(draft.pk), "abc", "999999"):
        assert chosen_consultation(admin.get(f"/admin/snippets/forum/screen/add/?consultation={preset}")) == ""
    # An editor who may edit pages but not set up screens does not see it.
    editor = factories.CitizenFactory(username="redaktion")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert not allows("forum.add_screen", editor)
    editor.user_permissions.add(Permission.objects.get(codename="add_screen"))
    assert allows("forum.add_screen", type(editor).objects.get(pk=editor.pk))
