"""Reads: results, comment lists, map data and what the live screens draw; each in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from participation import selectors, services
from participation.models import ModerationState, ResultsRevision, Vote
from tests.support import factories

NO_VOTES = {"support": 0, "oppose": 0, "abstain": 0}


def votes(proposal, *choices):
    Vote.objects.bulk_create(
        Vote(proposal=proposal, participant=factories.participant(voter), choice=choice)
        for voter, choice in zip(factories.citizens(len(choices)), choices, strict=True)
    )


def test_proposal_results_count_each_choice_per_proposal(voting_consultation):
    first, second, silent = (factories.proposal(voting_consultation) for _ in range(3))
    votes(first, "support", "support", "oppose")
    votes(second, "abstain")

    results = selectors.proposal_results(proposal_ids=[first.pk, second.pk, silent.pk])

    assert results == {
        first.pk: {"support": 2, "oppose": 1, "abstain": 0},
        second.pk: {"support": 0, "oppose": 0, "abstain": 1},
        silent.pk: NO_VOTES,
    }


def test_proposal_results_of_nothing_is_empty(db):
    assert selectors.proposal_results(proposal_ids=[]) == {}


def test_proposal_results_take_one_query_for_many_proposals(voting_consultation, django_assert_num_queries):
    proposals = [factories.proposal(voting_consultation) for _ in range(5)]
    for proposal in proposals:
        votes(proposal, "support", "oppose")

    with django_assert_num_queries(1):
        results = selectors.proposal_results(proposal_ids=[p.pk for p in proposals])

    assert all(totals == {"support": 1, "oppose": 1, "abstain": 0} for totals in results.values())


def test_proposals_with_results_lists_published_proposals_in_tree_order(voting_consultation):
    first = factories.proposal(voting_consultation, title="Erster")
    draft = factories.proposal(voting_consultation, title="Entwurf")
    draft.unpublish()
    last = factories.proposal(voting_consultation, title="Letzter")
    votes(last, "support")

    proposals = selectors.proposals_with_results(consultation=voting_consultation)

    assert [p.pk for p in proposals] == [first.pk, last.pk]
    assert [p.totals for p in proposals] == [NO_VOTES, {"support": 1, "oppose": 0, "abstain": 0}]


def test_proposals_of_another_consultation_are_not_listed(voting_consultation):
    mine = factories.proposal(voting_consultation)
    factories.proposal(factories.consultation("vote"))

    assert [p.pk for p in selectors.proposals_with_results(consultation=voting_consultation)] == [mine.pk]


def test_consultation_of_a_proposal_takes_one_query(proposal, voting_consultation, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.consultation_of(proposal) == voting_consultation


def test_comment_threads_leave_out_pending_hidden_and_deleted(participating_consultation):
    shown = factories.comment(participating_consultation)
    for state in (ModerationState.PENDING, ModerationState.HIDDEN):
        factories.comment(participating_consultation, moderation_state=state)
    factories.comment(participating_consultation, deleted_at=timezone.now())

    assert list(selectors.comment_threads(consultation=participating_consultation)) == [shown]


def test_comment_threads_nest_only_visible_replies_oldest_first(participating_consultation):
    comment = factories.comment(participating_consultation)
    later = factories.comment(participating_consultation, parent=comment, created_at=timezone.now() + timedelta(1))
    earlier = factories.comment(participating_consultation, parent=comment)
    factories.comment(participating_consultation, parent=comment, moderation_state=ModerationState.HIDDEN)

    (shown,) = selectors.comment_threads(consultation=participating_consultation)

    assert shown == comment
    assert shown.visible_replies == [earlier, later]


def test_comment_threads_of_a_proposal_leave_out_the_rest(participating_consultation):
    proposal = factories.proposal(participating_consultation)
    on_proposal = factories.comment(participating_consultation, proposal=proposal)
    factories.comment(participating_consultation)
    factories.comment(factories.consultation("participate"), proposal=None)

    assert list(selectors.comment_threads(consultation=participating_consultation, proposal=proposal)) == [on_proposal]
    assert len(selectors.comment_threads(consultation=participating_consultation)) == 2


def test_comment_threads_read_in_a_fixed_number_of_queries(
    participating_consultation, citizen, django_assert_num_queries
):
    factories.bulk_comments(participating_consultation, 60, author=citizen, replies_every=3)

    with django_assert_num_queries(2):  # comments with authors and proposals, then their replies
        comments = list(selectors.comment_threads(consultation=participating_consultation))
        texts = [(c.author.username, [r.author.username for r in c.visible_replies]) for c in comments]

    assert len(texts) == 60
    assert sum(len(replies) for _author, replies in texts) == 40


def test_map_contributions_are_public_ones_with_a_place(participating_consultation):
    pinned = factories.comment(participating_consultation, latitude=52.012, longitude=4.364)
    factories.comment(participating_consultation)
    factories.comment(participating_consultation, latitude=52.012, longitude=4.364, moderation_state="hidden")

    assert list(selectors.map_contributions().order_by("id")) == [pinned]


def test_map_contributions_leave_out_withdrawn_consultations(participating_consultation):
    factories.comment(participating_consultation, latitude=52.012, longitude=4.364)
    participating_consultation.unpublish()

    assert list(selectors.map_contributions()) == []


def test_map_contributions_filter_by_consultation_and_bbox(participating_consultation):
    inside = factories.comment(participating_consultation, latitude=52.012, longitude=4.364)
    east = factories.comment(participating_consultation, latitude=52.012, longitude=4.380)
    elsewhere = factories.comment(factories.consultation("participate", area=None), latitude=52.012, longitude=4.364)
    public = selectors.map_contributions().order_by("id")

    assert list(selectors.map_contributions(consultation_id=participating_consultation.pk).order_by("id")) == [
        inside,
        east,
    ]
    assert list(public.filter(selectors.point_in((4.36, 52.0, 4.37, 52.02)))) == [inside, elsewhere]
    assert list(public.filter(selectors.point_in((4.379, 52.011, 4.380, 52.012)))) == [east]  # edges count


def test_a_map_feature_carries_the_comment_but_no_personal_data(participating_consultation, citizen):
    proposal = factories.proposal(participating_consultation)
    comment = factories.comment(
        participating_consultation, author=citizen, proposal=proposal, latitude=52.012, longitude=4.364
    )

    (feature,) = selectors.contribution_map(consultation_id=participating_consultation.pk)["features"]

    assert feature["geometry"] == {"type": "Point", "coordinates": [4.364, 52.012]}  # GeoJSON: lon, lat
    assert feature["id"] == comment.pk
    assert feature["properties"] == {
        "text": comment.text,
        "consultation": participating_consultation.pk,
        "proposal": proposal.pk,
        "twin_feature": None,
        "created_at": comment.created_at.isoformat(),
    }
    assert citizen.username not in str(feature) and citizen.email not in str(feature)


def test_the_map_is_a_feature_collection_in_id_order(participating_consultation):
    comments = [factories.comment(participating_consultation, latitude=52.012, longitude=4.364) for _ in range(2)]

    collection = selectors.contribution_map(consultation_id=participating_consultation.pk)

    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == [c.pk for c in comments]


def test_open_consultations_are_those_still_to_come_or_running_soonest_ending_first(home):
    soon = factories.consultation("participate", participation_ends=timezone.now() + timedelta(days=2))
    voting = factories.consultation("vote")
    upcoming = factories.consultation("inform")
    factories.consultation("evaluate")
    draft = factories.consultation("participate")
    draft.unpublish()

    assert list(selectors.open_consultations()) == [soon, voting, upcoming]


def test_a_consultation_whose_vote_is_still_ahead_stays_open(home):
    now = timezone.now()
    waiting = factories.consultation(
        "evaluate",
        participation_ends=now - timedelta(days=1),
        voting_starts=now + timedelta(days=1),
        voting_ends=now + timedelta(days=3),
    )

    assert list(selectors.open_consultations()) == [waiting]


def online(totals: dict) -> dict:
    """Totals by channel where every vote came from the website."""
    nothing = {"support": 0, "oppose": 0, "abstain": 0}
    return {"online": totals, "phone": nothing, "terminal": nothing, "analog": nothing}


def test_results_snapshot_is_what_screens_draw(voting_consultation, citizen, django_assert_num_queries):
    first = factories.proposal(voting_consultation, title="Bäume")
    second = factories.proposal(voting_consultation, title="Bänke")
    services.cast_vote(voter=citizen, proposal=first, choice="support")
    votes(second, "oppose", "abstain")
    comment = factories.comment(voting_consultation, proposal=first, channel="analog")
    factories.comment(voting_consultation, moderation_state=ModerationState.PENDING)

    with django_assert_num_queries(6):
        snapshot = selectors.results_snapshot(consultation_id=voting_consultation.pk)

    assert snapshot == {
        "consultation": voting_consultation.pk,
        "revision": ResultsRevision.objects.get(consultation=voting_consultation).value,
        "title": voting_consultation.title,
        "phase": "vote",
        "voting_open": True,
        "comments": 1,
        "wall": [
            {
                "id": comment.pk,
                "text": "Ein Kommentar",
                "channel": "analog",
                "proposal": first.pk,
                "created_at": comment.created_at.isoformat(),
            }
        ],
        "proposals": [
            {
                "id": first.pk,
                "title": "Bäume",
                "totals": {"support": 1, "oppose": 0, "abstain": 0},
                "by_channel": online({"support": 1, "oppose": 0, "abstain": 0}),
                "total": 1,
            },
            {
                "id": second.pk,
                "title": "Bänke",
                "totals": {"support": 0, "oppose": 1, "abstain": 1},
                "by_channel": online({"support": 0, "oppose": 1, "abstain": 1}),
                "total": 2,
            },
        ],
    }
    assert snapshot["revision"] == 1


def test_the_comment_wall_is_the_newest_public_comments_without_replies_or_names(
    voting_consultation, citizen, django_assert_num_queries
):
    start = timezone.now() - timedelta(hours=1)
    comments = factories.bulk_comments(voting_consultation, selectors.WALL_SIZE + 3, author=citizen)
    for minutes, comment in enumerate(comments):
        comment.created_at = start + timedelta(minutes=minutes)
        comment.save(update_fields=["created_at"])
    newest = comments[-1]
    factories.comment(voting_consultation, parent=newest, text="Eine Antwort", created_at=timezone.now())
    factories.comment(voting_consultation, text="Wartet", moderation_state=ModerationState.PENDING)
    long = factories.comment(voting_consultation, text="Sehr lang " * 60, created_at=timezone.now())

    with django_assert_num_queries(1):
        wall = selectors.comment_wall(consultation_id=voting_consultation.pk)

    assert len(wall) == selectors.WALL_SIZE
    assert [item["id"] for item in wall] == [long.pk, *[c.pk for c in reversed(comments)][: selectors.WALL_SIZE - 1]]
    assert len(wall[0]["text"]) <= 280 and wall[0]["text"].endswith("…")
    assert {"Eine Antwort", "Wartet"}.isdisjoint(item["text"] for item in wall)
    assert set(wall[1]) == {"id", "text", "channel", "proposal", "created_at"}  # nothing about who wrote it
    assert citizen.username not in str(wall)


def test_results_snapshot_of_an_untouched_consultation_has_revision_zero(voting_consultation):
    snapshot = selectors.results_snapshot(consultation_id=voting_consultation.pk)

    assert (snapshot["revision"], snapshot["comments"], snapshot["wall"], snapshot["proposals"]) == (0, 0, [], [])


def test_with_results_sets_totals_and_consultation_for_proposals_of_several_consultations(
    home, django_assert_num_queries
):
    one, two = factories.consultation("vote"), factories.consultation("vote")
    first, second = factories.proposal(one), factories.proposal(two)
    votes(second, "support")

    with django_assert_num_queries(2):
        proposals = selectors.with_results([first, second])

    assert [(p.consultation_id, p.totals) for p in proposals] == [
        (one.pk, NO_VOTES),
        (two.pk, {"support": 1, "oppose": 0, "abstain": 0}),
    ]


def test_published_proposals_filter_by_consultation(home):
    one, two = factories.consultation("vote"), factories.consultation("vote")
    first, second = factories.proposal(one), factories.proposal(two)

    assert list(selectors.published_proposals()) == [first, second]
    assert list(selectors.published_proposals(consultation_id=two.pk)) == [second]
    assert list(selectors.published_proposals(consultation_id=999_999)) == []


@pytest.mark.parametrize("count", [1, 20])
def test_open_consultations_read_in_one_query(home, count, django_assert_num_queries):
    for _ in range(count):
        factories.consultation("participate")

    with django_assert_num_queries(1):
        phases = [c.current_phase for c in selectors.open_consultations()]

    assert phases == ["participate"] * count


def test_own_pending_comments_are_the_authors_waiting_ones_of_a_premoderated_page(citizen):
    consultation = factories.consultation("participate", moderation_mode="pre")
    proposal = factories.proposal(consultation)
    other = factories.citizens(1)[0]
    waiting = factories.comment(consultation, author=citizen, moderation_state=ModerationState.PENDING)
    on_proposal = factories.comment(
        consultation, author=citizen, proposal=proposal, moderation_state=ModerationState.PENDING
    )
    factories.comment(consultation, author=citizen)  # published: in the public list, not here
    factories.comment(consultation, author=citizen, moderation_state=ModerationState.HIDDEN)
    factories.comment(consultation, author=other, moderation_state=ModerationState.PENDING)

    assert selectors.own_pending_comments(user=citizen, consultation=consultation) == [waiting, on_proposal]
    mine = selectors.own_pending_comments(user=citizen, consultation=consultation, proposal=proposal)
    assert mine == [on_proposal]
    assert selectors.own_pending_comments(user=other, consultation=consultation) != mine


def test_pages_that_hold_no_waiting_comments_read_none(citizen, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    published_at_once = factories.consultation("participate")
    premoderated = factories.consultation("participate", moderation_mode="pre")

    with django_assert_num_queries(0):
        assert selectors.own_pending_comments(user=citizen, consultation=published_at_once) == []
        assert selectors.own_pending_comments(user=AnonymousUser(), consultation=premoderated) == []
