"""Several municipalities on one installation, in the room's admin: staff of site A open, run and close room
sessions of site A's consultations only, and list, set up and change site A's screens and terminals only;
superusers see both sites."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from forum import services as forum_services
from forum.models import RoomSession, Scene, Screen, Terminal
from participation import services
from participation.models import PollState
from tests.support import factories
from tests.support.pages import browser
from tests.support.sites import refused, roles_without_tree_grants, second_site, site_moderator

DEVICE_PERMISSIONS = [
    f"{action}_{kind}" for action in ("add", "change", "delete", "view") for kind in ("screen", "terminal")
]


@pytest.fixture
def city(db):
    """Kalletal (the default site) and Lemgo: a consultation each with an open room session, a screen, a terminal
    and a poll; Kalletal's moderator, who may also set up devices."""
    home_a, home_b = factories.home_page(), second_site()
    roles_without_tree_grants()
    root = factories.CitizenFactory(username="root", is_superuser=True, is_staff=True)
    a = factories.consultation("vote", title="Marktplatz Kalletal", slug="kalletal-markt", parent=home_a)
    b = factories.consultation("vote", title="Rathausplatz Lemgo", slug="lemgo-rathaus", parent=home_b)
    staff = site_moderator("kalletal.staff", root=home_a)
    staff.groups.get(name__startswith="Staff of").permissions.add(
        *Permission.objects.filter(content_type__app_label="forum", codename__in=DEVICE_PERMISSIONS)
    )
    world = {"a": a, "b": b, "staff": staff, "root": root}
    for site, consultation in (("a", a), ("b", b)):
        world[f"room_{site}"] = factories.room(consultation, presenter=root, title=f"Abend {site}")
        world[f"screen_{site}"] = factories.screen(consultation, slug=f"screen-{site}")
        world[f"terminal_{site}"] = factories.terminal(consultation, slug=f"terminal-{site}")
        world[f"poll_{site}"] = services.add_poll(
            presenter=root, consultation=consultation, question=f"Frage {site}?", options=["Ja", "Nein"]
        )
    return world


@pytest.fixture
def staff(city) -> Client:
    return browser(city["staff"])


@pytest.fixture
def superuser(city) -> Client:
    return browser(city["root"])


# --- Room sessions and the console ---------------------------------------------------------------------


def test_the_room_list_shows_and_offers_the_own_sites_consultations_only(city, staff, superuser):
    page = staff.get("/admin/room/").content.decode()
    assert city["room_a"].code in page and city["room_b"].code not in page
    everything = superuser.get("/admin/room/").content.decode()
    assert city["room_a"].code in everything and city["room_b"].code in everything


def test_a_room_is_opened_for_the_own_sites_consultation_only(city, staff):
    for room in RoomSession.objects.all():
        forum_services.close_room(presenter=city["root"], room=room)
    choices = staff.get("/admin/room/").content.decode()
    assert "Marktplatz Kalletal" in choices and "Rathausplatz Lemgo" not in choices
    refused_form = staff.post("/admin/room/", {"consultation": city["b"].pk, "title": "Heute"})
    assert refused_form.status_code == 400
    assert not RoomSession.objects.filter(consultation=city["b"], closed_at__isnull=True).exists()
    assert staff.post("/admin/room/", {"consultation": city["a"].pk, "title": "Heute"}).status_code == 302
    assert RoomSession.objects.filter(consultation=city["a"], closed_at__isnull=True).exists()


@pytest.mark.parametrize("site", ["a", "b"])
def test_the_console_and_its_actions_on_the_own_sites_room_only(city, staff, site):
    room, poll = city[f"room_{site}"], city[f"poll_{site}"]
    base = f"/admin/room/{room.pk}/"
    answers = {
        "console": staff.get(base),
        "status": staff.get(f"{base}status/"),
        "show": staff.post(f"{base}show/", {"scene": Scene.PAUSE}),
        "poll": staff.post(f"{base}polls/{poll.pk}/", {"action": "open"}),
    }
    room.refresh_from_db()
    poll.refresh_from_db()
    if site == "a":
        assert [answers["console"].status_code, answers["status"].status_code] == [200, 200]
        assert room.scene == Scene.PAUSE and poll.state == PollState.OPEN
    else:
        assert all(refused(answer) for answer in answers.values()), {k: v.status_code for k, v in answers.items()}
        assert room.scene != Scene.PAUSE and poll.state != PollState.OPEN
    closed = staff.post(f"{base}close/")
    room.refresh_from_db()
    assert room.is_open is (site == "b")
    if site == "b":
        assert refused(closed)


# --- Screens and terminals -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["screen", "terminal"])
def test_the_device_listings_show_the_own_sites_devices_only(city, staff, superuser, kind):
    listing = staff.get(f"/admin/snippets/forum/{kind}/").content.decode()
    assert f"{kind}-a" in listing and f"{kind}-b" not in listing
    everything = superuser.get(f"/admin/snippets/forum/{kind}/").content.decode()
    assert f"{kind}-a" in everything and f"{kind}-b" in everything


@pytest.mark.parametrize("kind", ["screen", "terminal"])
def test_another_sites_device_is_neither_changed_nor_deleted_nor_given_a_key(city, staff, kind):
    device = city[f"{kind}_b"]
    before = device.token_hash
    edit = f"/admin/snippets/forum/{kind}/edit/{device.pk}/"
    answers = [
        staff.get(edit),
        staff.post(edit, device_form(device, name="Gekapert")),
        staff.post(f"/admin/snippets/forum/{kind}/delete/{device.pk}/"),
        staff.post(f"/admin/devices/{kind}/{device.pk}/new-key/"),
    ]
    assert all(refused(answer) for answer in answers), [answer.status_code for answer in answers]
    device.refresh_from_db()
    assert device.name != "Gekapert" and device.token_hash == before
    own = city[f"{kind}_a"]
    assert staff.get(f"/admin/snippets/forum/{kind}/edit/{own.pk}/").status_code == 200
    assert staff.post(f"/admin/devices/{kind}/{own.pk}/new-key/").status_code == 200


@pytest.mark.parametrize("kind", ["screen", "terminal"])
def test_a_device_is_set_up_for_the_own_sites_consultation_only(city, staff, kind):
    model = {"screen": Screen, "terminal": Terminal}[kind]
    add = f"/admin/snippets/forum/{kind}/add/"
    other = model(name="Lemgo", slug=f"new-{kind}-b", consultation=city["b"])
    response = staff.post(add, device_form(other))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not model.objects.filter(slug=f"new-{kind}-b").exists()
    own = model(name="Kalletal", slug=f"new-{kind}-a", consultation=city["a"])
    assert staff.post(add, device_form(own)).status_code == 302
    assert model.objects.filter(slug=f"new-{kind}-a", consultation=city["a"]).exists()


def test_a_screen_is_not_preset_to_another_sites_consultation(city, staff):
    page = staff.get("/admin/snippets/forum/screen/add/", {"consultation": city["b"].pk}).content.decode()
    assert f'name="consultation" value="{city["b"].pk}"' not in page
    own = staff.get("/admin/snippets/forum/screen/add/", {"consultation": city["a"].pk}).content.decode()
    assert f'name="consultation" value="{city["a"].pk}"' in own


def device_form(device, **fields) -> dict:
    values = {
        "name": device.name,
        "slug": device.slug,
        "consultation": device.consultation_id,
        "is_active": "on",
        **fields,
    }
    if isinstance(device, Screen):
        values.update(mode="follow", rotation=inline_formset([]))
    return nested_form_data(values)
