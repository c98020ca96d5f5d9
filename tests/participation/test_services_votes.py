import pytest

from participation import services
from participation.errors import InvalidInput, NotAllowed, PhaseClosed
from participation.models import Vote
from participation.selectors import proposal_results, results_revision
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


# --- many at once (a room's phones, written together) ----------------------------------------


def _phones(count: int) -> list:
    return [services.device_participant(key=f"phone-{index}") for index in range(count)]


@pytest.mark.parametrize("count", [3, 60])
def test_votes_written_together_cost_the_same_queries_however_many_there_are(
    proposal, django_assert_max_num_queries, count
):
    phones = _phones(count)
    services.cast_vote(voter=phones[0], proposal=proposal, choice="oppose", channel="phone")  # a revision exists
    consultation_id = proposal.get_parent().pk
    before = results_revision(consultation_id=consultation_id)
    ballots = [services.Ballot(voter=phone, proposal=proposal, choice="support", channel="phone") for phone in phones]

    with django_assert_max_num_queries(5):  # savepoint and its release, the consultation, upsert, revision bump
        outcomes = services.cast_votes(ballots=ballots)

    assert all(isinstance(vote, Vote) and vote.pk for vote in outcomes)
    assert {vote.participant_id for vote in outcomes} == {phone.pk for phone in phones}
    assert proposal_results(proposal_ids=[proposal.pk])[proposal.pk] == {"support": count, "oppose": 0, "abstain": 0}
    assert results_revision(consultation_id=consultation_id) == before + 1  # one bump for the batch


def test_a_refused_ballot_spoils_none_of_the_others(proposal):
    first, second, third = _phones(3)
    closed = factories.proposal(factories.consultation("evaluate"))
    outcomes = services.cast_votes(
        ballots=[
            services.Ballot(voter=first, proposal=proposal, choice="support", channel="phone"),
            services.Ballot(voter=second, proposal=proposal, choice="maybe", channel="phone"),
            services.Ballot(voter=third, proposal=closed, choice="oppose", channel="phone"),
            services.Ballot(voter=third, proposal=proposal, choice="oppose", channel="phone"),
        ]
    )

    assert [type(outcome) for outcome in outcomes] == [Vote, InvalidInput, PhaseClosed, Vote]
    assert outcomes[1].field == "choice"
    assert proposal_results(proposal_ids=[proposal.pk])[proposal.pk] == {"support": 1, "oppose": 1, "abstain": 0}
    assert not Vote.objects.filter(proposal=closed).exists()


def test_two_ballots_of_one_phone_in_one_batch_count_once_the_later(proposal):
    [phone] = _phones(1)
    outcomes = services.cast_votes(
        ballots=[
            services.Ballot(voter=phone, proposal=proposal, choice="support", channel="phone"),
            services.Ballot(voter=phone, proposal=proposal, choice="oppose", channel="phone"),
        ]
    )

    assert outcomes[0].pk == outcomes[1].pk
    assert Vote.objects.get(participant=phone, proposal=proposal).choice == "oppose"
    assert proposal_results(proposal_ids=[proposal.pk])[proposal.pk] == {"support": 0, "oppose": 1, "abstain": 0}


def test_a_batch_with_nothing_to_write_writes_nothing(proposal):
    [phone] = _phones(1)
    consultation_id = proposal.get_parent().pk
    before = results_revision(consultation_id=consultation_id)

    [outcome] = services.cast_votes(
        ballots=[services.Ballot(voter=phone, proposal=proposal, choice="", channel="phone")]
    )

    assert isinstance(outcome, InvalidInput)
    assert results_revision(consultation_id=consultation_id) == before
