"""Curating consultations in the admin: an editor's change waits for a moderator's approval (Wagtail's default
workflow, which its migrations assign to every page), previews render the draft with what is around it,
revisions are listed and can be reverted, and "go live at" publishes once the periodic run passes it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from participation.models import ConsultationPage
from participation.rules import MODERATORS_GROUP
from participation.selectors import results_revision
from participation.tasks import run_schedule
from tests.support import factories
from tests.support.permission_matrix import EDITORS_GROUP

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2031, 5, 6, 10, 0, tzinfo=dt.UTC)


def admin_time(moment: dt.datetime) -> str:
    """A moment as typed into the admin's date fields (in the site's time zone)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def admin_as(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def editor(db):
    user = factories.CitizenFactory(username="editor")
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))  # as Wagtail's migrations made it
    return user


@pytest.fixture
def moderator(db):
    user = factories.moderator()
    assert user.groups.filter(name=MODERATORS_GROUP).exists()
    return user


def edit_form(consultation: ConsultationPage, action: str, **overrides) -> dict:
    """The edit form as the admin sends it, with ``action`` ("action-submit", "action-publish", ...)."""
    fields = {
        "title": consultation.title,
        "slug": consultation.slug,
        "intro": consultation.intro,
        "body": streamfield([]),
        "twin_feature_links": inline_formset([]),
        "area": json.dumps(consultation.area),
        "participation_starts": admin_time(consultation.participation_starts),
        "participation_ends": admin_time(consultation.participation_ends),
        "voting_starts": admin_time(consultation.voting_starts),
        "voting_ends": admin_time(consultation.voting_ends),
        "allow_comments": "on",
        "allow_map_pins": "on",
        "voting_method": "support_oppose",
        "moderation_mode": "post",
        action: action.removeprefix("action-"),
        **overrides,
    }
    return nested_form_data(fields)


def test_an_editors_change_waits_for_a_moderators_approval_then_goes_live_and_reaches_the_screens(
    editor, moderator, voting_consultation
):
    consultation = voting_consultation
    response = admin_as(editor).post(
        f"/admin/pages/{consultation.pk}/edit/", edit_form(consultation, "action-submit", title="Neuer Titel")
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    consultation.refresh_from_db()
    assert consultation.title == "Ein Platz" and consultation.has_unpublished_changes  # not live yet
    state = WorkflowState.objects.get(object_id=str(consultation.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    task_state = state.current_task_state
    # The editor may not approve their own change; the moderator is shown it as theirs to review.
    assert task_state.task.specific.user_can_access_editor(consultation, moderator)
    assert not task_state.task.specific.get_actions(consultation, editor)
    revision = results_revision(consultation_id=consultation.pk)

    url = f"/admin/pages/workflow/action/{consultation.pk}/approve/{task_state.pk}/"
    assert admin_as(moderator).post(url, {"comment": ""}).status_code in (200, 302)

    consultation.refresh_from_db()
    assert consultation.title == "Neuer Titel" and consultation.live and not consultation.has_unpublished_changes
    # Screens and phones show the title: the approval publishes, so the live state moves on, as by hand.
    assert results_revision(consultation_id=consultation.pk) > revision


def test_an_editor_cannot_publish_without_the_approval(editor, voting_consultation):
    consultation = voting_consultation
    admin_as(editor).post(
        f"/admin/pages/{consultation.pk}/edit/", edit_form(consultation, "action-publish", title="Eigenmächtig")
    )
    consultation.refresh_from_db()
    assert consultation.title == "Ein Platz"


def test_a_preview_renders_the_draft_of_a_consultation_with_its_proposals(editor, home):
    consultation = factories.consultation("participate")
    factories.proposal(consultation, title="Mehr Bänke")
    consultation.unpublish()  # a draft: nobody outside sees it
    assert Client().get(consultation.url).status_code == 404
    client = admin_as(editor)
    url = f"/admin/pages/{consultation.pk}/edit/preview/"

    assert client.post(url, edit_form(consultation, "action-preview", title="Entwurf: Marktplatz")).json()["is_valid"]
    html = client.get(url, {"mode": ""}).content.decode()
    assert "Entwurf: Marktplatz" in html and "Mehr Bänke" in html


def test_a_preview_of_a_proposal_of_a_draft_consultation_renders(editor, home):
    consultation = factories.consultation("participate")
    proposal = factories.proposal(consultation, title="Mehr Bänke")
    consultation.unpublish()
    assert Client().get(proposal.url).status_code == 404
    client = admin_as(editor)
    url = f"/admin/pages/{proposal.pk}/edit/preview/"
    form = nested_form_data(
        {
            "title": "Mehr Bänke, neu",
            "slug": proposal.slug,
            "summary": "Entwurf",
            "body": streamfield([]),
            "twin_feature_links": inline_formset([]),
        }
    )
    assert client.post(url, form).json()["is_valid"]
    assert "Mehr Bänke, neu" in client.get(url, {"mode": ""}).content.decode()


def test_revisions_are_listed_and_an_old_one_can_be_reverted_to(admin_user, voting_consultation):
    consultation = voting_consultation
    client = admin_as(admin_user)
    first = consultation.save_revision(user=admin_user)
    first.publish()
    client.post(f"/admin/pages/{consultation.pk}/edit/", edit_form(consultation, "action-publish", title="Zweiter"))
    consultation.refresh_from_db()
    assert consultation.title == "Zweiter"

    history = client.get(f"/admin/pages/{consultation.pk}/history/")
    assert history.status_code == 200
    revert = client.get(f"/admin/pages/{consultation.pk}/revisions/{first.pk}/revert/")
    assert revert.status_code == 200 and 'value="Ein Platz"' in revert.content.decode()
    client.post(f"/admin/pages/{consultation.pk}/edit/", edit_form(consultation, "action-publish", title="Ein Platz"))
    consultation.refresh_from_db()
    assert consultation.title == "Ein Platz" and consultation.revisions.count() == 3


def test_go_live_at_publishes_when_the_periodic_run_passes_it(admin_user, home):
    with time_machine.travel(T0, tick=False) as clock:
        consultation = factories.consultation("participate")
        consultation.unpublish()
        go_live = T0 + dt.timedelta(hours=2)
        form = edit_form(consultation, "action-publish", go_live_at=admin_time(go_live))
        response = admin_as(admin_user).post(f"/admin/pages/{consultation.pk}/edit/", form)
        assert response.status_code == 302, response.content.decode()[:2000]
        consultation.refresh_from_db()
        assert not consultation.live

        run_schedule()
        consultation.refresh_from_db()
        assert not consultation.live  # not yet

        clock.move_to(go_live + dt.timedelta(minutes=1))
        revision = results_revision(consultation_id=consultation.pk)
        run_schedule()
        consultation.refresh_from_db()
        assert consultation.live and Client().get(consultation.url).status_code == 200
        assert results_revision(consultation_id=consultation.pk) > revision

        consultation.expire_at = go_live + dt.timedelta(hours=1)
        consultation.save_revision().publish()
        clock.move_to(go_live + dt.timedelta(hours=2))
        run_schedule()
        consultation.refresh_from_db()
        assert not consultation.live and consultation.expired
