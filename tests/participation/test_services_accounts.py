"""participation.services.forget_account: what a deleted account leaves is counted and linked to nobody."""

from __future__ import annotations

import pytest

from participation import selectors, services
from participation.models import (
    Channel,
    Contribution,
    ModerationState,
    Participant,
    ParticipantKind,
    PollKind,
    PollState,
    Question,
    Upvote,
    Vote,
)
from tests.support import factories


@pytest.fixture
def history(db):
    consultation = factories.consultation("vote")
    proposals = [factories.proposal(consultation, title=f"Vorschlag {n}") for n in range(2)]
    presenter = factories.moderator()
    citizen, other = factories.citizens(2)
    questions = services.add_poll(
        presenter=presenter, consultation=consultation, question="Fragen?", kind=PollKind.QUESTIONS
    )
    services.set_poll_state(presenter=presenter, poll=questions, state=PollState.OPEN)
    asked = services.ask_question(participant=other, poll=questions, text="Wann?", channel=Channel.PHONE)
    services.moderate_question(moderator=presenter, question=asked, state=ModerationState.APPROVED)
    services.upvote_question(participant=citizen, question=asked)
    services.ask_question(participant=citizen, poll=questions, text="Wo?", channel=Channel.PHONE)
    for proposal in proposals:
        services.cast_vote(voter=citizen, proposal=proposal, choice="support")
        services.cast_vote(voter=other, proposal=proposal, choice="oppose")
    comment = services.post_contribution(author=citizen, consultation=consultation, text="Mein Kommentar")
    return consultation, proposals, citizen, other, comment, asked


def test_votes_move_to_a_stand_in_each_and_every_total_stays(history):
    consultation, proposals, citizen, other, comment, asked = history
    ids = [p.pk for p in proposals]
    totals = selectors.proposal_channel_results(proposal_ids=ids)
    revision = selectors.results_revision(consultation_id=consultation.pk)

    services.forget_account(user=citizen, withdraw_contributions=False)

    assert selectors.proposal_channel_results(proposal_ids=ids) == totals
    assert not Participant.objects.filter(user=citizen).exists()
    stand_ins = {vote.participant for vote in Vote.objects.filter(choice="support")}
    assert len(stand_ins) == 2  # one per vote: the two votes cannot be linked to each other
    assert all(p.kind == ParticipantKind.DELETED and p.user_id is None and p.key is None for p in stand_ins)
    assert Upvote.objects.get(question=asked).participant.kind == ParticipantKind.DELETED
    assert Question.objects.get(text="Wo?").participant is None
    assert Vote.objects.filter(participant__user=other).count() == 2  # the others' are untouched
    comment.refresh_from_db()
    assert (comment.author, comment.participant, comment.deleted_at) == (None, None, None)
    assert selectors.results_revision(consultation_id=consultation.pk) > revision  # cached pages move on


def test_withdrawn_contributions_leave_public_view_and_are_kept_unlinked(history):
    consultation, _proposals, citizen, _other, comment, _asked = history
    services.forget_account(user=citizen, withdraw_contributions=True)
    comment.refresh_from_db()
    assert comment.deleted_at is not None and comment.author is None and comment.text == "Mein Kommentar"
    assert not selectors.public_contributions(consultation_id=consultation.pk).filter(pk=comment.pk).exists()
    assert Contribution.objects.filter(pk=comment.pk).exists()  # never hard-deleted


def test_an_account_that_never_took_part_is_forgotten_without_writes(db):
    citizen = factories.CitizenFactory()
    services.forget_account(user=citizen, withdraw_contributions=True)
    assert not Participant.objects.exists()
