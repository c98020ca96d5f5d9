"""The account area: a citizen downloads their data (JSON, theirs only) and deletes the account, keeping their
contributions anonymised or withdrawing them; afterwards a dump of the whole database holds neither their e-mail
address nor their public name, and every total is what it was."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from participation import selectors, services
from participation.models import Channel, Contribution, Participant, ParticipantKind, PollState
from tests.support import factories
from tests.support.dump import database_dump

PASSWORD = "a-long-test-password"


@pytest.fixture
def evening(transactional_db):
    consultation = factories.consultation("vote")
    proposal = factories.proposal(consultation)
    presenter = factories.moderator()
    poll = services.add_poll(presenter=presenter, consultation=consultation, question="Was fehlt?", options=["A", "B"])
    services.set_poll_state(presenter=presenter, poll=poll, state=PollState.OPEN)
    citizen = factories.CitizenFactory(username="Loeschmich", email="loeschmich@example.org")
    other = factories.CitizenFactory(username="Bleibtda", email="bleibtda@example.org")
    for author, text in ((citizen, "Mehr Bänke am Ufer"), (other, "Weniger Autos")):
        services.post_contribution(author=author, consultation=consultation, text=text, **factories.INSIDE)
        services.cast_vote(voter=author, proposal=proposal, choice="support")
        services.answer_poll(
            participant=services.participant_of(author),
            poll=poll,
            channel=Channel.ONLINE,
            options=poll.options.first().pk,
        )
    return SimpleNamespace(consultation=consultation, proposal=proposal, poll=poll, citizen=citizen, other=other)


def _client(user, language: str = "de") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _totals(evening) -> tuple:
    votes = selectors.proposal_channel_results(proposal_ids=[evening.proposal.pk])
    return votes, selectors.poll_results(poll=evening.poll)["options"]


def test_the_download_holds_the_citizens_data_and_nobody_elses(evening):
    response = _client(evening.citizen).post("/accounts/data/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["public_name"] == "Loeschmich"
    assert data["account"]["email"] == "loeschmich@example.org"
    assert data["email_addresses"] == [{"email": "loeschmich@example.org", "verified": True, "primary": True}]
    [contribution] = data["contributions"]
    assert contribution["text"] == "Mehr Bänke am Ufer"
    assert contribution["consultation"] == evening.consultation.title
    assert contribution["state"] == "approved"
    assert contribution["place"]["type"] == "Point"
    assert [(v["proposal_id"], v["choice"]) for v in data["votes"]] == [(evening.proposal.pk, "support")]
    assert [a["options"] for a in data["poll_answers"]] == [["A"]]
    text = response.content.decode()
    assert "Bleibtda" not in text and "bleibtda@example.org" not in text and "Weniger Autos" not in text
    assert PASSWORD not in text


def test_the_download_is_a_post_with_csrf_for_a_logged_in_citizen_and_rate_limited(evening):
    assert Client().post("/accounts/data/").status_code == 302  # to the login
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(evening.citizen)
    assert strict.post("/accounts/data/").status_code == 403
    client = _client(evening.citizen)
    assert client.get("/accounts/data/").status_code == 200  # the page that explains it
    statuses = [client.post("/accounts/data/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


@pytest.mark.parametrize("choice", ["keep", "withdraw"])
def test_deleting_the_account_leaves_nothing_personal_and_every_total_as_it_was(evening, choice):
    before = _totals(evening)
    client = _client(evening.citizen)
    assert client.get("/accounts/delete/").status_code == 200

    response = client.post("/accounts/delete/", {"password": PASSWORD, "contributions": choice})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(username="Loeschmich").exists()
    assert "_auth_user_id" not in client.session  # logged out
    assert _totals(evening) == before
    mine = Contribution.objects.get(text="Mehr Bänke am Ufer")
    assert mine.author_id is None and mine.participant_id is None
    assert (mine.deleted_at is not None) == (choice == "withdraw")
    public = [c.text for c in selectors.public_contributions(consultation_id=evening.consultation.pk)]
    assert ("Mehr Bänke am Ufer" in public) == (choice == "keep")
    assert "Weniger Autos" in public
    page = Client().get(evening.consultation.url).content.decode()
    assert "Loeschmich" not in page
    if choice == "keep":
        assert "Gelöschtes Konto" in page
    # Each kept vote and answer has a participant of its own, with no account and no key.
    stand_ins = Participant.objects.filter(kind=ParticipantKind.DELETED)
    assert stand_ins.count() == 2 and not stand_ins.filter(user__isnull=False).exists()
    dump = database_dump()
    for personal in (b"loeschmich@example.org", b"Loeschmich", b"loeschmich"):
        assert personal not in dump, personal
    assert b"bleibtda@example.org" in dump  # the dump holds the others: the search would have found it


def test_a_wrong_password_deletes_nothing(evening):
    client = _client(evening.citizen, "en")
    response = client.post("/accounts/delete/", {"password": "wrong", "contributions": "keep"})
    assert response.status_code == 400
    assert "This is not your password." in response.content.decode()
    assert get_user_model().objects.filter(username="Loeschmich").exists()
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 400  # no choice made
    assert get_user_model().objects.filter(username="Loeschmich").exists()


def test_an_account_of_the_admin_is_not_deleted_here(evening):
    """Staff sign the admin's audit trails (paper counts): an administrator removes their accounts, not they."""
    staff = factories.staff("clerk", "add_analogentry")
    client = _client(staff, "en")
    assert client.get("/accounts/delete/").status_code == 403
    response = client.post("/accounts/delete/", {"password": PASSWORD, "contributions": "keep"})
    assert response.status_code == 403
    assert "Staff accounts cannot be deleted here" in response.content.decode()
    assert get_user_model().objects.filter(pk=staff.pk).exists()
