"""Staff create consultations and proposals in the Wagtail admin, area drawn on a map."""

import json
import re

import pytest
from wagtail import hooks
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from participation.models import ConsultationPage, ProposalPage, Vote
from participation.selectors import forget_twin_revision, results_revision
from participation.wagtail_hooks import live_state_follows_pages
from tests.support import factories


@pytest.fixture
def editor(db):
    return factories.UserFactory(username="editor", is_staff=True, is_superuser=True)


def _consultation_form(**overrides) -> dict:
    return nested_form_data(
        {
            "title": "Neuer Marktplatz",
            "slug": "neuer-marktplatz",
            "intro": "Worum es geht.",
            "body": streamfield([]),
            "twin_feature_links": inline_formset([]),
            "area": json.dumps(factories.DELFT_AREA),
            "participation_starts": "2026-01-01 10:00",
            "participation_ends": "2026-12-31 10:00",
            "voting_starts": "2026-06-01 10:00",
            "voting_ends": "2026-06-30 10:00",
            "allow_comments": "on",
            "allow_map_pins": "on",
            "voting_method": "support_oppose",
            "moderation_mode": "post",
            "action-publish": "publish",
            **overrides,
        }
    )


def test_the_add_form_has_the_area_map(client, editor, home):
    client.force_login(editor)
    response = client.get(f"/admin/pages/add/participation/consultationpage/{home.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-area-widget" in html
    assert "participation/area-widget.js" in html


def _widget_config(html: str) -> dict:
    found = re.search(r'<div class="area-widget".*?<script type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found[1])


def test_the_area_map_lies_on_the_twin_as_the_sites_maps_do(client, editor, home):
    """The widget gets the site's map settings, the twin as its base map among them (none while it is empty)."""
    client.force_login(editor)
    url = f"/admin/pages/add/participation/consultationpage/{home.pk}/"
    config = _widget_config(client.get(url, headers={"accept-language": "de"}).content.decode())
    assert config["basemap"] is None and config["tileUrl"] == ""

    factories.twin_feature()
    forget_twin_revision()  # as an import does
    config = _widget_config(client.get(url, headers={"accept-language": "de"}).content.decode())
    assert config["basemap"]["url"].startswith("/api/v1/twin-tiles/{z}/{x}/{y}.json?v=")
    assert config["basemap"]["name"] == "Stadtmodell" and config["tilesName"] == "Karte"
    [[south, west], [north, east]] = config["basemap"]["bounds"]
    assert (west, south, east, north) == pytest.approx((4.3638, 52.0118, 4.3642, 52.0121))
    html = client.get(url).content.decode()
    assert html.index("participation/twin-basemap.js") < html.index("participation/area-widget.js")


def test_the_area_maps_drawing_tools_speak_the_admins_language(client, editor, home):
    client.force_login(editor)
    html = client.get(
        f"/admin/pages/add/participation/consultationpage/{home.pk}/", headers={"accept-language": "de"}
    ).content.decode()

    # Leaflet.draw's words (L.drawLocal), in the widget's map settings for its script to take.
    labels = _widget_config(html)["drawLabels"]
    assert labels["draw"]["toolbar"]["buttons"]["polygon"] == "Fläche zeichnen"
    assert labels["draw"]["handlers"]["polygon"]["tooltip"]["start"] == "Klicken Sie, um die Fläche zu beginnen."
    assert labels["edit"]["toolbar"]["actions"]["save"]["text"] == "Speichern"


def test_staff_publish_a_consultation_with_an_area(client, editor, home):
    client.force_login(editor)
    response = client.post(f"/admin/pages/add/participation/consultationpage/{home.pk}/", _consultation_form())

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    consultation = ConsultationPage.objects.get(slug="neuer-marktplatz")
    assert consultation.live
    assert consultation.area["type"] == "Polygon"
    assert (consultation.area_min_lon, consultation.area_max_lat) == pytest.approx((4.3622, 52.0135))


def test_an_invalid_area_is_refused_with_a_message(client, editor, home):
    client.force_login(editor)
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[4.36, 52.01], [4.37, 52.02], [4.37, 52.01], [4.36, 52.02], [4.36, 52.01]]],
    }
    response = client.post(
        f"/admin/pages/add/participation/consultationpage/{home.pk}/", _consultation_form(area=json.dumps(bowtie))
    )

    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert not ConsultationPage.objects.filter(slug="neuer-marktplatz").exists()


def test_an_area_nested_a_thousand_levels_deep_is_refused_with_a_message(client, editor, home):
    client.force_login(editor)
    deep = '{"type": "Polygon", "coordinates": ' + "[" * 1000 + "]" * 1000 + "}"

    response = client.post(f"/admin/pages/add/participation/consultationpage/{home.pk}/", _consultation_form(area=deep))

    assert response.status_code == 200
    assert response.context["form"].errors["area"] == ["Dies ist zu tief verschachtelt, um gelesen zu werden."]
    assert not ConsultationPage.objects.filter(slug="neuer-marktplatz").exists()


def test_staff_add_a_proposal_under_a_consultation(client, editor, voting_consultation):
    client.force_login(editor)
    form = nested_form_data(
        {
            "title": "Bänke",
            "slug": "baenke",
            "summary": "Mehr Bänke.",
            "body": streamfield([]),
            "twin_feature_links": inline_formset([]),
            "action-publish": "1",
        }
    )
    response = client.post(f"/admin/pages/add/participation/proposalpage/{voting_consultation.pk}/", form)

    assert response.status_code == 302
    proposal = ProposalPage.objects.get(slug="baenke")
    assert proposal.get_parent().pk == voting_consultation.pk


def test_kiosk_screens_are_registered_in_the_admin(client, editor, voting_consultation):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    from forum.models import Screen

    client.force_login(editor)
    form = {"name": "Foyer", "slug": "foyer", "consultation": voting_consultation.pk, "is_active": "on"}
    # The screen's mode and its rotation (an inline of scenes, empty here) are part of the form.
    form |= {"mode": "follow", "rotation": inline_formset([])}
    response = client.post("/admin/snippets/forum/screen/add/", nested_form_data(form))

    assert response.status_code == 302
    assert Screen.objects.get(slug="foyer").consultation_id == voting_consultation.pk


@pytest.mark.parametrize("hook", ["after_publish_page", "after_unpublish_page"])
def test_publishing_or_unpublishing_a_proposal_in_the_admin_moves_the_live_state_on(hook, proposal):
    consultation_id = proposal.get_parent().pk
    before = results_revision(consultation_id=consultation_id)
    assert live_state_follows_pages in hooks.get_hooks(hook)

    for registered in hooks.get_hooks(hook):
        registered(None, proposal)

    assert results_revision(consultation_id=consultation_id) == before + 1


def test_a_slug_held_by_a_left_draft_is_refused_with_a_link_to_that_draft(client, editor, home):
    """Wagtail saves a new page as a draft while it is being written; one left unfinished keeps its slug."""
    left = factories.consultation("participate", title="Marktplatz (angefangen)", slug="neuer-marktplatz")
    ConsultationPage.objects.filter(pk=left.pk).update(live=False, first_published_at=None, last_published_at=None)
    left.save_revision(user=editor)
    client.force_login(editor)

    response = client.post(f"/admin/pages/add/participation/consultationpage/{home.pk}/", _consultation_form())

    assert response.status_code == 200
    errors = response.context["form"].errors["slug"]
    assert len(errors) == 1
    assert "Entwurf, der nie veröffentlicht wurde" in errors[0]  # the admin speaks the editor's language: German
    assert "Marktplatz (angefangen)" in errors[0]
    assert f'href="/admin/pages/{left.pk}/edit/"' in errors[0]
    assert f'href="/admin/pages/{left.pk}/edit/"' in response.content.decode()  # shown as a link, not escaped
    assert ConsultationPage.objects.filter(slug="neuer-marktplatz").count() == 1


def test_a_slug_held_by_a_published_page_names_that_page(client, editor, home, voting_consultation):
    client.force_login(editor)
    form = _consultation_form(slug=voting_consultation.slug)

    response = client.post(f"/admin/pages/add/participation/consultationpage/{home.pk}/", form)

    assert response.status_code == 200
    [error] = response.context["form"].errors["slug"]
    assert "hat schon die Seite" in error and voting_consultation.title in error
    assert "nie veröffentlicht" not in error


def test_the_voting_method_is_refused_in_the_admin_once_votes_exist(client, editor, home, citizen):
    client.force_login(editor)
    client.post(f"/admin/pages/add/participation/consultationpage/{home.pk}/", _consultation_form())
    consultation = ConsultationPage.objects.get(slug="neuer-marktplatz")
    edit = f"/admin/pages/{consultation.pk}/edit/"
    changed = _consultation_form(voting_method="rating")
    assert client.post(edit, changed).status_code == 302  # nobody has voted: it may change
    consultation.refresh_from_db()
    assert consultation.voting_method == "rating"
    proposal = factories.proposal(consultation)
    Vote.objects.create(proposal=proposal, participant=factories.participant(citizen), rating=4)

    response = client.post(edit, _consultation_form(voting_method="support_oppose"))

    assert response.status_code == 200
    assert response.context["form"].errors["voting_method"] == [
        "Das Abstimmungsverfahren kann nicht mehr geändert werden, sobald Stimmen abgegeben oder Zählungen "
        "von Papier eingegeben wurden."
    ]
    consultation.refresh_from_db()
    assert consultation.voting_method == "rating"


def _site_choices(html: str) -> list[str]:
    return re.findall(r'name="shared_with_sites" value="\d+"[^>]*>\s*([^<]+?)\s*</label>', html)


def test_a_consultation_is_shared_with_the_other_sites_only_and_not_offered_on_a_single_site(client, editor, home):
    client.force_login(editor)
    add_here = f"/admin/pages/add/participation/consultationpage/{home.pk}/"
    assert 'name="shared_with_sites"' not in client.get(add_here).content.decode()  # one site: nothing to share

    kalletal = factories.other_site("kalletal.example", title="Kalletal")
    lemgo = factories.other_site("lemgo.example", title="Lemgo")
    add_there = f"/admin/pages/add/participation/consultationpage/{kalletal.root_page_id}/"
    assert "Kalletal" not in _site_choices(client.get(add_there).content.decode())
    assert len(_site_choices(client.get(add_there).content.decode())) == 2  # the default site and Lemgo

    response = client.post(add_there, {**_consultation_form(), "shared_with_sites": [str(lemgo.pk)]})
    assert response.status_code == 302
    shared = ConsultationPage.objects.get(slug="neuer-marktplatz")
    assert list(shared.shared_with_sites.all()) == [lemgo]
    edit = client.get(f"/admin/pages/{shared.pk}/edit/").content.decode()
    assert "Kalletal" not in _site_choices(edit) and "Lemgo" in _site_choices(edit)
