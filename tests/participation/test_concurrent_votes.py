"""Votes arriving at the same moment, from many threads with their own database connections.

Transactional: every thread commits for real, on SQLite (immediate transactions,
busy timeout) and on PostgreSQL alike.
"""

import pytest

from participation import services
from participation.models import PollAnswer, PollChoice, ResultsRevision, Vote
from participation.selectors import poll_options, poll_results, proposal_channel_results, proposal_results
from tests.support import factories
from tests.support.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def vote_call(voter, proposal, choice):
    return lambda: services.cast_vote(voter=voter, proposal=proposal, choice=choice)


def test_fifty_citizens_voting_at_the_same_moment_are_all_counted():
    consultation = factories.consultation("vote")
    proposal = factories.proposal(consultation)
    voters = factories.citizens(50)
    choices = ["support"] * 30 + ["oppose"] * 15 + ["abstain"] * 5

    errors = at_once([vote_call(voter, proposal, choice) for voter, choice in zip(voters, choices, strict=True)])

    assert errors == []
    assert proposal_results(proposal_ids=[proposal.pk])[proposal.pk] == {"support": 30, "oppose": 15, "abstain": 5}
    assert Vote.objects.filter(proposal=proposal).count() == 50
    assert ResultsRevision.objects.get(consultation=consultation).value == 50


def test_one_citizen_voting_from_ten_threads_at_once_keeps_one_vote():
    proposal = factories.proposal(factories.consultation("vote"))
    citizen = factories.CitizenFactory()
    choices = ["support", "oppose"] * 5

    errors = at_once([vote_call(citizen, proposal, choice) for choice in choices])

    assert errors == []
    (vote,) = Vote.objects.filter(proposal=proposal, participant__user=citizen)
    assert vote.choice in {"support", "oppose"}
    totals = proposal_results(proposal_ids=[proposal.pk])[proposal.pk]
    assert sum(totals.values()) == 1 and totals[vote.choice] == 1


def test_fifty_phones_voting_at_the_same_moment_are_all_counted_on_their_channel():
    proposal = factories.proposal(factories.consultation("vote"))
    phones = [factories.device() for _ in range(50)]

    errors = at_once(
        [
            lambda phone=phone: services.cast_vote(voter=phone, proposal=proposal, choice="support", channel="phone")
            for phone in phones
        ]
    )

    assert errors == []
    by_channel = proposal_channel_results(proposal_ids=[proposal.pk])[proposal.pk]
    assert by_channel["phone"]["support"] == 50 and by_channel["online"]["support"] == 0


def test_one_phone_answering_a_multiple_choice_poll_from_ten_threads_keeps_one_answer():
    moderator = factories.moderator()
    consultation = factories.consultation("participate")
    poll = services.add_poll(
        presenter=moderator,
        consultation=consultation,
        question="Welche zwei?",
        kind="multiple",
        options=["a", "b", "c", "d"],
        max_choices=2,
    )
    services.set_poll_state(presenter=moderator, poll=poll, state="open")
    ids = [o["id"] for o in poll_options(poll=poll)]
    phone = factories.device()
    picks = [[ids[i % 4], ids[(i + 1) % 4]] for i in range(10)]

    errors = at_once(
        [
            lambda pick=pick: services.answer_poll(participant=phone, poll=poll, channel="phone", options=pick)
            for pick in picks
        ]
    )

    assert errors == []
    assert PollAnswer.objects.filter(poll=poll).count() == 1
    ticked = PollChoice.objects.filter(answer__poll=poll).count()
    assert ticked == 2, "one answer's two options, never a mix of two answers"
    assert sum(o["count"] for o in poll_results(poll=poll)["options"]) == 2


def test_fifty_phones_answering_a_poll_at_once_are_all_counted():
    moderator = factories.moderator()
    poll = services.add_poll(
        presenter=moderator, consultation=factories.consultation("participate"), question="?", options=["a", "b"]
    )
    services.set_poll_state(presenter=moderator, poll=poll, state="open")
    first = poll_options(poll=poll)[0]["id"]
    phones = [factories.device() for _ in range(50)]

    errors = at_once(
        [
            lambda phone=phone: services.answer_poll(participant=phone, poll=poll, channel="phone", options=first)
            for phone in phones
        ]
    )

    assert errors == []
    assert poll_results(poll=poll)["options"][0]["count"] == 50
