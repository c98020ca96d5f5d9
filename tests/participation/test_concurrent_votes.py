"""Votes arriving at the same moment, from many threads with their own database connections.

Transactional: every thread commits for real, on SQLite (immediate transactions,
busy timeout) and on PostgreSQL alike.
"""

import threading

import pytest
from django.db import connection

from participation import services
from participation.models import ResultsRevision, Vote
from participation.selectors import proposal_results
from tests.support import factories

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(calls: list) -> list[BaseException]:
    """Run each call in its own thread, released together; return what they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as error:  # the test reports every failure of every thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a voting thread hung"
    return errors


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
    (vote,) = Vote.objects.filter(proposal=proposal, voter=citizen)
    assert vote.choice in {"support", "oppose"}
    totals = proposal_results(proposal_ids=[proposal.pk])[proposal.pk]
    assert sum(totals.values()) == 1 and totals[vote.choice] == 1
