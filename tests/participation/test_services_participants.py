"""Participants: one identity per account, phone or walk-in, and one vote each whatever the channel."""

import pytest
from django.db import IntegrityError

from participation import selectors, services
from participation.errors import NotAllowed
from participation.models import Channel, Participant, ParticipantKind, Vote
from tests.support import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_an_account_has_one_participant_made_on_first_use(citizen):
    first = services.participant_of(citizen)
    assert services.participant_of(citizen) == first
    assert first.kind == ParticipantKind.ACCOUNT and first.key is None


def test_a_visitor_is_no_participant(client):
    from django.contrib.auth.models import AnonymousUser

    assert services.participant_of(AnonymousUser()) is None


def test_a_phone_and_a_terminal_session_carry_only_a_random_key():
    phone = services.device_participant(key="k" * 32)
    assert services.device_participant(key="k" * 32) == phone
    walk_in = services.start_terminal_session()
    assert walk_in.kind == ParticipantKind.TERMINAL_SESSION and len(walk_in.key) >= 32 and walk_in.user is None


def test_the_database_keeps_a_participant_an_account_or_a_key(citizen):
    with pytest.raises(IntegrityError):
        Participant.objects.create(kind=ParticipantKind.DEVICE, key=None)


def test_an_account_voting_online_and_then_on_a_phone_counts_once_the_latest(citizen, voting_consultation):
    proposal = factories.proposal(voting_consultation)
    services.cast_vote(voter=citizen, proposal=proposal, choice="support")
    services.cast_vote(voter=citizen, proposal=proposal, choice="oppose", channel=Channel.PHONE)

    (vote,) = Vote.objects.filter(proposal=proposal)
    assert (vote.choice, vote.channel) == ("oppose", Channel.PHONE)
    by_channel = selectors.proposal_channel_results(proposal_ids=[proposal.pk])[proposal.pk]
    assert by_channel[Channel.ONLINE]["support"] == 0 and by_channel[Channel.PHONE]["oppose"] == 1


def test_a_room_phone_votes_without_an_account_but_only_while_voting_is_open(voting_consultation):
    proposal = factories.proposal(voting_consultation)
    phone = factories.device()
    services.cast_vote(voter=phone, proposal=proposal, choice="support", channel=Channel.PHONE)
    assert selectors.own_vote(voter=phone, proposal=proposal) == "support"

    closed = factories.proposal(factories.consultation("evaluate"))
    from participation.errors import PhaseClosed

    with pytest.raises(PhaseClosed):
        services.cast_vote(voter=phone, proposal=closed, choice="support", channel=Channel.PHONE)


def test_votes_are_not_typed_in_as_paper_one_by_one(citizen, voting_consultation):
    from participation.errors import InvalidInput

    with pytest.raises(InvalidInput, match="counts"):
        services.cast_vote(
            voter=citizen, proposal=factories.proposal(voting_consultation), choice="support", channel=Channel.ANALOG
        )


def test_an_unverified_account_is_still_refused_on_a_phone(unverified_user, voting_consultation):
    with pytest.raises(NotAllowed, match="confirm"):
        services.cast_vote(
            voter=services.participant_of(unverified_user),
            proposal=factories.proposal(voting_consultation),
            choice="support",
            channel=Channel.PHONE,
        )
