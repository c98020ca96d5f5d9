import pytest

from participation import services
from participation.errors import InvalidInput, NotAllowed, PhaseClosed
from participation.models import Vote
from participation.selectors import proposal_results
from tests.support import factories


def test_citizen_votes_and_the_total_counts_it(citizen, proposal):
    vote = services.cast_vote(voter=citizen, proposal=proposal, choice="support")

    assert vote.choice == "support"
    assert proposal_results(proposal_ids=[proposal.pk])[proposal.pk] == {"support": 1, "oppose": 0, "abstain": 0}


def test_changing_a_vote_keeps_one_row(citizen, proposal):
    services.cast_vote(voter=citizen, proposal=proposal, choice="support")
    services.cast_vote(voter=citizen, proposal=proposal, choice="oppose")

    assert Vote.objects.filter(participant__user=citizen, proposal=proposal).count() == 1
    assert proposal_results(proposal_ids=[proposal.pk])[proposal.pk] == {"support": 0, "oppose": 1, "abstain": 0}


def test_unknown_choice_is_refused(citizen, proposal):
    with pytest.raises(InvalidInput):
        services.cast_vote(voter=citizen, proposal=proposal, choice="maybe")
    assert not Vote.objects.exists()


def test_unverified_user_may_not_vote(unverified_user, proposal):
    with pytest.raises(NotAllowed):
        services.cast_vote(voter=unverified_user, proposal=proposal, choice="support")


@pytest.mark.parametrize("phase", ["inform", "participate", "evaluate"])
def test_no_vote_outside_the_voting_phase(citizen, phase):
    closed = factories.proposal(factories.consultation(phase))
    with pytest.raises(PhaseClosed):
        services.cast_vote(voter=citizen, proposal=closed, choice="support")
