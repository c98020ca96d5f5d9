"""Wagtail keeps children live when their parent is unpublished; a proposal is public only with its consultation."""

import pytest

from participation import services
from participation.errors import NotAllowed
from participation.models import Vote
from tests.support import factories


@pytest.fixture
def hidden_proposal(db):
    consultation = factories.consultation("vote")
    proposal = factories.proposal(consultation)
    consultation.unpublish()
    return proposal


def test_its_page_is_not_found(client, hidden_proposal):
    assert client.get(hidden_proposal.url).status_code == 404


def test_the_api_does_not_list_or_show_it(client, hidden_proposal):
    assert client.get("/api/v1/proposals/").json()["count"] == 0
    assert client.get(f"/api/v1/proposals/{hidden_proposal.pk}/").status_code == 404


def test_nobody_can_vote_on_it(client, citizen, hidden_proposal):
    with pytest.raises(NotAllowed):
        services.cast_vote(voter=citizen, proposal=hidden_proposal, choice="support")
    client.force_login(citizen)
    response = client.post(f"/api/v1/proposals/{hidden_proposal.pk}/vote/", {"choice": "support"}, "application/json")
    assert response.status_code == 404
    assert not Vote.objects.exists()


def test_staff_can_still_preview_it(client, hidden_proposal):
    editor = factories.UserFactory(username="editor", is_staff=True, is_superuser=True)
    client.force_login(editor)
    assert client.get(f"/admin/pages/{hidden_proposal.pk}/view_draft/").status_code == 200
