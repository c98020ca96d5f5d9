import pytest
from django.utils import translation

from participation import services
from participation.errors import InvalidInput, NotAllowed, PhaseClosed
from participation.models import Vote
from participation.selectors import proposal_results, proposal_tallies, results_revision
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


# --- ratings (a consultation rated from 1 to 5) ----------------------------------------------


def test_a_rating_is_counted_with_its_average_and_distribution(citizen, rated_proposal):
    vote = services.cast_vote(voter=citizen, proposal=rated_proposal, rating=4)
    services.cast_vote(voter=factories.device(), proposal=rated_proposal, rating=5, channel="phone")

    assert (vote.choice, vote.rating) == ("", 4)
    tally = proposal_tallies(proposal_ids=[rated_proposal.pk])[rated_proposal.pk]
    assert tally["rating"] == {"count": 2, "average": 4.5, "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}}
    assert tally["totals"] == {"support": 0, "oppose": 0, "abstain": 0}
    assert tally["total"] == 2


def test_a_rating_is_changed_in_place_while_voting_is_open(citizen, rated_proposal):
    first = services.cast_vote(voter=citizen, proposal=rated_proposal, rating=2)
    second = services.cast_vote(voter=citizen, proposal=rated_proposal, rating=5)

    assert first.pk == second.pk
    assert Vote.objects.get().rating == 5
    rating = proposal_tallies(proposal_ids=[rated_proposal.pk])[rated_proposal.pk]["rating"]
    assert rating["count"] == 1 and rating["distribution"]["5"] == 1 and rating["distribution"]["2"] == 0


def test_a_rating_after_voting_ended_is_refused(citizen):
    closed = factories.proposal(factories.consultation("evaluate", voting_method="rating"))

    with pytest.raises(PhaseClosed):
        services.cast_vote(voter=citizen, proposal=closed, rating=3)


@pytest.mark.parametrize("rating", [0, 6, -1, None, True, "3", 3.0])
def test_a_rating_outside_1_to_5_is_refused_with_a_message(citizen, rated_proposal, english, rating):
    with pytest.raises(InvalidInput) as refused:
        services.cast_vote(voter=citizen, proposal=rated_proposal, rating=rating)

    assert refused.value.message == "Please choose a rating from 1 to 5."
    assert refused.value.field == "rating"
    assert not Vote.objects.exists()


def test_a_choice_is_refused_where_the_consultation_rates(citizen, rated_proposal, english):
    with pytest.raises(InvalidInput) as refused:
        services.cast_vote(voter=citizen, proposal=rated_proposal, choice="support")

    assert refused.value.message == "This consultation is rated from 1 to 5, not voted on with support or oppose."
    assert not Vote.objects.exists()


def test_a_rating_is_refused_where_the_consultation_votes_support_or_oppose(citizen, proposal, english):
    with pytest.raises(InvalidInput) as refused:
        services.cast_vote(voter=citizen, proposal=proposal, rating=4)

    assert refused.value.message == "This consultation is voted on with support, oppose or abstain, not with a rating."
    assert refused.value.field == "choice"
    assert not Vote.objects.exists()


def test_the_refusal_of_the_other_method_is_said_in_german(citizen, rated_proposal):
    with translation.override("de"), pytest.raises(InvalidInput) as refused:
        services.cast_vote(voter=citizen, proposal=rated_proposal, choice="oppose")

    assert "1 bis 5" in refused.value.message


def test_ratings_written_together_with_choices_elsewhere_each_count_by_their_method(proposal, rated_proposal):
    phone = services.device_participant(key="phone-rates")
    outcomes = services.cast_votes(
        ballots=[
            services.Ballot(voter=phone, proposal=rated_proposal, rating=3, channel="phone"),
            services.Ballot(voter=phone, proposal=proposal, choice="support", channel="phone"),
            services.Ballot(voter=phone, proposal=rated_proposal, choice="support", channel="phone"),
        ]
    )

    assert isinstance(outcomes[0], Vote) and isinstance(outcomes[1], Vote)
    assert isinstance(outcomes[2], InvalidInput)
    assert Vote.objects.get(proposal=rated_proposal).rating == 3
    assert Vote.objects.get(proposal=proposal).choice == "support"
